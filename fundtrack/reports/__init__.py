"""PDF reports: a centre's funding report, the national report and grant reports.

Each report has one function that gathers its data as plain values from the query layers
(`centre_report`, `national_report`, `grant_report`) and a template under templates/reports/
that only formats them; `render.render_pdf` turns the HTML into PDF with a fetcher confined to
the app's static files. Screens, the API, background jobs and the CLI all call the same
functions. The blueprint is made here; `views` adds its routes.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__)


def svg_data_url(svg: str) -> str:
    """An SVG chart as a `data:` URL, so WeasyPrint draws it as an image, vector and sharp."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def count(value) -> str:
    """A counted quantity (a goal's target or result) in the network's locale: '1.250', '2,5'."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    from fundtrack.formatting import NO_VALUE, network_format

    if value is None:
        return NO_VALUE
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format_decimal(value, locale=network_format().locale)


def init_app(app) -> None:
    """Register the report routes and the template filters the report templates use."""
    from fundtrack.reports import grant_views, views  # noqa: F401  (routes join `bp`)

    app.jinja_env.filters["svg_data_url"] = svg_data_url
    app.jinja_env.filters["number"] = count
    app.register_blueprint(bp)
