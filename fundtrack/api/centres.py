"""/api/v1/centres: the centres, addressed by code; treasurers see only their own."""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from fundtrack.api.auth import api_user
from fundtrack.api.common import (
    PageArgs,
    api_blueprint,
    page_of,
    paginate,
    saved,
    storable_code,
)
from fundtrack.api.schemas import Code, Currency, Flag, QueryFlag, Strict, Text
from fundtrack.auth.access import visible
from fundtrack.centres import operations
from fundtrack.centres.models import Centre, Region
from fundtrack.errors import NotFound
from fundtrack.extensions import db

blp = api_blueprint("centres", "/centres", "Centres, their region, municipality and currency.")


class CentreIn(Strict):
    code = Code(required=True)
    name = Text(200, 1, required=True)
    region = Text(20, 1, required=True, metadata={"description": "the region's code"})
    municipality = Text(200, 1, required=True)
    currency = Currency(metadata={"description": "defaults to the network's currency"})
    active = Flag()
    organisation_number = Text(
        30, metadata={"description": "KvK (8 digits) or Norwegian organisation number (9)"}
    )
    creditor_id = Text(40, metadata={"description": "Dutch centres: the SEPA creditor identifier"})
    iban = Text(40, metadata={"description": "the account direct debits are paid into"})
    rsin = Text(20, metadata={"description": "Dutch centres: the tax office's RSIN (9 digits)"})


class CentreSchema(CentreIn):
    id = ma.fields.Integer(dump_only=True)
    # A code stored before the alphabet is still answered as it is.
    code = ma.fields.String()
    region = ma.fields.String(attribute="region.code")


class CentreQuery(PageArgs):
    region = Text(20, metadata={"description": "only centres in the region with this code"})
    active = QueryFlag()


def centre_by_code(code: str) -> Centre:
    """The centre the caller may see, or NotFound (also for another centre's code)."""
    stmt = visible(Centre, api_user()).where(Centre.code == code)
    centre = db.session.scalars(stmt).one_or_none() if storable_code(code) else None
    if centre is None:
        raise NotFound(
            "code", _l("no centre with code %(code)s", code=repr(code)), code="unknown_centre"
        )
    return centre


@blp.route("")
class Centres(MethodView):
    @blp.arguments(CentreQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(CentreSchema))
    def get(self, args):
        """List the centres the caller may see."""
        stmt = visible(Centre, api_user())
        if args.get("region"):
            stmt = stmt.join(Region).where(Region.code == args["region"])
        if args.get("active") is not None:
            stmt = stmt.where(Centre.active == args["active"])
        return paginate(stmt, args, Centre.code, Centre.id)

    @blp.arguments(CentreIn)
    @blp.response(201, CentreSchema)
    def post(self, values):
        """Add a centre (national office and admins)."""
        return saved(lambda: operations.create_centre(db.session, api_user(), values))


@blp.route("/<code>")
class CentreByCode(MethodView):
    @blp.response(200, CentreSchema)
    def get(self, code):
        """One centre."""
        return centre_by_code(code)

    @blp.arguments(CentreIn(partial=True))
    @blp.response(200, CentreSchema)
    def patch(self, values, code):
        """Change a centre's details (national office and admins)."""
        centre = centre_by_code(code)
        return saved(lambda: operations.update_centre(db.session, api_user(), centre, values))

    @blp.response(204)
    def delete(self, code):
        """Delete a centre that holds nothing yet; otherwise set `active` to false."""
        centre = centre_by_code(code)
        saved(lambda: operations.delete_centre(db.session, api_user(), centre))
