"""/api/v1/regions: the network's regions, addressed by code."""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fundtrack.api.auth import api_user
from fundtrack.api.common import (
    PageArgs,
    api_blueprint,
    page_of,
    paginate,
    saved,
    storable_code,
)
from fundtrack.api.schemas import Code, Strict, Text
from fundtrack.centres import operations
from fundtrack.centres.models import Region
from fundtrack.errors import NotFound
from fundtrack.extensions import db

blp = api_blueprint("regions", "/regions", "Regions group centres; the national office keeps them.")


class RegionIn(Strict):
    code = Code(required=True)
    name = Text(200, 1, required=True)


class RegionSchema(RegionIn):
    id = ma.fields.Integer(dump_only=True)
    # A code stored before the alphabet is still answered as it is.
    code = ma.fields.String()


class RegionQuery(PageArgs):
    code = Text(20)


def region_by_code(code: str) -> Region:
    region = None
    if storable_code(code):
        region = db.session.scalars(select(Region).where(Region.code == code)).one_or_none()
    if region is None:
        raise NotFound(
            "code", _l("no region with code %(code)s", code=repr(code)), code="unknown_region"
        )
    return region


@blp.route("")
class Regions(MethodView):
    @blp.arguments(RegionQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(RegionSchema))
    def get(self, args):
        """List regions (everyone may read them)."""
        stmt = select(Region)
        if args.get("code"):
            stmt = stmt.where(Region.code == args["code"])
        return paginate(stmt, args, Region.code, Region.id)

    @blp.arguments(RegionIn)
    @blp.response(201, RegionSchema)
    def post(self, values):
        """Add a region (national office and admins)."""
        return saved(lambda: operations.create_region(db.session, api_user(), values))


@blp.route("/<code>")
class RegionByCode(MethodView):
    @blp.response(200, RegionSchema)
    def get(self, code):
        """One region."""
        return region_by_code(code)

    @blp.arguments(RegionIn(partial=True))
    @blp.response(200, RegionSchema)
    def patch(self, values, code):
        """Rename a region or change its code."""
        region = region_by_code(code)
        return saved(lambda: operations.update_region(db.session, api_user(), region, values))

    @blp.response(204)
    def delete(self, code):
        """Delete a region without centres."""
        region = region_by_code(code)
        saved(lambda: operations.delete_region(db.session, api_user(), region))
