"""Where a user may be sent back to after signing in or choosing a language: a path on this
site, never another site.

What counts is what a browser makes of the Location header, not what `urlsplit` makes of
it: browsers drop tabs and line breaks anywhere in a URL, trim control characters and
spaces at its ends, read a backslash as a slash, and take `//host` (and so `///host`,
`/\\host`, `/<tab>/host`) as another site. So only a plain path is followed: one slash
first and not a second, no backslash, no control character or space.
"""

from urllib.parse import urlencode, urlsplit

from flask import Flask, abort, redirect, request


def same_site_path(target) -> str | None:
    """`target` as a path on this site (with its query), or None when it is anything else."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return None
    if any(ch <= " " or ch == "\x7f" or ch == "\\" for ch in target):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# Flask-Admin's screens take where to go after saving from a `url` value (its own check lets
# `http:evil.example` and absolute URLs through): the same rule holds there.
ADMIN_PREFIX = "/admin/"
RETURN_PARAMETER = "url"


def _admin_return_same_site():
    """A request to the admin whose `url` is not a path on this site: a GET is sent to the
    same page without it (Flask-Admin then returns to its list), anything else refused."""
    if not request.path.startswith(ADMIN_PREFIX):
        return None
    target = request.values.get(RETURN_PARAMETER)
    if not target or same_site_path(target) is not None:
        return None
    if request.method not in ("GET", "HEAD"):
        abort(400)
    args = [(k, v) for k, v in request.args.items(multi=True) if k != RETURN_PARAMETER]
    return redirect(request.path + (f"?{urlencode(args)}" if args else ""), 303)


def init_app(app: Flask) -> None:
    app.before_request(_admin_return_same_site)
