"""/api/v1/agreements: what funders agreed to pay centres, and whether it counts as structural."""

from datetime import date

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved, visible_or_404
from fundtrack.api.schemas import Currency, Id, IsoDate, Money, Strict, Text, Year
from fundtrack.auth.access import visible
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income import funders as operations
from fundtrack.income.models import FundingAgreement
from fundtrack.share.classification import explain_agreement, is_structural

blp = api_blueprint("agreements", "/agreements", "Funding agreements between funders and centres.")


class AgreementIn(Strict):
    funder = Id(required=True)
    centre = Text(20, 1, required=True, metadata={"description": "the centre's code"})
    title = Text(200)
    start = IsoDate(required=True)
    end = IsoDate(allow_none=True, metadata={"description": "null: open-ended"})
    recurring = ma.fields.Boolean()
    annual_amount = Money(required=True)
    currency = Currency(metadata={"description": "must be the centre's; defaults to it"})
    structural_override = ma.fields.Boolean(
        allow_none=True,
        metadata={"description": "null follows the funder type's rule (national office only)"},
    )
    override_reason = Text(500, allow_none=True)


class AgreementSchema(AgreementIn):
    id = ma.fields.Integer(dump_only=True)
    funder = ma.fields.Integer(attribute="funder_id")
    centre = ma.fields.String(attribute="centre.code")
    start = IsoDate(attribute="start_date")
    end = IsoDate(attribute="end_date", allow_none=True)
    structural = ma.fields.Method("_structural", dump_only=True, metadata={"type": "boolean"})
    structural_reason = ma.fields.Method(
        "_reason", dump_only=True, metadata={"type": "string", "description": "the rule applied"}
    )

    def _reason(self, agreement: FundingAgreement) -> str:
        return explain_agreement(db.session, agreement)

    def _structural(self, agreement: FundingAgreement) -> bool:
        return is_structural(self._reason(agreement))


class AgreementQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})
    funder = Id(strict=False)
    year = Year(strict=False, metadata={"description": "agreements running in this year"})


@blp.route("")
class Agreements(MethodView):
    @blp.arguments(AgreementQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(AgreementSchema))
    def get(self, args):
        """List the agreements the caller may see."""
        stmt = visible(FundingAgreement, api_user())
        if args.get("centre"):
            stmt = stmt.join(Centre).where(Centre.code == args["centre"])
        if args.get("funder"):
            stmt = stmt.where(FundingAgreement.funder_id == args["funder"])
        if args.get("year"):
            stmt = stmt.where(
                FundingAgreement.start_date <= date(args["year"], 12, 31),
                (FundingAgreement.end_date.is_(None))
                | (FundingAgreement.end_date >= date(args["year"], 1, 1)),
            )
        return paginate(stmt, args, FundingAgreement.start_date, FundingAgreement.id)

    @blp.arguments(AgreementIn)
    @blp.response(201, AgreementSchema)
    def post(self, values):
        """Record an agreement (the centre's treasurer, national office, admins)."""
        return saved(lambda: operations.create_agreement(db.session, api_user(), values))


@blp.route("/<int:agreement_id>")
class AgreementById(MethodView):
    @blp.response(200, AgreementSchema)
    def get(self, agreement_id):
        """One agreement."""
        return visible_or_404(FundingAgreement, agreement_id, api_user(), "agreement")

    @blp.arguments(AgreementIn(partial=True))
    @blp.response(200, AgreementSchema)
    def patch(self, values, agreement_id):
        """Change an agreement."""
        row = visible_or_404(FundingAgreement, agreement_id, api_user(), "agreement")
        return saved(lambda: operations.update_agreement(db.session, api_user(), row, values))

    @blp.response(204)
    def delete(self, agreement_id):
        """Delete an agreement no income line is booked under."""
        row = visible_or_404(FundingAgreement, agreement_id, api_user(), "agreement")
        saved(lambda: operations.delete_agreement(db.session, api_user(), row))
