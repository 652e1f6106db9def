"""Imports: bank statements (camt.053, MT940) and spreadsheets (CSV, XLSX) into a centre's
income, previewed first, booked all together, never twice, and undone as a whole."""

from flask import Blueprint, current_app, request

bp = Blueprint("imports", __name__, url_prefix="/imports")

# The screens that take a file: their body may be as large as an import may be.
UPLOADS = {"imports.upload", "imports.onboarding_upload"}


def allow_upload_bodies() -> None:
    """Raise the body limit for the upload screens before anything reads the body.

    Registered ahead of the CSRF check, which reads the form: under the application's 2 MiB
    limit a larger statement got 413 there, before the view could allow it.
    """
    if request.endpoint in UPLOADS:
        from fundtrack.imports.files import max_bytes

        request.max_content_length = max_bytes(current_app.config) + 64 * 1024


def init_app(app) -> None:
    from fundtrack.imports import views  # noqa: F401  (routes on bp)
    from fundtrack.imports.onboarding import views as onboarding_views  # noqa: F401

    app.register_blueprint(bp)
