"""/api/v1/grants: grant applications, their goals, budget, report duties and state moves."""

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy.orm import joinedload

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import Choice, Currency, Flag, Id, IsoDate, Money, Strict, Text, Year
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostCategory
from fundtrack.extensions import db
from fundtrack.grants import figures, operations, parts
from fundtrack.grants.models import GoalKind, Grant, GrantState, ReportKind
from fundtrack.grants.pipeline import fiscal_year_sql

blp = api_blueprint("grants", "/grants", "Grant applications: from draft to closed.")


class GrantIn(Strict):
    funder = Id(required=True)
    centre = Text(20, 1, allow_none=True, metadata={"description": "null: the national office"})
    programme = Text(200)
    project_name = Text(200, 1, required=True)
    project_leader = Text(200)
    summary = Text(20_000)
    start = IsoDate(required=True)
    end = IsoDate(required=True)
    amount_requested = Money(required=True)
    amount_awarded = Money(allow_none=True, metadata={"description": "once awarded"})
    currency = Currency(metadata={"description": "the applicant's; defaults to it"})
    chance = ma.fields.Integer(
        allow_none=True, strict=True, validate=ma.validate.Range(0, 100),
        metadata={"description": "percent, while undecided"},
    )  # fmt: skip
    recurring = Flag(metadata={"description": "recurring money, amounts per year"})
    auditor_statement_required = Flag()
    funder_reference = Text(100, metadata={"description": "the funder's case number"})
    signatory = Text(200, metadata={"description": "who signs the reports"})


class GrantSchema(GrantIn):
    id = ma.fields.Integer(dump_only=True)
    funder = ma.fields.Integer(attribute="funder_id")
    centre = ma.fields.String(attribute="centre.code", allow_none=True)
    start = IsoDate(attribute="start_date")
    end = IsoDate(attribute="end_date")
    state = Choice(GrantState, dump_only=True)
    agreement = ma.fields.Integer(attribute="agreement_id", dump_only=True, allow_none=True)
    received = Money(dump_only=True, metadata={"description": "tranches from the funder"})
    co_funding = Money(dump_only=True, metadata={"description": "other income on the grant"})
    spent = Money(dump_only=True, metadata={"description": "actual costs on the grant"})
    remaining = Money(dump_only=True, metadata={"description": "received + co-funding - spent"})


def with_money(grants: list[Grant]) -> list[Grant]:
    """Attach the ledger's figures to each grant, in one statement for the page."""
    money = figures.money_for(db.session, grants)
    for grant in grants:
        m = money[grant.id]
        grant.received, grant.co_funding = m.received, m.co_funding
        grant.spent, grant.remaining = m.spent, m.remaining
    return grants


class GrantQuery(PageArgs):
    state = Choice(GrantState)
    centre = Text(20, metadata={"description": "the centre's code"})
    funder = Id(strict=False)
    year = Year(strict=False, metadata={"description": "fiscal year the project starts in"})


@blp.route("")
class Grants(MethodView):
    @blp.arguments(GrantQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(GrantSchema))
    def get(self, args):
        """List the applications the caller may see."""
        stmt = visible(Grant, api_user()).options(joinedload(Grant.centre))
        if args.get("centre"):
            stmt = stmt.join(Centre, Centre.id == Grant.centre_id).where(
                Centre.code == args["centre"]
            )
        if args.get("state"):
            stmt = stmt.where(Grant.state == args["state"])
        if args.get("funder"):
            stmt = stmt.where(Grant.funder_id == args["funder"])
        if args.get("year"):
            month = current_network(db.session).fiscal_year_start_month
            stmt = stmt.where(fiscal_year_sql(Grant.start_date, month) == args["year"])
        page = paginate(stmt, args, Grant.start_date, Grant.id)
        with_money(page["items"])
        return page

    @blp.arguments(GrantIn)
    @blp.response(201, GrantSchema)
    def post(self, values):
        """Record an application as a draft."""
        grant = saved(lambda: operations.create_grant(db.session, api_user(), values))
        return with_money([grant])[0]


def _grant(grant_id: int) -> Grant:
    return load_visible(db.session, Grant, grant_id, api_user())


@blp.route("/<int:grant_id>")
class GrantById(MethodView):
    @blp.response(200, GrantSchema)
    def get(self, grant_id):
        """One application, with its money from the ledger."""
        return with_money([_grant(grant_id)])[0]

    @blp.arguments(GrantIn(partial=True))
    @blp.response(200, GrantSchema)
    def patch(self, values, grant_id):
        """Change an application (not once closed)."""
        grant = _grant(grant_id)
        saved(lambda: operations.update_grant(db.session, api_user(), grant, values))
        return with_money([grant])[0]

    @blp.response(204)
    def delete(self, grant_id):
        """Delete an application while it is a draft."""
        grant = _grant(grant_id)
        saved(lambda: operations.delete_grant(db.session, api_user(), grant))


