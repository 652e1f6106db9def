"""Where a user may be sent back to after signing in or choosing a language: a path on this
site, never another site.

What counts is what a browser makes of the Location header, not what `urlsplit` makes of
it: browsers drop tabs and line breaks anywhere in a URL, trim control characters and
spaces at its ends, read a backslash as a slash, and take `//host` (and so `///host`,
`/\\host`, `/<tab>/host`) as another site. So only a plain path is followed: one slash
first and not a second, no backslash, no control character or space.
"""

from urllib.parse import urlsplit


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
