"""/api/v1/statement: the year-end statement of a centre, a region or the network, from the
same function the screens and PDFs call (`fundtrack.yearend.statement`)."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import api_blueprint
from fundtrack.api.funding_share import Ratio, Total
from fundtrack.api.schemas import Text, Year
from fundtrack.errors import NotAllowed, NotFound
from fundtrack.extensions import db
from fundtrack.yearend.statement import statement

blp = api_blueprint(
    "statement",
    "/statement",
    "The statement of income and expenditure (RJ 650, or the Norwegian activity statement), "
    "consolidated for a region or the network less the eliminations.",
)


class LineSchema(ma.Schema):
    key = ma.fields.String(metadata={"description": "the line's stable name, such as result"})
    label = ma.fields.Function(lambda line: str(line.label))
    style = ma.fields.String(validate=ma.validate.OneOf(["heading", "line", "subtotal", "total"]))
    actual = Total(allow_none=True)
    budget = Total(allow_none=True, metadata={"description": "expenses only: no income budget"})
    previous = Total(allow_none=True, metadata={"description": "last year's actual"})


class RatioSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.Function(lambda ratio: str(ratio.label))
    actual = Ratio(allow_none=True)
    budget = Ratio(allow_none=True)
    previous = Ratio(allow_none=True)


class FundMovementSchema(ma.Schema):
    fund_id = ma.fields.Integer()
    centre = ma.fields.String(attribute="centre_code")
    name = ma.fields.String()
    opening = Total()
    added = Total()
    spent = Total()
    closing = Total()


class CentreResultSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    income = Total()
    expenses = Total()
    result = Total()
    eliminated = Total()


class StatementSchema(ma.Schema):
    scope = ma.fields.String(validate=ma.validate.OneOf(["centre", "region", "network"]))
    code = ma.fields.String()
    name = ma.fields.String()
    year = ma.fields.Integer()
    currency = ma.fields.String()
    layout = ma.fields.Function(lambda s: s.layout.code, metadata={"description": "rj650 or nrs"})
    lines = ma.fields.List(ma.fields.Nested(LineSchema))
    ratios = ma.fields.List(ma.fields.Nested(RatioSchema))
    structural_share = Ratio(allow_none=True, metadata={"description": "as funding-share says"})
    structural_basis = ma.fields.String()
    funds = ma.fields.List(ma.fields.Nested(FundMovementSchema))
    undeclared = ma.fields.List(
        ma.fields.String(), metadata={"description": "centres whose actuals are not declared"}
    )
    sum_of_centres = ma.fields.List(ma.fields.Nested(LineSchema))
    eliminations = ma.fields.List(ma.fields.Nested(LineSchema))
    centres = ma.fields.List(ma.fields.Nested(CentreResultSchema))


class StatementQuery(ma.Schema):
    year = Year(strict=False, required=True, metadata={"description": "fiscal year"})
    region = Text(20, metadata={"description": "this region, consolidated (code)"})
    centre = Text(20, metadata={"description": "this centre only (code)"})


@blp.route("")
class StatementView(MethodView):
    @blp.arguments(StatementQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, StatementSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, args):
        """A centre's statement (`centre`), else a region's or the network's consolidation.

        A consolidation is for those who see every centre (403 for a treasurer); a centre the
        caller may not see, or an unknown code, is 404.
        """
        user = api_user()
        if not args.get("centre") and not user.sees_all_centres:
            raise NotAllowed(code="not_allowed")
        try:
            return statement(db.session, user, args["year"], args.get("region"), args.get("centre"))
        except NotFound as error:
            error.field = error.field or ("centre" if args.get("centre") else "region")
            raise
        except LookupError as error:  # not ours: a library's, said as it came
            raise NotFound("centre" if args.get("centre") else "region", str(error)) from None
