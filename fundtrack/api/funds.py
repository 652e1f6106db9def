"""/api/v1/funds: a centre's earmarked funds (money restricted to a purpose), with balances."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import IsoDate, Money, Strict, Text
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income import donors as operations
from fundtrack.income import funds
from fundtrack.income.models import EarmarkedFund

blp = api_blueprint("funds", "/funds", "Earmarked funds of a centre.")


class FundIn(Strict):
    centre = Text(20, 1, required=True, metadata={"description": "the centre's code"})
    name = Text(200, 1, required=True)
    purpose = Text(10_000)
    end = IsoDate(allow_none=True)


SIGNED_MONEY = {"pattern": r"^-?[0-9]+\.[0-9]{2}$", "example": "-120.00"}


class FundSchema(FundIn):
    id = ma.fields.Integer(dump_only=True)
    centre = ma.fields.String(attribute="centre.code")
    end = IsoDate(attribute="end_date", allow_none=True)
    balance = Money(
        dump_only=True,
        metadata=SIGNED_MONEY
        | {"description": "income allocated minus actual costs charged, to the year's end"},
    )
    balance_year = Money(
        dump_only=True,
        metadata=SIGNED_MONEY | {"description": "the same within the fiscal year alone"},
    )


class FundQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})
    year = ma.fields.Integer(
        validate=ma.validate.Range(1900, 2999),
        metadata={"description": "the fiscal year of the balances; default the running year"},
    )


def _with_balances(fund: EarmarkedFund) -> EarmarkedFund:
    """A single fund loaded again with its balances for the running year."""
    stmt = funds.with_balances(
        visible(EarmarkedFund, api_user()).where(EarmarkedFund.id == fund.id),
        funds.running_year(db.session),
    )
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()


@blp.route("")
class Funds(MethodView):
    @blp.arguments(FundQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(FundSchema))
    def get(self, args):
        """List the funds the caller may see."""
        year = args.get("year") or funds.running_year(db.session)
        stmt = funds.with_balances(visible(EarmarkedFund, api_user()), year)
        if args.get("centre"):
            stmt = stmt.join(Centre).where(Centre.code == args["centre"])
        return paginate(stmt, args, EarmarkedFund.name, EarmarkedFund.id)

    @blp.arguments(FundIn)
    @blp.response(201, FundSchema)
    def post(self, values):
        """Open an earmarked fund."""
        return _with_balances(saved(lambda: operations.create_fund(db.session, api_user(), values)))


@blp.route("/<int:fund_id>")
class FundById(MethodView):
    @blp.response(200, FundSchema)
    def get(self, fund_id):
        """One fund, with its balances for the running fiscal year."""
        return _with_balances(load_visible(db.session, EarmarkedFund, fund_id, api_user()))

    @blp.arguments(FundIn(partial=True))
    @blp.response(200, FundSchema)
    def patch(self, values, fund_id):
        """Rename a fund or change its purpose or end."""
        fund = load_visible(db.session, EarmarkedFund, fund_id, api_user())
        return _with_balances(
            saved(lambda: operations.update_fund(db.session, api_user(), fund, values))
        )

    @blp.response(204)
    def delete(self, fund_id):
        """Delete a fund no income or cost line is charged to."""
        fund = load_visible(db.session, EarmarkedFund, fund_id, api_user())
        saved(lambda: operations.delete_fund(db.session, api_user(), fund))
