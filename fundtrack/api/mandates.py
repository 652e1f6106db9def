"""/api/v1/mandates: donors' SEPA direct-debit mandates (Dutch centres)."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import Flag, Id, IsoDate, Strict, Text
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.giving import returns, sepa
from fundtrack.giving.sepa_models import Mandate

blp = api_blueprint("mandates", "/mandates", "Donors' SEPA direct-debit mandates.")


class MandateIn(Strict):
    donor = Id(required=True)
    reference = Text(35, metadata={"description": "empty: the centre's next one"})
    signed_on = IsoDate(required=True)
    iban = Text(40, metadata={"description": "empty: the donor's"})


class MandatePatch(Strict):
    iban = Text(40, metadata={"description": "a new account: the next collection is FRST"})
    amended_on = IsoDate(metadata={"description": "with iban: the day the account changed"})
    revoked_on = IsoDate(metadata={"description": "nothing is collected from this day on"})
    clear_flag = Flag(
        metadata={"description": "true: collect under a mandate the bank's returns flagged again"}
    )


class MandateSchema(ma.Schema):
    id = ma.fields.Integer()
    centre = ma.fields.String(attribute="centre.code")
    donor = ma.fields.Integer(attribute="donor_id")
    reference = ma.fields.String()
    signed_on = IsoDate()
    iban = ma.fields.String()
    amended_on = IsoDate(allow_none=True)
    revoked_on = IsoDate(allow_none=True)
    flagged_on = IsoDate(
        allow_none=True, metadata={"description": "flagged after the bank's returns: not collected"}
    )
    flag_reason = ma.fields.String(metadata={"description": "the return's ISO reason code"})


class MandateQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})


@blp.route("")
class Mandates(MethodView):
    @blp.arguments(MandateQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(MandateSchema))
    def get(self, args):
        """List the mandates the caller may see."""
        stmt = visible(Mandate, api_user())
        if args.get("centre"):
            stmt = stmt.join(Centre, Centre.id == Mandate.centre_id).where(
                Centre.code == args["centre"]
            )
        return paginate(stmt, args, Mandate.reference, Mandate.id)

    @blp.arguments(MandateIn)
    @blp.response(201, MandateSchema)
    def post(self, values):
        """Record a donor's signed mandate."""
        return saved(lambda: sepa.create_mandate(db.session, api_user(), values))


@blp.route("/<int:mandate_id>")
class MandateById(MethodView):
    @blp.response(200, MandateSchema)
    def get(self, mandate_id):
        """One mandate."""
        return load_visible(db.session, Mandate, mandate_id, api_user())

    @blp.arguments(MandatePatch)
    @blp.response(200, MandateSchema)
    def patch(self, values, mandate_id):
        """Amend the account (with the day it changed), revoke the mandate, or clear its flag."""
        mandate = load_visible(db.session, Mandate, mandate_id, api_user())

        def change():
            if values.get("iban"):
                sepa.amend_mandate(
                    db.session, api_user(), mandate, values["iban"], values.get("amended_on")
                )
            if values.get("revoked_on"):
                sepa.revoke_mandate(db.session, api_user(), mandate, values["revoked_on"])
            if values.get("clear_flag"):
                returns.clear_flag(db.session, api_user(), mandate)
            return mandate

        return saved(change)
