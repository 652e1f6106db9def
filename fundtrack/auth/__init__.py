"""Accounts: sign-in, server-side sessions, the second step, throttling, security headers."""

from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user

# Pages a signed-in user who still has to enrol the second step may open.
ENROLMENT_PAGES = {
    "account.mfa_setup",
    "account.confirm",
    "auth.logout",
    "auth.login",
    "auth.login_code",
}


def _second_step_required():
    """Admins and the national office enrol a TOTP app before anything else."""
    endpoint = request.endpoint or ""
    if not endpoint or endpoint.endswith("static") or request.path.startswith("/api/"):
        return None
    if endpoint in ENROLMENT_PAGES or not current_user.is_authenticated:
        return None
    from fundtrack.auth.mfa import requires_mfa

    roles = current_app.config["MFA_REQUIRED_ROLES"]
    if not current_user.mfa_enabled and requires_mfa(current_user, roles):
        return redirect(url_for("account.mfa_setup"))
    return None


def init_app(app: Flask) -> None:
    """Wire sessions, throttling, headers and the account pages into `app`."""
    from fundtrack.auth import headers, notices, redirects, sessions
    from fundtrack.auth.account_views import bp as account_bp
    from fundtrack.auth.throttle import limiter

    sessions.init_app(app)
    notices.init_app(app)
    redirects.init_app(app)
    headers.init_app(app)
    limiter.init_app(app)
    app.before_request(_second_step_required)
    app.register_blueprint(account_bp)
