"""Imports: bank statements (camt.053, MT940) and spreadsheets (CSV, XLSX) into a centre's
income, previewed first, booked all together, never twice, and undone as a whole."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")


def init_app(app) -> None:
    from fundtrack.imports import onboarding_views, views  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
