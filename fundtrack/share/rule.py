"""The rule that decides whether a funding agreement's income is structural, written once.

The rule is an ordered list of steps; the first step whose condition holds decides:

1. no agreement: the income is incidental;
2. an override by the national office: it decides, structural or incidental, with its reason;
3. awaiting confirmation (four eyes): a treasurer added or changed an agreement that the
   funder type's rule would make structural; it counts as incidental until the national
   office confirms it;
4. the funder type's rule: structural when the funder's type is structural by default AND
   the agreement is long-running (recurring, open-ended, or more than 366 days from its
   start to its end date).

An override wins over a pending confirmation: an override is the national office's own
decision about that agreement, so it already is the second pair of eyes the confirmation
asks for (so `share.rules.awaiting_filter`, made from these steps, does not list it).

Each condition is a small term that can both be evaluated on plain values (`decide`, for
the words on screens, the import preview and the API's flag) and be turned into SQL
(`as_sql`, for every figure), so the two cannot drift apart. `share.classification` joins
the tables and words the verdict; tests/test_structural_rule.py checks that every path gives
the same answer.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, and_, case, false, literal_column, not_, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, coalesce

# More than a (leap) year between the dates makes an agreement multi-year.
MULTI_YEAR_DAYS = 366


@dataclass(frozen=True)
class Facts:
    """What the rule reads about one agreement, by the names of the columns it comes from.

    `override_reason` and `funder_type` decide nothing; the words name them.
    """

    has_agreement: bool
    structural_override: bool | None = None
    override_reason: str | None = None
    awaiting_confirmation: bool = False
    funder_type: object = None
    structural_by_default: bool | None = None  # None: no rule for the funder's type
    recurring: bool = False
    start_date: date | None = None
    end_date: date | None = None  # None: open-ended


# The SQL side: the same names mapped to (outer-joined) columns; see classification.py.
Columns = Mapping[str, object]


class days_between(FunctionElement):
    """Whole days from the second date to the first, in either database."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


# Terms: each answers on plain values (`holds`) and as SQL (`sql`). The SQL never yields
# NULL (an outer join's missing agreement or rule counts as "no"), so NOT of it is sound,
# and it holds no bound parameters, so it can be grouped by on PostgreSQL and SQLite alike.


@dataclass(frozen=True)
class Yes:
    """A yes/no fact; unknown (no rule for the type, no agreement) counts as no."""

    name: str

    def holds(self, facts: Facts) -> bool:
        return bool(getattr(facts, self.name))

    def sql(self, columns: Columns):
        return coalesce(columns[self.name], false())


@dataclass(frozen=True)
class Given:
    """A fact that is filled in (an override, an end date)."""

    name: str

    def holds(self, facts: Facts) -> bool:
        return getattr(facts, self.name) is not None

    def sql(self, columns: Columns):
        return columns[self.name].is_not(None)


@dataclass(frozen=True)
class Not:
    term: object

    def holds(self, facts: Facts) -> bool:
        return not self.term.holds(facts)

    def sql(self, columns: Columns):
        return not_(self.term.sql(columns))


@dataclass(frozen=True)
class AllOf:
    terms: tuple

    def holds(self, facts: Facts) -> bool:
        return all(term.holds(facts) for term in self.terms)

    def sql(self, columns: Columns):
        return and_(*(term.sql(columns) for term in self.terms))


@dataclass(frozen=True)
class AnyOf:
    terms: tuple

    def holds(self, facts: Facts) -> bool:
        return any(term.holds(facts) for term in self.terms)

    def sql(self, columns: Columns):
        return or_(*(term.sql(columns) for term in self.terms))


@dataclass(frozen=True)
class RunsMoreThan:
    """More than `days` from the start date to an end date that is filled in."""

    days: int

    def holds(self, facts: Facts) -> bool:
        end, start = facts.end_date, facts.start_date
        return end is not None and start is not None and (end - start).days > self.days

    def sql(self, columns: Columns):
        end, start = columns["end_date"], columns["start_date"]
        return and_(
            end.is_not(None),
            start.is_not(None),
            days_between(end, start) > literal_column(str(self.days)),
        )


@dataclass(frozen=True)
class Always:
    answer: bool

    def holds(self, facts: Facts) -> bool:
        return self.answer

    def sql(self, columns: Columns):
        return true() if self.answer else false()


# The conditions, by the names a treasurer knows them by.
NO_AGREEMENT = Not(Yes("has_agreement"))
OVERRIDDEN = Given("structural_override")
STRUCTURAL_BY_DEFAULT = Yes("structural_by_default")
RECURRING = Yes("recurring")
OPEN_ENDED = Not(Given("end_date"))
MORE_THAN_A_YEAR = RunsMoreThan(MULTI_YEAR_DAYS)
LONG_RUNNING = AnyOf((RECURRING, OPEN_ENDED, MORE_THAN_A_YEAR))
BY_THE_RULE = AllOf((STRUCTURAL_BY_DEFAULT, LONG_RUNNING))
# Only what the rule would make structural waits: the rest is incidental anyway, and says
# why by the rule.
AWAITING = AllOf((Yes("awaiting_confirmation"), BY_THE_RULE))


@dataclass(frozen=True)
class Step:
    code: str  # names the step in the verdict and in the words
    when: object  # a term: does this step decide?
    structural: object  # a term: its answer


STEPS = (
    Step("no_agreement", NO_AGREEMENT, Always(False)),
    Step("override", OVERRIDDEN, Yes("structural_override")),
    Step("awaiting", AWAITING, Always(False)),
    Step("rule", Always(True), BY_THE_RULE),
)


def decide(facts: Facts) -> tuple[Step, bool]:
    """The step that decides for these facts, and whether the income is structural."""
    step = next(step for step in STEPS if step.when.holds(facts))
    return step, step.structural.holds(facts)


def as_sql(columns: Columns):
    """The same rule as one SQL CASE over `columns`: true when structural, never NULL."""
    *deciding, last = STEPS
    return case(
        *((step.when.sql(columns), step.structural.sql(columns)) for step in deciding),
        else_=last.structural.sql(columns),
    )


def decided_by_sql(code: str, columns: Columns):
    """SQL that holds where the step named `code` is the one that decides (no step before
    it holds, it does): e.g. the agreements that count as incidental only while they await
    the national office's confirmation."""
    before = []
    for step in STEPS:
        if step.code == code:
            return and_(*(not_(when) for when in before), step.when.sql(columns))
        before.append(step.when.sql(columns))
    raise KeyError(code)