class TransitionIn(Strict):
    state = Choice(GrantState, required=True, metadata={"description": "the state to move to"})
    amount_awarded = Money(metadata={"description": "when awarding"})
    partly = Flag(
        allow_none=True,
        metadata={"description": "null: partly awarded when below the amount requested"},
    )
    on = IsoDate(metadata={"description": "the day of the move; today by default"})
    note = Text(500)


class TransitionSchema(ma.Schema):
    id = ma.fields.Integer()
    from_state = Choice(GrantState)
    to_state = Choice(GrantState)
    moved_on = IsoDate()
    user = ma.fields.Integer(attribute="user_id", allow_none=True)
    note = ma.fields.String()


@blp.route("/<int:grant_id>/transitions")
class Transitions(MethodView):
    @blp.response(200, TransitionSchema(many=True))
    def get(self, grant_id):
        """The application's state moves, oldest first."""
        return _grant(grant_id).transitions

    @blp.arguments(TransitionIn)
    @blp.response(201, TransitionSchema)
    def post(self, values, grant_id):
        """Move the application to another state (409 when its state does not allow it)."""
        grant = _grant(grant_id)
        target = values.pop("state")
        return saved(lambda: operations.move_grant(db.session, api_user(), grant, target, **values))


class GoalIn(Strict):
    kind = Choice(GoalKind, required=True)
    description = Text(5000, 1, required=True, metadata={"description": "counted, or the aim"})
    unit = Text(50)
    target = Money(allow_none=True)
    achieved = Money(allow_none=True)
    as_of = IsoDate(allow_none=True)
    result = Text(20_000)


class GoalSchema(GoalIn):
    id = ma.fields.Integer(dump_only=True)


class BudgetIn(Strict):
    category = Choice(CostCategory, required=True)
    description = Text(300)
    amount = Money(required=True)


class BudgetSchema(BudgetIn):
    id = ma.fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "null: spending unbudgeted"}
    )
    spent = Money(dump_only=True, metadata={"description": "actual costs of this category"})


class ObligationIn(Strict):
    kind = Choice(ReportKind, required=True)
    due_date = IsoDate(metadata={"description": "a final report defaults to end + 3 months"})
    sent_on = IsoDate(allow_none=True)
    note = Text(500)


class ObligationSchema(ObligationIn):
    id = ma.fields.Integer(dump_only=True)


@blp.route("/<int:grant_id>/goals")
class Goals(MethodView):
    @blp.response(200, GoalSchema(many=True))
    def get(self, grant_id):
        """The application's goals."""
        return _grant(grant_id).goals

    @blp.arguments(GoalIn)
    @blp.response(201, GoalSchema)
    def post(self, values, grant_id):
        """Add a goal."""
        grant = _grant(grant_id)
        return saved(lambda: parts.add_goal(db.session, api_user(), grant, values))


@blp.route("/<int:grant_id>/budget")
class Budget(MethodView):
    @blp.response(200, BudgetSchema(many=True))
    def get(self, grant_id):
        """The budget per cost category, each with the actual spending on it; spending in a
        category the budget left out is a line of its own (id null, amount 0), so the lines'
        `spent` sum to the grant's spent total."""
        grant = _grant(grant_id)
        ids = {line.category.value: line.id for line in grant.budget_lines}
        return [
            {
                "id": ids.get(row.category),
                "category": CostCategory(row.category),
                "description": row.description,
                "amount": row.budgeted,
                "spent": row.spent,
            }
            for row in figures.grant_money(db.session, grant).budget
        ]

    @blp.arguments(BudgetIn)
    @blp.response(201, BudgetSchema)
    def post(self, values, grant_id):
        """Add a budget line (one per cost category)."""
        grant = _grant(grant_id)
        line = saved(lambda: parts.add_budget_line(db.session, api_user(), grant, values))
        line.spent = figures.ZERO
        return line


class AllocationSchema(ma.Schema):
    centre = ma.fields.String(attribute="centre_code")
    centre_name = ma.fields.String()
    allocated = Money(metadata={"description": "the office's part of the award"})
    received = Money(metadata={"description": "the funder's tranches booked at the office"})
    spent = Money(metadata={"description": "actual costs the office booked on the grant"})
    remaining = Money(metadata={"description": "received - spent"})


@blp.route("/<int:grant_id>/allocations")
class Allocations(MethodView):
    @blp.response(200, AllocationSchema(many=True))
    def get(self, grant_id):
        """The award per office: each allocation with what the office received and spent."""
        return figures.allocation_money(db.session, _grant(grant_id))


@blp.route("/<int:grant_id>/obligations")
class Obligations(MethodView):
    @blp.response(200, ObligationSchema(many=True))
    def get(self, grant_id):
        """The reports owed to the funder."""
        return _grant(grant_id).obligations

    @blp.arguments(ObligationIn)
    @blp.response(201, ObligationSchema)
    def post(self, values, grant_id):
        """Owe the funder a report."""
        grant = _grant(grant_id)
        return saved(lambda: parts.add_obligation(db.session, api_user(), grant, values))
