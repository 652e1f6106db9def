"""Grant applications and what hangs off them: allocations, goals, budget lines, reports, moves.

Money received and spent is never stored here: it is the income and cost lines booked against
the grant (`IncomeLine.grant_id`, `CostLine.grant_id`), summed by `fundtrack.grants.figures`.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostCategory
from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.income.models import Funder, FundingAgreement
from fundtrack.money import check_currency


class GrantState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    AWARDED = "awarded"
    PARTLY_AWARDED = "partly_awarded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REPORTING = "reporting"
    CLOSED = "closed"


class GoalKind(enum.StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


class ReportKind(enum.StrEnum):
    INTERIM = "interim"
    FINAL = "final"


class UnspentDecision(enum.StrEnum):
    """What happens to money the project did not use, as agreed with the funder."""

    RETURNED = "returned"
    TO_RETURN = "to_return"
    KEPT = "kept"  # with the funder's consent


class Grant(db.Model):
    """An application to a funder's programme, by a centre or (centre NULL) the national office.

    For a recurring application (`recurring`), the amounts are per year: that is what a
    funding agreement made from it records as its annual amount.
    """

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("amount_requested > 0", name="requested_positive"),
        CheckConstraint(
            "amount_awarded IS NULL OR amount_awarded >= 0", name="awarded_not_negative"
        ),
        CheckConstraint("chance IS NULL OR chance BETWEEN 0 AND 100", name="chance_percent"),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("length(project_name) > 0", name="project_name_not_empty"),
        CheckConstraint(
            "(unspent_decision IS NULL) = (unspent_amount IS NULL)", name="unspent_decided"
        ),
        CheckConstraint("unspent_amount IS NULL OR unspent_amount >= 0", name="unspent_positive"),
        Index("ix_grants_centre_state", "centre_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    programme: Mapped[str] = mapped_column(String(200), default="")
    project_name: Mapped[str] = mapped_column(String(200))
    # None: the national office applied for the network.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    project_leader: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    amount_requested: Mapped[Decimal]
    amount_awarded: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3))
    # Percent, 0-100: the estimated chance of an award while undecided.
    chance: Mapped[int | None]
    state: Mapped[GrantState] = mapped_column(
        enum_column(GrantState, "grant_state"), default=GrantState.DRAFT
    )
    recurring: Mapped[bool] = mapped_column(default=False)
    auditor_statement_required: Mapped[bool] = mapped_column(default=False)
    # The funder's case number for the application, and who signs its reports.
    funder_reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    signatory: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Money the project did not use: returned, to be returned or kept (with the funder's
    # consent), and how much; both empty until decided.
    unspent_decision: Mapped[UnspentDecision | None] = mapped_column(
        enum_column(UnspentDecision, "unspent_decision")
    )
    unspent_amount: Mapped[Decimal | None]
    # The funding agreement this award became, once turned into one.
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("funding_agreements.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    funder: Mapped[Funder] = relationship()
    centre: Mapped[Centre | None] = relationship()
    agreement: Mapped[FundingAgreement | None] = relationship()
    allocations: Mapped[list["GrantAllocation"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantAllocation.id"
    )
    goals: Mapped[list["GrantGoal"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantGoal.id"
    )
    budget_lines: Mapped[list["GrantBudgetLine"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantBudgetLine.id"
    )
    obligations: Mapped[list["ReportObligation"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="ReportObligation.due_date"
    )
    transitions: Mapped[list["GrantTransition"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantTransition.id"
    )
    in_kind: Mapped[list["InKindContribution"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="InKindContribution.id"
    )

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)

    @property
    def applicant(self) -> str:
        return str(self.centre) if self.centre else "national office"

    def __str__(self) -> str:
        return self.project_name


class GrantAllocation(db.Model):
    """The part of a (national office's) award that goes to one centre."""

    __tablename__ = "grant_allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("grant_id", "centre_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    amount: Mapped[Decimal]

    grant: Mapped[Grant] = relationship(back_populates="allocations")
    centre: Mapped[Centre] = relationship()


class GrantGoal(db.Model):
    """What the project promised: a number to reach, or an aim to describe."""

    __tablename__ = "grant_goals"
    __table_args__ = (
        CheckConstraint("length(description) > 0", name="description_not_empty"),
        CheckConstraint("kind = 'qualitative' OR target IS NOT NULL", name="counted_has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[GoalKind] = mapped_column(enum_column(GoalKind, "goal_kind"))
    # Quantitative: what is counted; qualitative: the aim.
    description: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(50), default="")
    target: Mapped[Decimal | None]
    achieved: Mapped[Decimal | None]
    as_of: Mapped[date | None]
    # Quantitative: where the count stood before the project, and by when the target is due.
    baseline: Mapped[Decimal | None]
    deadline: Mapped[date | None]
    # Qualitative: the result, described.
    result: Mapped[str] = mapped_column(Text, default="")

    grant: Mapped[Grant] = relationship(back_populates="goals")
    measurements: Mapped[list["GoalMeasurement"]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="GoalMeasurement.measured_on"
    )


class GoalMeasurement(db.Model):
    """A counted goal as measured on a day, for the whole project (centre NULL) or at one of
    the offices the award is shared with. The goal's result on a day is the sum, over the
    places, of each one's latest measurement up to that day (`fundtrack.grants.figures`)."""

    __tablename__ = "grant_goal_measurements"
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        UniqueConstraint("goal_id", "centre_id", "measured_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("grant_goals.id", ondelete="CASCADE"), index=True
    )
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    measured_on: Mapped[date]
    value: Mapped[Decimal]

    goal: Mapped[GrantGoal] = relationship(back_populates="measurements")
    centre: Mapped[Centre | None] = relationship()


class InKindContribution(db.Model):
    """Volunteer hours given to the project in a month (at an office, or for the whole
    project when centre is NULL). Worth the hours times the network's volunteer-hour rate;
    never money in the books, so never in a money total."""

    __tablename__ = "grant_in_kind"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    given_on: Mapped[date]
    description: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[Decimal]

    grant: Mapped[Grant] = relationship(back_populates="in_kind")
    centre: Mapped[Centre | None] = relationship()


class GrantBudgetLine(db.Model):
    """The budget per cost category; actual cost lines of that category are its spending."""

    __tablename__ = "grant_budget_lines"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        UniqueConstraint("grant_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    category: Mapped[CostCategory] = mapped_column(enum_column(CostCategory, "cost_category"))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal]

    grant: Mapped[Grant] = relationship(back_populates="budget_lines")


class ReportObligation(db.Model):
    """A report owed to the funder by a due date; sent when `sent_on` is filled in.

    An interim report covers its period (`period_start`-`period_end`; without them, from the
    previous interim report's period to its due date); a final report the whole project
    (`fundtrack.grants.figures.report_period`).
    """

    __tablename__ = "grant_report_obligations"
    __table_args__ = (
        CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_end >= period_start",
            name="period_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "report_kind"))
    due_date: Mapped[date] = mapped_column(index=True)
    sent_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]

    grant: Mapped[Grant] = relationship(back_populates="obligations")


class GrantTransition(db.Model):
    """One state move: from, to, on which day, by whom."""

    __tablename__ = "grant_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[GrantState] = mapped_column(enum_column(GrantState, "from_state"))
    to_state: Mapped[GrantState] = mapped_column(enum_column(GrantState, "to_state"))
    moved_on: Mapped[date]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    grant: Mapped[Grant] = relationship(back_populates="transitions")
