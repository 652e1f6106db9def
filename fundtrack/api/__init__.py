"""The JSON API v1 under /api/v1: flask-smorest resources, an OpenAPI 3.1 document, token auth.

Each resource module holds one blueprint; `init_api` registers them on a fresh `Api` per app
(a module-level Api would break the second app a test builds). Later resources, such as
grants and the PDF reports (/api/v1/grants/ID/report.pdf, /api/v1/centres/CODE/report.pdf),
join by adding their module to `RESOURCES`; a PDF route returns a file response from a view
decorated with `@blp.response(200, content_type="application/pdf")`.
"""

from importlib import import_module

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api

from fundtrack.api.docs import STATIC_URL_PATH, swagger_ui_files
from fundtrack.api.errors import ErrorSchema, register_http_errors
from fundtrack.api.schemas import schema_name

RESOURCES = (
    "network",
    "regions",
    "centres",
    "funders",
    "agreements",
    "donors",
    "donor_merges",
    "recurring_gifts",
    "gift_agreements",
    "mandates",
    "funds",
    "income",
    "costs",
    "cost_basis",
    "funding_share",
    "statement",
    "grants",
    "giving360",
    "reports",
)

API_DEFAULTS = {
    "API_TITLE": "fundtrack",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    # Swagger UI's scripts and styles are the app's own (fundtrack.api.docs), not a CDN's;
    # no validator badge either, which would load from swagger.io.
    "OPENAPI_SWAGGER_UI_URL": STATIC_URL_PATH + "/",
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
}


class FundtrackApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # flask-smorest would answer every HTTP error of the whole app in JSON; only the
        # API's paths should be, the screens keep their HTML error pages.
        register_http_errors(self._app)


def init_api(app: Flask) -> Api:
    """Register the API's resources, its OpenAPI document and its docs page on `app`."""
    for key, value in API_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(swagger_ui_files())
    api = FundtrackApi(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "Income, costs and the structural funding share of the network's centres. "
                    "Send `Authorization: Bearer TOKEN`. Money travels as decimal strings "
                    '("1234.50") in the centre\'s currency; dates as ISO 8601.'
                )
            },
            "security": [{"bearerAuth": []}],
            "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "an API token"}
    )
    for name in RESOURCES:
        module = import_module(f"fundtrack.api.{name}")
        api.register_blueprint(module.blp)
        if hasattr(module, "document"):
            module.document(api)
    return api
