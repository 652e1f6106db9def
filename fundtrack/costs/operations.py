"""Recording, changing and deleting cost lines (budget and actual) of a centre."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.errors import Day, ValidationError
from fundtrack.grants.ledger import grant_for_line
from fundtrack.income.models import EarmarkedFund
from fundtrack.income.operations import check_money, refusing_closed_years
from fundtrack.operations import centre_by_code, check_year, referenced, refuse_unknown, require

COST_FIELDS = (
    "centre", "year", "kind", "category", "amount", "currency", "fund", "grant", "description",
    "spent_on",
)  # fmt: skip


def _choice(enum_cls, value, field: str, what: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(
            field,
            _l("%(typed)s is not %(what)s", typed=repr(value), what=what),
            code="unknown_choice",
        ) from None


def _values(session: Session, user: User, values: dict, line: CostLine | None) -> dict:
    refuse_unknown(values, COST_FIELDS, "cost line")
    current = {}
    if line is not None:
        current = {
            "centre": line.centre.code,
            "year": line.year,
            "kind": line.kind,
            "category": line.category,
            "amount": line.amount,
            "currency": line.currency,
            "fund": line.earmarked_fund_id,
            "grant": line.grant_id,
            "description": line.description,
            "spent_on": line.spent_on,
        }
    merged = current | values
    require(merged, "centre", "year", "kind", "category", "amount")
    if line is not None and merged["centre"] != line.centre.code:
        raise ValidationError(
            "centre",
            _l("a line cannot move to another centre; record it anew"),
            code="centre_fixed",
        )
    centre = line.centre if line else centre_by_code(session, user, merged["centre"])
    require_manage(user, centre.id)
    check_year(merged["year"], "year")
    currency = check_money(merged["amount"], merged.get("currency"), centre, allow_zero=True)
    fund_id = None
    if merged.get("fund") is not None:
        fund = referenced(session, user, EarmarkedFund, merged["fund"], "fund", "earmarked fund")
        if fund.centre_id != centre.id:
            raise ValidationError(
                "fund", _l("earmarked fund %(id)s is another centre's", id=fund.id),
                code="other_centre",
            )  # fmt: skip
        fund_id = fund.id
    grant_id = None
    if merged.get("grant") is not None:
        grant_id = grant_for_line(session, user, merged["grant"], centre).id
    return {
        "centre": centre,
        "year": merged["year"],
        "kind": _choice(CostKind, merged["kind"], "kind", _l("budget or actual")),
        "category": _choice(CostCategory, merged["category"], "category", _l("a cost category")),
        "amount": merged["amount"],
        "currency": currency,
        "earmarked_fund_id": fund_id,
        "grant_id": grant_id,
        "description": merged.get("description") or "",
        "spent_on": _spent_on(session, merged.get("spent_on"), merged["year"]),
    }


def _spent_on(session: Session, day, year: int) -> date | None:
    """The day the money was spent: a date in the line's fiscal year, or None."""
    if day is None:
        return None
    if not isinstance(day, date):
        raise ValidationError("spent_on", _l("is not a date"), code="not_a_date")
    if current_network(session).fiscal_year_of(day) != year:
        raise ValidationError(
            "spent_on",
            _l("%(day)s is not in fiscal year %(year)s", day=Day(day), year=year),
            code="outside_year",
        )
    return day


def record_cost(session: Session, user: User, values: dict) -> CostLine:
    """Record a budget or actual cost line; flushed, not committed."""
    line = CostLine(**_values(session, user, values, None))
    session.add(line)
    with refusing_closed_years("year"):
        session.flush()
    return line


def update_cost(session: Session, user: User, line: CostLine, values: dict) -> CostLine:
    """Change some fields of a cost line; the whole line is checked again."""
    require_manage(user, line.centre_id)
    for attribute, value in _values(session, user, values, line).items():
        setattr(line, attribute, value)
    with refusing_closed_years("year"):
        session.flush()
    return line


def delete_cost(session: Session, user: User, line: CostLine) -> None:
    """Delete a cost line, unless its year is closed."""
    require_manage(user, line.centre_id)
    session.delete(line)
    with refusing_closed_years("year"):
        session.flush()
