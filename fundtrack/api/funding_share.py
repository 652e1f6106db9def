"""/api/v1/funding-share: the structural funding share, from the same service the screens use."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import api_blueprint
from fundtrack.api.schemas import Flag, Money, Text, Year
from fundtrack.errors import NotFound
from fundtrack.extensions import db
from fundtrack.share.service import funding_share

blp = api_blueprint(
    "funding_share",
    "/funding-share",
    "Structural income against costs per centre, region and network, and the gap to target.",
)
RATIO_PLACES = Decimal("0.000001")
# Sums of many lines may pass the twelve digits a single line holds.
TOTAL_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"


def Total(**kwargs) -> Money:  # noqa: N802  (reads like a class)
    """A sum of money as a decimal string with two decimals, of any size."""
    metadata = {"pattern": TOTAL_PATTERN} | kwargs.pop("metadata", {})
    return Money(metadata=metadata, **kwargs)


class Ratio(ma.fields.String):
    """A fraction as a decimal string with six places, such as "0.666667"."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, Fraction):  # the target: exact, rounded only here
            value = Decimal(value.numerator) / Decimal(value.denominator)
        return str(Decimal(value).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP))


class WarningSchema(ma.Schema):
    code = ma.fields.String(
        validate=ma.validate.OneOf(["share_above_costs", "share_jump"]),
        metadata={
            "description": "share_above_costs: structural income exceeds all the costs; "
            "share_jump: more than 25 points from the year before"
        },
    )
    cause = ma.fields.String(
        validate=ma.validate.OneOf(["costs_incomplete", "line_in_wrong_year"]),
        metadata={"description": "the likely cause"},
    )
    previous_share = Ratio(allow_none=True, metadata={"description": "share_jump: last year's"})


class FiguresSchema(ma.Schema):
    costs = Total(
        metadata={
            "description": "the budget until the actual costs are declared complete, then the "
            "actual costs (see costs_basis)"
        }
    )
    costs_basis = ma.fields.String(
        validate=ma.validate.OneOf(["actual", "budget", "mixed", "none"])
    )
    budget_costs = Total(metadata={"description": "the budget, whatever the basis"})
    actual_costs = Total(metadata={"description": "actual cost lines booked, declared or not"})
    warnings = ma.fields.List(
        ma.fields.Nested(WarningSchema),
        metadata={"description": "a share too good or too sudden to be true, and why"},
    )
    structural_income = Total()
    incidental_income = Total()
    total_income = Total()
    income_by_category = ma.fields.Dict(keys=ma.fields.String(), values=Total())
    share = Ratio(allow_none=True, metadata={"description": "structural income / costs"})
    gap = Total(metadata={"description": "max(0, target x costs - structural income)"})
    secured_next_year = Total(
        metadata={"description": "structural agreements running into next year, prorated"}
    )
    secured_share = Ratio(allow_none=True)


class CentreFiguresSchema(FiguresSchema):
    code = ma.fields.String()
    name = ma.fields.String()
    region = ma.fields.String(attribute="region_code")
    meets_target = Flag()


class RegionFiguresSchema(FiguresSchema):
    code = ma.fields.String()
    name = ma.fields.String()
    centres_total = ma.fields.Integer()
    centres_at_target = ma.fields.Integer()


class FundingShareSchema(ma.Schema):
    year = ma.fields.Integer()
    target = Ratio(metadata={"description": "the network's target as a decimal"})
    target_fraction = ma.fields.Function(
        lambda figures: f"{figures.target.numerator}/{figures.target.denominator}",
        metadata={"description": 'the target exactly, such as "2/3"', "type": "string"},
    )
    currency = ma.fields.String()
    network = ma.fields.Nested(FiguresSchema)
    regions = ma.fields.List(ma.fields.Nested(RegionFiguresSchema))
    centres = ma.fields.List(ma.fields.Nested(CentreFiguresSchema))
    centres_at_target = ma.fields.Integer()


class FundingShareQuery(ma.Schema):
    year = Year(strict=False, required=True, metadata={"description": "fiscal year"})
    region = Text(20, metadata={"description": "only this region (code)"})
    centre = Text(20, metadata={"description": "only this centre (code)"})


@blp.route("")
class FundingShareView(MethodView):
    @blp.arguments(FundingShareQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, FundingShareSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, args):
        """The year's figures for the network, each region and each centre the caller may see.

        A treasurer sees their own centre only; an unknown (or another centre's) code is 404.
        `network` totals the centres in the answer: with `region` or `centre`, (or for a
        treasurer) that is the selection, not the whole network.
        """
        try:
            return funding_share(
                db.session, api_user(), args["year"], args.get("region"), args.get("centre")
            )
        except NotFound as error:
            error.field = error.field or ("centre" if args.get("centre") else "region")
            raise
        except LookupError as error:  # not ours: a library's, said as it came
            raise NotFound("centre" if args.get("centre") else "region", str(error)) from None
