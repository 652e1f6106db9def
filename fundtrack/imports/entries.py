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

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from schwifty import IBAN

from fundtrack.money import CENT, MAX_AMOUNT

# Banks write this where a payer gave no end-to-end id: not a reference at all.
NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NOREF"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing from it is booked.

    `row` and `column` place the trouble when it has a place (a broken balance line, a
    stray quote); `message` is lazy, put into words (with its place) when shown.
    """

    def __init__(self, message, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return gettext("row %(row)s, column %(column)s: %(message)s",
                           row=self.row, column=self.column, message=self.message)  # fmt: skip
        if self.row is not None:
            return gettext("row %(row)s: %(message)s", row=self.row, message=self.message)
        if self.column:
            return gettext(
                "column %(column)s: %(message)s", column=self.column, message=self.message
            )
        return str(self.message)


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
    # A funds column (fundtrack.imports.fund_parts): one fund, or "Kledingbank 60; Zomerkamp
    # 40", its amounts written with the file's decimal mark.
    funds: str = ""
    decimal: str = ""
    errors: list[tuple[str, object]] = field(default_factory=list)  # column, lazy message
    # A direct debit the bank reports on (fundtrack.giving.returns): the batch a credit pays
    # (its payment information id, else message id) and a return's ISO reason code.
    batch: str = ""
    return_reason: str = ""

    def refuse(self, column: str, message) -> None:
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
        if text is None:
            entry.refuse(column, _l("is missing"))
        else:
            entry.refuse(column, _l("came as a float, not as text"))
        return None
    typed = str(text).strip().replace(",", ".")
    if not _AMOUNT[places].fullmatch(typed):
        typed = repr(str(text).strip())
        if places == 2:
            entry.refuse(
                column, _l("%(typed)s is not an amount with at most two decimals", typed=typed)
            )
        else:
            entry.refuse(
                column, _l("%(typed)s is not an amount with at most five decimals", typed=typed)
            )
        return None
    try:
        exact = Decimal(typed)
        amount = exact.quantize(CENT)
    except InvalidOperation:
        entry.refuse(column, _l("%(typed)s is not an amount", typed=repr(text)))
        return None
    if amount != exact:
        entry.refuse(
            column, _l("%(typed)s is not exact to the cent", typed=repr(str(text).strip()))
        )
        return None
    if abs(amount) > MAX_AMOUNT:
        entry.refuse(
            column, _l("%(shown)s has more digits than an amount may have", shown=repr(text))
        )
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


def entries_used(first: int, last: int, sums: dict):
    """Which entries a statement's balance check added up, and their sums: what a refusal
    of balances that do not add up says (lazy). `sums` maps credit (True) and debit to a total."""
    if last < first:
        return _l("no entries")
    if first == last:
        return _l("entry %(first)s (credits +%(credits)s, debits -%(debits)s)",
                  first=first, credits=sums[True], debits=sums[False])  # fmt: skip
    return _l("entries %(first)s to %(last)s (credits +%(credits)s, debits -%(debits)s)",
              first=first, last=last, credits=sums[True], debits=sums[False])  # fmt: skip


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
