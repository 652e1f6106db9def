"""What every parser hands on: statement entries with exact amounts, and the errors it finds.

A parser reads a bank's or a spreadsheet's shapes; from here on an entry is ours: a Decimal
amount our own code made from the text (never a float), the booking date, who paid (name
and an IBAN validated and compacted by schwifty, or the account as written when it is no
IBAN), the remittance text, the bank's reference and the id that stops the entry from being
booked twice.
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from schwifty import IBAN

from fundtrack.money import CENT, MAX_AMOUNT

# Banks write this where a payer gave no end-to-end id: not a reference at all.
NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NOREF"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing from it is booked.

    `row` and `column` place the trouble when it has a place (a broken balance line, a
    stray quote); `message` is English, screens translate the start they know.
    """

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        where = f"row {row}" if row is not None else ""
        if column:
            where = f"{where}, column {column}" if where else f"column {column}"
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.row = row
        self.column = column


@dataclass
class Entry:
    """One entry of a statement or one row of a spreadsheet, read but not yet matched."""

    row: int
    booking_date: date | None = None
    amount: Decimal | None = None  # positive; `credit` says which way it went
    currency: str = ""
    credit: bool = True
    booked: bool = True
    reversal: bool = False
    name: str = ""
    iban: str | None = None
    # The other party's account as the file writes it when it is not a valid IBAN (an old
    # national account number, a mistyped IBAN): shown, never matched on.
    account: str = ""
    text: str = ""
    reference: str = ""  # the bank's reference (or the payer's end-to-end id)
    external_id: str | None = None  # the bank's entry reference: never booked twice
    end_to_end: str = ""  # what a reversal names to find the entry it undoes
    # Spreadsheet rows may say more than a bank does.
    category: str = ""
    counterparty: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    @property
    def income(self) -> bool:
        """A booked credit that is not itself a reversal: what may become an income line."""
        return self.credit and self.booked and not self.reversal


_AMOUNT = {2: re.compile(r"-?\d{1,12}(\.\d{0,2})?"), 5: re.compile(r"-?\d{1,12}(\.\d{0,5})?")}
_DECIMALS = {2: "two", 5: "five"}


def decimal_amount(text, column: str, entry: Entry, places: int = 2) -> Decimal | None:
    """A plain decimal string (`1234.56`, or `1234,56` as MT940 writes it) as exact cents.

    ISO 20022 amounts may carry up to five decimals (`places=5`): `18.150` is 18.15, but
    `18.155` is refused, since a book of cents cannot hold it.
    """
    if text is None or isinstance(text, float):
        entry.refuse(column, "is missing" if text is None else "came as a float, not as text")
        return None
    typed = str(text).strip().replace(",", ".")
    if not _AMOUNT[places].fullmatch(typed):
        entry.refuse(
            column,
            f"{str(text).strip()!r} is not an amount with at most {_DECIMALS[places]} decimals",
        )
        return None
    try:
        exact = Decimal(typed)
        amount = exact.quantize(CENT)
    except InvalidOperation:
        entry.refuse(column, f"{text!r} is not an amount")
        return None
    if amount != exact:
        entry.refuse(column, f"{str(text).strip()!r} is not exact to the cent")
        return None
    if abs(amount) > MAX_AMOUNT:
        entry.refuse(column, f"{text!r} has more digits than an amount may have")
        return None
    return amount


def normal_iban(text: str | None, entry: Entry) -> str | None:
    """The IBAN in its compact form, None when there is none or it is no valid IBAN.

    An account that is no IBAN (a German `?31` account number, a Dutch account from before
    2014, a typing error) is kept as written in `entry.account`: it names the payer on the
    screen but never refuses the entry, which is then matched by name like one without an
    account.
    """
    if not text or not str(text).strip():
        return None
    compact, problem = _checked_iban(str(text))
    if problem:
        entry.account = " ".join(str(text).split())[:60]
    return compact


@functools.lru_cache(maxsize=8192)
def _checked_iban(text: str) -> tuple[str | None, str]:
    # A statement names the same few hundred payers again and again: check each once.
    try:
        return IBAN(text).compact, ""
    except ValueError as error:
        return None, str(error)


def entries_used(first: int, last: int, sums: dict) -> str:
    """Which entries a statement's balance check added up, and their sums: what a refusal
    of balances that do not add up says. `sums` maps credit (True) and debit to a total."""
    if last < first:
        return "no entries"
    which = f"entry {first}" if first == last else f"entries {first} to {last}"
    return f"{which} (credits +{sums[True]}, debits -{sums[False]})"


def clean(text) -> str:
    """Text from a file with runs of white space (line breaks in remittance info) made one."""
    return " ".join(str(text).split()) if text is not None else ""


def is_reference(text: str | None) -> bool:
    return bool(text) and text.strip().upper() not in NO_REFERENCE


def row_fingerprint(entry: Entry, occurrence: int) -> str:
    """An id for a spreadsheet row without one: the same row of the same file, the same id.

    The `occurrence` tells two identical rows apart (two gifts of 10 on one day do happen),
    so importing the file again books neither a second time.
    """
    parts = (
        entry.booking_date.isoformat() if entry.booking_date else "",
        str(entry.amount),
        entry.name.casefold(),
        entry.iban or "",
        entry.text.casefold(),
        entry.reference,
        str(occurrence),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"row:{digest}"
