"""The funding monitor: the structural share of each centre, its figures, rules and screens.

The blueprint is made here; `views` and `rules_views` add its routes.
"""

from flask import Blueprint

bp = Blueprint("share", __name__)


def init_app(app) -> None:
    """Register the monitor's screens: the dashboard, centre pages, lines, exports and rules."""
    from fundtrack.share import rules_views, views  # noqa: F401  (routes join `bp`)

    app.register_blueprint(bp)
