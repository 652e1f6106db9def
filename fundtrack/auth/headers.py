"""Security headers on every response, with a fresh CSP nonce per request.

Scripts run only from the app's own files or from inline blocks carrying this request's
nonce (Flask-Admin's and Swagger UI's few); no inline event handlers, no `unsafe-inline` for
scripts. Styles allow inline attributes (Flask-Admin and the SVG charts use them); nothing is
loaded from another host, and no page may be framed.
"""

import secrets

from flask import Flask, current_app, g, request

CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """This request's nonce, for `<script nonce="...">`."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _secure_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("FUNDTRACK_PRODUCTION"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    endpoint = request.endpoint or ""
    if not endpoint.endswith("static") and "Cache-Control" not in headers:
        # Pages show people's money and names: no copies in shared caches or the back button.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_secure_headers)
