"""/api/v1/cost-basis: which costs a centre-year's figures stand on, and declaring its
actual costs complete (the same operations as the screens)."""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from fundtrack.api.auth import api_user
from fundtrack.api.common import api_blueprint, saved, storable_code
from fundtrack.api.funding_share import Total
from fundtrack.api.schemas import Flag, Strict
from fundtrack.costs.basis import (
    declare_actuals_complete,
    still_on_budget,
    withdraw_actuals_declaration,
    year_costs,
)
from fundtrack.errors import NotFound, ValidationError
from fundtrack.extensions import db

blp = api_blueprint(
    "cost_basis_api",
    "/cost-basis",
    "A centre-year stands on its budget until its actual costs are declared complete.",
)


class YearCostsSchema(ma.Schema):
    centre = ma.fields.String(attribute="centre_code")
    year = ma.fields.Integer()
    basis = ma.fields.String(
        validate=ma.validate.OneOf(["actual", "budget", "none"]),
        metadata={"description": "what the year's figures stand on now"},
    )
    budget = Total()
    actual = Total(metadata={"description": "actual cost lines booked, declared or not"})
    budget_lines = ma.fields.Integer()
    actual_lines = ma.fields.Integer()
    declared = Flag(metadata={"description": "actual costs declared complete"})
    closed = Flag(metadata={"description": "the fiscal year is closed"})


class DeclarationIn(Strict):
    declared = Flag(
        required=True,
        metadata={"description": "true: the actual costs are complete; false: withdraw that"},
    )


class StillOnBudgetSchema(ma.Schema):
    centre = ma.fields.String(attribute="centre_code")
    year = ma.fields.Integer()
    budget = Total()
    actual = Total(metadata={"description": "actual cost lines booked, not declared complete"})


class StillOnBudgetPage(ma.Schema):
    total = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(StillOnBudgetSchema))


def _centre_year(work, code: str, year: int):
    # Another centre's code is answered as an unknown one, as everywhere in the API.
    if not storable_code(code):
        raise NotFound(
            "centre", _l("no centre with code %(code)s", code=repr(code)), code="unknown_centre"
        )
    try:
        return work(db.session, api_user(), code, year)
    except ValidationError as error:
        if error.field == "centre":
            raise NotFound("centre", error.message, code=error.code) from None
        raise


@blp.route("/<code>/<int(signed=True):year>")
class YearBasis(MethodView):
    @blp.response(200, YearCostsSchema)
    def get(self, code, year):
        """Both totals of the centre-year and the basis its figures stand on."""
        return _centre_year(year_costs, code, year)

    @blp.arguments(DeclarationIn)
    @blp.response(200, YearCostsSchema)
    def patch(self, values, code, year):
        """Declare the year's actual costs complete (`declared: true`), or withdraw that
        (`false`). Refused in a closed year; 409 when already declared."""
        work = declare_actuals_complete if values["declared"] else withdraw_actuals_declaration
        return saved(lambda: _centre_year(work, code, year))


@blp.route("/still-on-budget")
class StillOnBudget(MethodView):
    @blp.response(200, StillOnBudgetPage)
    def get(self):
        """Centre-years whose fiscal year has ended while they stand on the budget (the first
        200, latest year first), of the centres the caller may see."""
        total, rows = still_on_budget(db.session, api_user())
        return {"total": total, "items": rows}
