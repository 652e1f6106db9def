"""/api/v1/grants/360giving: awarded grants in the 360Giving Data Standard 1.4.3.

The same package and flattened CSV as the screens' downloads (`grants.giving360`), for the
same users: the national office, admins and auditors (403 for a treasurer, as on the
screen). A package that does not meet the standard's schema, or one without grants, is
refused with 422 and the schema's complaints under `errors.grants`.
"""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from fundtrack.api.auth import api_user
from fundtrack.api.common import api_blueprint
from fundtrack.api.errors import error_response
from fundtrack.auth.access import NotAllowed
from fundtrack.downloads import download
from fundtrack.extensions import db
from fundtrack.grants import giving360

blp = api_blueprint(
    "grants_360giving", "/grants", "Awarded grants in the 360Giving Data Standard 1.4.3."
)
blp.register_error_handler(
    giving360.InvalidExport,
    lambda error: error_response(
        422, "The grants do not meet the 360Giving schema; see errors.", {"grants": error.errors}
    ),
)


class Giving360PackageSchema(ma.Schema):
    """A 360Giving package: https://standard.threesixtygiving.org/en/1.4.3/"""

    grants = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "360Giving grant objects, valid against the standard's schema"},
    )
    version = ma.fields.String(metadata={"description": "the standard's version"})
    publisher = ma.fields.Dict(
        metadata={"description": "who publishes: the network, by its org-id where known"}
    )


def _package() -> dict:
    user = api_user()
    if not giving360.may_publish(user):
        raise NotAllowed(_l("your role may not export the network's grants"))
    prefix = current_app.config.get("GIVING360_PREFIX", giving360.DEFAULT_PREFIX)
    return giving360.package(db.session, user, prefix)


@blp.route("/360giving")
class Giving360Package(MethodView):
    @blp.response(200, Giving360PackageSchema, description="the validated package")
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    def get(self):
        """Awarded grants as a 360Giving JSON package (national office, admins, auditors)."""
        return _package()


@blp.route("/360giving.csv")
class Giving360Csv(MethodView):
    @blp.response(200, content_type="text/csv", description="the flattened CSV")
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    def get(self):
        """Awarded grants as the standard's flattened CSV, with its column titles."""
        return download(giving360.flattened_csv(_package()), "360giving-grants", kind="csv")
