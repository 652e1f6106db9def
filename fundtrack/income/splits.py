"""One gift split over several earmarked funds: the rule, its writing, and its typed form.

Design
- A split line keeps being one income line: one date, amount, category, counterparty and
  agreement. So the funding share, its summary (income_summary, kept by the triggers of
  0007_summary) and every figure by category or agreement see it exactly as before a split.
- Its money per fund lives in `income_line_funds` (IncomeLineFund): one row per fund, an
  amount more than 0, a fund at most once per line; the parts take the line's currency (they
  have none of their own, so they cannot differ from it).
- A line names one fund (`earmarked_fund_id`) or is split (two parts or more, and no fund of
  its own), never both. A "split" over one fund is that fund: it is stored as the line's own.
- The parts add up to the line's amount exactly. `check_parts` is the rule's one home: the
  operations (income.operations book_income and update_income, which the form, batch entry,
  the API and the import's rebooking call) run it; the import's bulk writer runs it per row
  in the plan. On PostgreSQL a deferred constraint trigger (migration 0022) checks it again
  at commit for any path at all; SQLite has no deferred trigger.
- A split line whose amount changes keeps no stale parts: the change is refused on `funds`
  unless the parts are given again (or the line is given one fund, or none).
- Parts are written through the session, so the audit hook logs each (filed under the line's
  centre) and the year lock refuses them in a closed year, as it does the line.
- Money per fund follows the parts: income.funds sums a fund's whole lines and its parts
  (two correlated sums on the funds' indexes), the year-end journal posts each part to its
  fund's account.

Operations and the API take parts as `funds: [{"fund_id": 3, "amount": Decimal("60.00")}]`.
Batch entry and the import's funds column take text, `Kledingbank 60; Zomerkamp 40`
(`parse_parts`): a fund's name, then its amount; one part may leave its amount out and takes
what is left.
"""

from collections.abc import Callable
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.errors import ValidationError
from fundtrack.formatting import network_format
from fundtrack.income.models import EarmarkedFund, IncomeLine, IncomeLineFund
from fundtrack.money import check_cents
from fundtrack.operations import referenced

FIELD = "funds"
# Parts a request may carry (the API's bound); a centre has a handful of funds.
PARTS_MAX = 100


def check_parts(
    parts, amount: Decimal, centre_id: int, fund_of: Callable[[object, int], EarmarkedFund]
) -> list[tuple[EarmarkedFund, Decimal]]:
    """The parts as (fund, amount), checked against the line's amount and centre.

    `parts` is a list of {"fund_id", "amount"}; `fund_of(fund_id, number)` loads a fund the
    user may see (or refuses). Refused on `funds`: a part that is not such a pair, an amount
    not more than 0 or with more than cents, a fund twice or of another centre, parts not
    adding up to `amount`.
    """
    if not isinstance(parts, list):
        raise ValidationError(
            FIELD, _l("give a list of parts, each a fund and an amount"), code="not_parts"
        )
    checked: list[tuple[EarmarkedFund, Decimal]] = []
    for number, part in enumerate(parts, start=1):
        if not isinstance(part, dict) or set(part) != {"fund_id", "amount"}:
            raise ValidationError(
                FIELD,
                _l("part %(number)s: give a fund and an amount", number=number),
                code="not_parts",
            )
        share = check_cents(part["amount"], FIELD)
        if share <= 0:
            raise ValidationError(
                FIELD,
                _l("part %(number)s: the amount must be more than 0", number=number),
                code="part_not_positive",
            )
        fund = fund_of(part["fund_id"], number)
        if fund.centre_id != centre_id:
            raise ValidationError(
                FIELD,
                _l("part %(number)s: earmarked fund %(id)s is another centre's",
                   number=number, id=fund.id),
                code="other_centre",
            )  # fmt: skip
        if any(seen.id == fund.id for seen, _share in checked):
            raise ValidationError(
                FIELD,
                _l("part %(number)s: %(fund)s has a part already", number=number, fund=fund.name),
                code="fund_twice",
            )
        checked.append((fund, share))
    total = sum((share for _fund, share in checked), Decimal("0.00"))
    if checked and total != amount:
        fmt = network_format()
        raise ValidationError(
            FIELD,
            _l("the parts add up to %(total)s, not to the line's amount %(amount)s",
               total=fmt.money(total), amount=fmt.money(amount)),
            code="parts_not_summing",
        )  # fmt: skip
    return checked


def referenced_fund(session: Session, user: User) -> Callable[[object, int], EarmarkedFund]:
    """`fund_of` for check_parts: a fund the user may see, else refused on `funds`."""

    def fund_of(fund_id, _number: int) -> EarmarkedFund:
        return referenced(session, user, EarmarkedFund, fund_id, FIELD, "earmarked fund")

    return fund_of


