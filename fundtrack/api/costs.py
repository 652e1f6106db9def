"""/api/v1/costs: budget and actual cost lines per centre and year."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import Choice, Currency, Id, IsoDate, Money, Strict, Text, Year
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.costs import operations
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.extensions import db

blp = api_blueprint("costs", "/costs", "Cost lines: the budget and the actual costs of a year.")


class CostIn(Strict):
    centre = Text(20, 1, required=True, metadata={"description": "the centre's code"})
    year = Year(required=True, metadata={"description": "fiscal year"})
    kind = Choice(CostKind, required=True)
    category = Choice(CostCategory, required=True)
    amount = Money(required=True, metadata={"description": "0 or more"})
    currency = Currency(metadata={"description": "must be the centre's; defaults to it"})
    fund = Id(allow_none=True, metadata={"description": "earmarked fund the spending is from"})
    grant = Id(allow_none=True, metadata={"description": "the grant the spending is for"})
    description = Text(10_000)
    spent_on = IsoDate(
        allow_none=True,
        metadata={"description": "the day the money was spent, within the fiscal year"},
    )


class CostSchema(CostIn):
    id = ma.fields.Integer(dump_only=True)
    centre = ma.fields.String(attribute="centre.code")
    fund = ma.fields.Integer(attribute="earmarked_fund_id", allow_none=True)
    grant = ma.fields.Integer(attribute="grant_id", allow_none=True)


class CostQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})
    year = Year(strict=False)
    kind = Choice(CostKind)
    category = Choice(CostCategory)
    grant = Id(strict=False, metadata={"description": "spending booked against this grant"})


@blp.route("")
class Costs(MethodView):
    @blp.arguments(CostQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(CostSchema))
    def get(self, args):
        """List the cost lines the caller may see."""
        stmt = visible(CostLine, api_user())
        if args.get("centre"):
            stmt = stmt.join(Centre, Centre.id == CostLine.centre_id).where(
                Centre.code == args["centre"]
            )
        for name in ("year", "kind", "category"):
            if args.get(name) is not None:
                stmt = stmt.where(getattr(CostLine, name) == args[name])
        if args.get("grant") is not None:
            stmt = stmt.where(CostLine.grant_id == args["grant"])
        return paginate(stmt, args, CostLine.year.desc(), CostLine.id)

    @blp.arguments(CostIn)
    @blp.response(201, CostSchema)
    def post(self, values):
        """Record a cost line (not in a closed year)."""
        return saved(lambda: operations.record_cost(db.session, api_user(), values))


@blp.route("/<int:line_id>")
class CostById(MethodView):
    @blp.response(200, CostSchema)
    def get(self, line_id):
        """One cost line."""
        return load_visible(db.session, CostLine, line_id, api_user())

    @blp.arguments(CostIn(partial=True))
    @blp.response(200, CostSchema)
    def patch(self, values, line_id):
        """Change a cost line (not in a closed year)."""
        line = load_visible(db.session, CostLine, line_id, api_user())
        return saved(lambda: operations.update_cost(db.session, api_user(), line, values))

    @blp.response(204)
    def delete(self, line_id):
        """Delete a cost line (not in a closed year)."""
        line = load_visible(db.session, CostLine, line_id, api_user())
        saved(lambda: operations.delete_cost(db.session, api_user(), line))
