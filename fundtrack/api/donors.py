"""/api/v1/donors: people and organisations giving to a centre (personal data: GDPR)."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import Choice, Flag, Moment, Strict, Text
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income import donors as operations
from fundtrack.income.models import Donor, DonorKind
from fundtrack.reports.render import LANGUAGES

blp = api_blueprint("donors", "/donors", "Donors of a centre.")


class DonorIn(Strict):
    centre = Text(20, 1, required=True, metadata={"description": "the centre's code"})
    kind = Choice(DonorKind, required=True)
    name = Text(200, 1, required=True)
    email = Text(254, allow_none=True)
    phone = Text(40, allow_none=True)
    address = Text(300, allow_none=True)
    postcode = Text(20, allow_none=True)
    city = Text(100, allow_none=True)
    iban = Text(34, allow_none=True)
    consent_contact = Flag()
    consent_newsletter = Flag()
    language = ma.fields.String(
        allow_none=True,
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "what the donor reads (statements): nl, nb or en; "
                  "null: the network's language"},
    )  # fmt: skip


class DonorSchema(DonorIn):
    id = ma.fields.Integer(dump_only=True)
    centre = ma.fields.String(attribute="centre.code")
    consent_recorded_at = Moment(dump_only=True, allow_none=True)


class DonorQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})
    kind = Choice(DonorKind)


@blp.route("")
class Donors(MethodView):
    @blp.arguments(DonorQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(DonorSchema))
    def get(self, args):
        """List the donors the caller may see."""
        stmt = visible(Donor, api_user())
        if args.get("centre"):
            stmt = stmt.join(Centre).where(Centre.code == args["centre"])
        if args.get("kind"):
            stmt = stmt.where(Donor.kind == args["kind"])
        return paginate(stmt, args, Donor.name, Donor.id)

    @blp.arguments(DonorIn)
    @blp.response(201, DonorSchema)
    def post(self, values):
        """Register a donor."""
        return saved(lambda: operations.create_donor(db.session, api_user(), values))


@blp.route("/<int:donor_id>")
class DonorById(MethodView):
    @blp.response(200, DonorSchema)
    def get(self, donor_id):
        """One donor."""
        return load_visible(db.session, Donor, donor_id, api_user())

    @blp.arguments(DonorIn(partial=True))
    @blp.response(200, DonorSchema)
    def patch(self, values, donor_id):
        """Change a donor's details."""
        donor = load_visible(db.session, Donor, donor_id, api_user())
        return saved(lambda: operations.update_donor(db.session, api_user(), donor, values))

    @blp.response(204)
    def delete(self, donor_id):
        """Delete a donor no income line refers to."""
        donor = load_visible(db.session, Donor, donor_id, api_user())
        saved(lambda: operations.delete_donor(db.session, api_user(), donor))