def write_parts(
    session: Session, line: IncomeLine, parts: list[tuple[EarmarkedFund, Decimal]]
) -> None:
    """Make the line's parts these (checked) ones; one part or none is the line's own fund.

    A part of a fund kept is changed in place, so the (line, fund) unique key never sees the
    new row before the old one is gone; a part no longer wanted is deleted through the
    session, so the audit hook sees it go.
    """
    kept = {part.earmarked_fund_id: part for part in line.fund_parts}
    wanted = []
    if len(parts) >= 2:
        for fund, share in parts:
            part = kept.pop(fund.id, None) or IncomeLineFund(earmarked_fund=fund)
            part.amount = share
            wanted.append(part)
    line.earmarked_fund = None if wanted else (parts[0][0] if parts else None)
    line.fund_parts = wanted
    for gone in kept.values():
        if inspect(gone).persistent:
            session.delete(gone)


def parts_of(line: IncomeLine) -> list[dict]:
    """Where the line's money goes, as parts: its split, else all of it to its own fund."""
    if line.fund_parts:
        return [{"fund_id": p.earmarked_fund_id, "amount": p.amount} for p in line.fund_parts]
    if line.earmarked_fund_id is not None:
        return [{"fund_id": line.earmarked_fund_id, "amount": line.amount}]
    return []


def of_fund(fund_id: int):
    """SQL: the line's money goes (wholly or in part) to this fund."""
    parts = select(IncomeLineFund.income_line_id).where(IncomeLineFund.earmarked_fund_id == fund_id)
    return (IncomeLine.earmarked_fund_id == fund_id) | IncomeLine.id.in_(parts)


def parts_in_words(session: Session, line_ids: list[int]) -> dict[int, str]:
    """The split lines among `line_ids` with their parts as a list shows them, one query:
    {line id: "Kledingbank € 60,00; Zomerkamp € 40,00"}."""
    if not line_ids:
        return {}
    rows = session.execute(
        select(IncomeLineFund.income_line_id, EarmarkedFund.name, IncomeLineFund.amount,
               IncomeLine.currency)
        .join(EarmarkedFund, EarmarkedFund.id == IncomeLineFund.earmarked_fund_id)
        .join(IncomeLine, IncomeLine.id == IncomeLineFund.income_line_id)
        .where(IncomeLineFund.income_line_id.in_(line_ids))
        .order_by(IncomeLineFund.income_line_id, IncomeLineFund.id)
    )  # fmt: skip
    fmt = network_format()
    shown: dict[int, list[str]] = {}
    for line_id, name, amount, currency in rows:
        shown.setdefault(line_id, []).append(f"{name} {fmt.money(amount, currency)}")
    return {line_id: "; ".join(parts) for line_id, parts in shown.items()}


def _name_and_amount(piece: str, names: dict[str, int]) -> tuple[int, str] | None:
    """The fund a typed part starts with (the longest name that fits) and the rest."""
    typed = piece.strip()
    for name in sorted(names, key=len, reverse=True):
        head, rest = typed[: len(name)], typed[len(name) :]
        if head.casefold() == name.casefold() and (not rest or rest[0].isspace()):
            return names[name], rest.strip()
    return None


def parse_parts(
    text: str,
    names: dict[str, int],
    amount: Decimal | None,
    read_amount: Callable[[str], Decimal],
) -> list[dict] | None:
    """Typed parts, `Kledingbank 60; Zomerkamp 40`, as the operations' `funds` list.

    `names` maps the centre's funds' names to ids (compared without case); `read_amount`
    reads a typed amount in the typist's way (it raises ValidationError). One part may leave
    its amount out: it takes what the others leave of `amount`. None for blank text.
    """
    pieces = [piece for piece in text.split(";") if piece.strip()]
    if not pieces:
        return None
    parts: list[dict] = []
    open_part = None
    for number, piece in enumerate(pieces, start=1):
        found = _name_and_amount(piece, names)
        if found is None:
            raise ValidationError(
                FIELD,
                _l("part %(number)s: no earmarked fund is called %(name)s",
                   number=number, name=repr(piece.strip())),
                code="unknown_fund",
            )  # fmt: skip
        fund_id, typed = found
        if not typed and open_part is not None:
            raise ValidationError(
                FIELD, _l("only one part may leave its amount out"), code="parts_without_amount"
            )
        if not typed:
            open_part = len(parts)
        parts.append({"fund_id": fund_id, "amount": read_amount(typed) if typed else None})
    if open_part is not None:
        given = sum((p["amount"] for p in parts if p["amount"] is not None), Decimal("0.00"))
        parts[open_part]["amount"] = (amount or Decimal("0.00")) - given
    return parts


__all__ = [
    "FIELD",
    "PARTS_MAX",
    "check_parts",
    "of_fund",
    "parts_in_words",
    "parse_parts",
    "parts_of",
    "referenced_fund",
    "write_parts",
]
