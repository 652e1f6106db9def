"""A spreadsheet's funds column: an earmarked fund, or the gift split over funds, per row.

The smallest honest way to split in an import: a column the mapping names `funds` (header
"Bestemmingsfonds", "Fonds", "Øremerket fond", "Funds" ...), holding what batch entry's funds
column takes, `Kledingbank 60,00; Zomerkamp 40,00` in the file's decimal mark, or one fund's
name. The plan reads it with income.splits' own parser and rule (the parts add up to the
row's amount, funds of the centre, each once), so the preview shows a wrong split as the
row's error under `funds`; booking writes the line's fund, or its parts with their audit rows
beside the bulk-written lines. Bank statements have no such column: a statement's line is
split afterwards on the income form or through the API.
"""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fundtrack.audit.models import AuditEvent
from fundtrack.errors import ValidationError
from fundtrack.imports.entries import Entry
from fundtrack.imports.mapping import read_amount
from fundtrack.income.models import EarmarkedFund, IncomeLineFund
from fundtrack.income.splits import FIELD, check_parts, parse_parts

_TABLE = IncomeLineFund.__table__


class FundColumn:
    """The centre's funds, loaded once per plan, and each row's funds cell read by them."""

    def __init__(self, session: Session, centre_id: int):
        self.centre_id = centre_id
        funds = session.scalars(select(EarmarkedFund).where(EarmarkedFund.centre_id == centre_id))
        self.by_id = {fund.id: fund for fund in funds}
        self.names = {fund.name: fund.id for fund in self.by_id.values()}

    def parts(self, entry: Entry) -> list[list]:
        """The row's parts as [[fund id, "amount"], ...] (one for a single fund, none for a
        blank cell); refused on `funds` as income.splits refuses them."""
        typed = parse_parts(
            entry.funds, self.names, entry.amount, lambda text: _amount(text, entry.decimal)
        )
        if typed is None:
            return []
        checked = check_parts(
            typed, entry.amount, self.centre_id, lambda fund_id, _n: self.by_id[fund_id]
        )
        return [[fund.id, str(share)] for fund, share in checked]


def _amount(text: str, decimal: str) -> Decimal:
    """A part's amount written as the file writes its amounts."""
    probe = Entry(row=0)
    amount = read_amount(text, decimal or ".", FIELD, probe)
    if probe.errors or amount is None or amount <= 0:
        message = probe.errors[0][1] if probe.errors else _l("must be more than 0")
        raise ValidationError(FIELD, message, code="part_not_positive")
    return amount


def own_fund(parts: list[list]) -> int | None:
    """The line's own fund: the one part of a row that names a single fund."""
    return parts[0][0] if len(parts) == 1 else None


def insert_parts(connection, lines: list[tuple[int, list[list], int]], actor: tuple) -> None:
    """The parts of split lines, (line id, parts, centre id) each, with the `create` audit
    row the session hook writes for each part (by `actor`, audit.actor.current_actor)."""
    rows = [
        {"income_line_id": line_id, "earmarked_fund_id": fund_id, "amount": Decimal(amount)}
        for line_id, parts, _centre in lines if len(parts) > 1
        for fund_id, amount in parts
    ]  # fmt: skip
    if not rows:
        return
    centre_of = {line_id: centre for line_id, _parts, centre in lines}
    ids = connection.execute(
        insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True), rows
    ).scalars()
    events = [
        {"user_id": actor[0], "actor": actor[1], "action": "create", "entity": _TABLE.name,
         "entity_id": str(part_id), "centre_id": centre_of[row["income_line_id"]],
         "before": None, "after": {"id": part_id} | row | {"amount": str(row["amount"])}}
        for part_id, row in zip(ids, rows, strict=True)
    ]  # fmt: skip
    connection.execute(insert(AuditEvent), events)
