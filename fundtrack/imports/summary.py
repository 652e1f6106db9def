"""What a preview shows of its plan, gathered row by row as the plan streams past: the
counts, the total to book, the first rows, the rows in error (capped) and the payers with
their matches and totals (capped). Nothing here grows with the file but the payer count.
"""

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from fundtrack.errors import stored
from fundtrack.imports.plan import (
    BOOK,
    COLLECTED,
    DUPLICATE,
    ERROR,
    RETURNED,
    REVERSE,
    SKIPPED,
    STATUSES,
    PlanRow,
)

SHOWN_ROWS = 300
SHOWN_ERRORS = 1000
SHOWN_COUNTERPARTIES = 500


class Summary:
    def __init__(self):
        self.counts = dict.fromkeys(STATUSES, 0)
        self.total = Decimal("0.00")
        self.rows_total = 0
        self.shown: list[dict] = []
        self.errors: list[dict] = []
        self.first_error: list | None = None  # [row, column, message]
        self.payers: dict[str, dict] = {}
        self.new_donors: dict[str, int] = {}  # payer key: rows that would make the donor
        self.overrides: dict[str, dict] = {}

    def add(self, row: PlanRow) -> None:
        self.rows_total += 1
        self.counts[row.status] += 1
        if len(self.shown) < SHOWN_ROWS:
            self.shown.append(row.as_dict())
        elif row.status == ERROR and len(self.errors) < SHOWN_ERRORS:
            self.errors.append(row.as_dict())
        if row.status == ERROR and self.first_error is None:
            column, message = row.errors[0] if row.errors else ("row", stored(_l("refused")))
            self.first_error = [row.row, column, message]
        if row.status == COLLECTED:
            self.total += row.amount
        if row.status == BOOK:
            self.total += row.amount
            if row.match.kind == "new_donor":
                self.new_donors[row.key] = self.new_donors.get(row.key, 0) + 1
        if row.match is None or row.status not in (BOOK, ERROR):
            return
        payer = self.payers.get(row.key)
        if payer is None:
            if len(self.payers) >= SHOWN_COUNTERPARTIES:
                return
            payer = self.payers[row.key] = {
                "key": row.key, "name": row.name, "iban": row.iban, "account": row.account,
                "rows": 0,
                "match": row.as_dict()["match"], "category": row.category,
                "structural": bool(row.match.structural), "total": Decimal("0.00"),
            }  # fmt: skip
        payer["rows"] += 1
        payer["total"] += row.amount or Decimal("0.00")
        # The payer's latest day: which of its funder's agreements run, to offer them first.
        if row.booking_date and row.booking_date.isoformat() > (payer.get("day") or ""):
            payer["day"] = row.booking_date.isoformat()

    def settle(self, overrides: dict[int, dict]) -> None:
        """Count the reversals' changes to rows already counted."""
        for number, override in sorted(overrides.items()):
            was, amount, key = override["was"]
            status = override["status"]
            self.counts[was] -= 1
            self.counts[status] += 1
            if was == BOOK:
                self.total -= Decimal(amount)
                if key in self.payers:
                    self.payers[key]["rows"] -= 1
                    self.payers[key]["total"] -= Decimal(amount)
                if key in self.new_donors:
                    self.new_donors[key] -= 1
            changes = {name: override[name] for name in ("reason", "errors", "target_line")}
            changes["status"] = status
            shown = next((shown for shown in self.shown if shown["row"] == number), None)
            if shown is not None:
                shown.update(changes)
            elif status == ERROR and len(self.errors) < SHOWN_ERRORS:
                self.errors.append(override["shown"] | changes)
            if status == ERROR and (self.first_error is None or number < self.first_error[0]):
                self.first_error = [number, *override["errors"][0]]
            self.overrides[str(number)] = override

    @property
    def new_donor_count(self) -> int:
        return sum(1 for rows in self.new_donors.values() if rows > 0)

    def meta(self) -> dict:
        """What the commit needs of the plan before reading its rows."""
        return {
            "counts": self.counts,
            "rows_total": self.rows_total,
            "first_error": self.first_error,
            "overrides": self.overrides,
        }

    def data(self, record, currency: str) -> dict:
        """The preview as plain data: for the screen, the API and the preview file."""
        payers = [payer | {"total": str(payer["total"])} for payer in self.payers.values()]
        return {
            "import": record.id,
            "kind": record.kind,
            "filename": record.filename,
            "counts": dict(self.counts),
            "rows_total": self.rows_total,
            "total": str(self.total),
            "currency": currency,
            "rows": self.shown,
            "more_errors": self.errors,
            "payers": payers,
            "same_file_as": (record.options or {}).get("same_file_as"),
        }


def count_into(record, counts: dict, rows_total: int) -> None:
    """The import's row counts as the plan gives them."""
    record.rows_total = rows_total
    record.rows_duplicate = counts[DUPLICATE]
    record.rows_skipped = counts[SKIPPED] + counts[REVERSE] + counts[RETURNED]
    record.rows_error = counts[ERROR]
