"""/api/v1/agreements: what funders agreed to pay centres, and whether it counts as structural."""

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import Currency, Flag, Id, IsoDate, Money, Strict, Text, Year
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income import funders as operations
from fundtrack.income.models import FundingAgreement
from fundtrack.share.classification import RULE_COLUMNS, join_rule, verdict_row
from fundtrack.share.queries import fiscal_year_bounds

blp = api_blueprint("agreements", "/agreements", "Funding agreements between funders and centres.")


class AgreementIn(Strict):
    funder = Id(required=True)
    centre = Text(20, 1, required=True, metadata={"description": "the centre's code"})
    title = Text(200)
    start = IsoDate(required=True)
    end = IsoDate(allow_none=True, metadata={"description": "null: open-ended"})
    recurring = Flag()
    annual_amount = Money(required=True)
    currency = Currency(metadata={"description": "must be the centre's; defaults to it"})
    structural_override = Flag(
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
    structural = Flag(dump_only=True)
    structural_reason = ma.fields.String(
        dump_only=True, metadata={"description": "the rule applied"}
    )


def with_classification(agreements: list[FundingAgreement]) -> list[FundingAgreement]:
    """Attach `structural` and `structural_reason`, in one query for the whole page.

    The same query brings each agreement's centre along, so writing out the centre codes
    costs no statement per agreement.
    """
    if not agreements:
        return agreements
    rows = db.session.execute(
        join_rule(
            select(FundingAgreement.id, Centre, *RULE_COLUMNS).join(
                Centre, Centre.id == FundingAgreement.centre_id
            )
        ).where(FundingAgreement.id.in_([agreement.id for agreement in agreements]))
    )
    by_id = {row.id: row for row in rows}
    for agreement in agreements:
        row = by_id[agreement.id]
        set_committed_value(agreement, "centre", row.Centre)
        said = verdict_row(row)
        agreement.structural = said.structural
        agreement.structural_reason = said.words
    return agreements


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
            start, end = fiscal_year_bounds(current_network(db.session), args["year"])
            stmt = stmt.where(
                FundingAgreement.start_date < end,
                FundingAgreement.end_date.is_(None) | (FundingAgreement.end_date >= start),
            )
        page = paginate(stmt, args, FundingAgreement.start_date, FundingAgreement.id)
        with_classification(page["items"])
        return page

    @blp.arguments(AgreementIn)
    @blp.response(201, AgreementSchema)
    def post(self, values):
        """Record an agreement (the centre's treasurer, national office, admins)."""
        agreement = saved(lambda: operations.create_agreement(db.session, api_user(), values))
        return with_classification([agreement])[0]


@blp.route("/<int:agreement_id>")
class AgreementById(MethodView):
    @blp.response(200, AgreementSchema)
    def get(self, agreement_id):
        """One agreement."""
        agreement = load_visible(db.session, FundingAgreement, agreement_id, api_user())
        return with_classification([agreement])[0]

    @blp.arguments(AgreementIn(partial=True))
    @blp.response(200, AgreementSchema)
    def patch(self, values, agreement_id):
        """Change an agreement."""
        row = load_visible(db.session, FundingAgreement, agreement_id, api_user())
        saved(lambda: operations.update_agreement(db.session, api_user(), row, values))
        return with_classification([row])[0]

    @blp.response(204)
    def delete(self, agreement_id):
        """Delete an agreement no income line is booked under."""
        row = load_visible(db.session, FundingAgreement, agreement_id, api_user())
        saved(lambda: operations.delete_agreement(db.session, api_user(), row))
