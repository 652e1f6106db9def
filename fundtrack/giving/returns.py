"""Direct debits as the bank reports them back on a camt.053 statement or camt.054 notification:
the credit of a collection pays its instalments, and a return, refusal or refund (an R-transaction)
marks its instalment failed and may flag the mandate.

The import (fundtrack.imports.plan) asks `DirectDebits.decide` about each entry; an entry that
names one of the centre's collection items by its end-to-end id, or a collection's batch by
its payment information id (or message id), is ours to decide, every other entry is the
import's. A credit becomes the income lines of the instalments it pays (`book_items`), never one
unmatched line; a debit for an item is its return: no income line for it (a line that paid it
is removed) and never a cost.

When a mandate is flagged (the bank's rules, as Dutch banks and the EPC's guidance on SDD
R-transaction reason codes (EPC173-14) describe what a creditor should do after each code):
- at once after AC04 (account closed), AC06 (account blocked for direct debit), MD01 (no
  valid mandate, or an unauthorised transaction refunded) and MD07 (debtor deceased): a
  collection under the mandate cannot succeed again, and collecting again after MD01 is what
  the debtor disputed. Dutch banks' advice for these is to ask the donor for a new account or
  a new mandate (Buckaroo's and Rabobank clients' storno tables: "vraag juiste IBAN op", "neem
  contact op met debiteur");
- after two consecutive failed collections for every other code (AM04 insufficient funds,
  MS02 refused by the debtor, MS03 reason not given, MD06 refund requested by the debtor,
  ...): a single AM04 may be collected again next time (Dutch banks allow a re-collection
  after AM04), but neither the rulebook nor the banks set a number of tries: this count of
  two is fundtrack's own, as Dutch fundraising tools keep one (Procurios counts points per
  code and revokes at three, a success resetting the count).
A flagged mandate is not collected under (fundtrack.giving.sepa) until a treasurer clears
the flag (`clear_flag`). See docs/sepa.md.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.errors import Day, Label
from fundtrack.giving.models import Instalment
from fundtrack.giving.sepa_models import Collection, CollectionItem, Mandate
from fundtrack.income.models import IncomeLine

# Reason codes after which the mandate is flagged at once; any other after two failures in a row.
FLAG_AT_ONCE = frozenset({"AC04", "AC06", "MD01", "MD07"})
FAILURES_IN_A_ROW = 2

COLLECTED = "collected"  # a credit that pays collected instalments
RETURNED = "returned"  # a return, refusal or refund that marks an instalment failed


@dataclass
class _Item:
    id: int
    amount: Decimal
    due_date: date
    paid: int | None  # the income line that paid its instalment
    paid_year: int | None
    returned: bool


@dataclass(frozen=True)
class Decision:
    """What the import does with an entry about our direct debits: its plan status (COLLECTED,
    RETURNED, or the import's duplicate, skipped or error), why (lazy), the collection items
    it acts on and a return's reason code."""

    status: str
    reason: object
    items: tuple[int, ...] = ()
    code: str = ""


@dataclass
class DirectDebits:
    """A centre's collection items, loaded once for a file when an entry first names a
    reference or a batch; `closed` are the fiscal years locked."""

    session: Session
    centre_id: int
    closed: set = field(default_factory=set)
    _by_reference: dict | None = None
    _by_batch: dict = field(default_factory=dict)

    def _load(self) -> None:
        self._by_reference = {}
        rows = self.session.execute(
            select(
                CollectionItem.id,
                CollectionItem.end_to_end_id,
                CollectionItem.amount,
                CollectionItem.sequence,
                CollectionItem.returned_on,
                Collection.message_id,
                Instalment.due_date,
                Instalment.income_line_id,
                IncomeLine.fiscal_year,
            )  # fmt: skip
            .join(Collection, Collection.id == CollectionItem.collection_id)
            .join(Instalment, Instalment.id == CollectionItem.instalment_id)
            .outerjoin(IncomeLine, IncomeLine.id == Instalment.income_line_id)
            .where(Collection.centre_id == self.centre_id)
            .order_by(CollectionItem.id)
        )
        for row in rows:
            item = _Item(row.id, row.amount, row.due_date, row.income_line_id, row.fiscal_year,
                         row.returned_on is not None)  # fmt: skip
            self._by_reference[row.end_to_end_id] = item
            for batch in (row.message_id, batch_id(row.message_id, row.sequence.value)):
                self._by_batch.setdefault(batch, []).append(item)

    def decide(self, entry) -> Decision | None:
        """Our decision on an import's entry, or None when it is no direct debit of ours."""
        if not (entry.end_to_end or entry.batch) or entry.errors:
            return None
        if self._by_reference is None:
            self._load()
        item = self._by_reference.get(entry.end_to_end) if entry.end_to_end else None
        if item is not None and not entry.credit:
            return self._returned(item, entry.return_reason)
        if entry.credit and not entry.reversal and entry.booked:
            items = [item] if item is not None else self._by_batch.get(entry.batch)
            if items:
                return self._credited(items, entry.amount, entry.batch or entry.end_to_end)
        return None

    def _returned(self, item: _Item, code: str) -> Decision:
        if item.returned:
            return Decision("duplicate", _l("this direct debit's return is recorded already"))
        if item.paid is not None and item.paid_year in self.closed:
            return Decision(
                "error",
                _l("returns a direct debit booked in closed year %(year)s", year=item.paid_year),
            )
        item.returned = True
        why = _l(
            "direct debit of the instalment due %(due)s came back (%(code)s: %(why)s): the"
            " instalment failed, nothing is booked",
            due=Day(item.due_date), code=code or "–",
            why=Label("RETURN_REASON_LABELS", code),
        )  # fmt: skip
        return Decision(RETURNED, why, (item.id,), code)

    def _credited(self, items: list[_Item], amount: Decimal, batch: str) -> Decision:
        standing = [item for item in items if not item.returned]
        unpaid = [item for item in standing if item.paid is None]
        if not standing:
            return Decision("skipped", _l("collected and returned: nothing to book"))
        if not unpaid:
            return Decision("duplicate", _l("the instalments it pays are booked already"))
        sums = {sum((item.amount for item in group), Decimal("0.00"))
                for group in (items, standing, unpaid)}  # fmt: skip
        if amount not in sums:
            return Decision(
                "error",
                _l(
                    "the bank credited %(amount)s for direct-debit batch %(batch)s, which holds"
                    " %(total)s: which instalments it pays cannot be told",
                    amount=amount, batch=batch, total=max(sums),
                ),
            )  # fmt: skip
        for item in unpaid:
            item.paid = -1  # paid by this file: a second credit for it is a duplicate
        why = lazy_ngettext(
            "pays %(num)s collected instalment", "pays %(num)s collected instalments", len(unpaid)
        )
        return Decision(COLLECTED, why, tuple(item.id for item in unpaid))


def batch_id(message_id: str, sequence: str) -> str:
    """The payment information id of a collection's FRST or RCUR batch in its pain.008 file,
    which the bank names on the batch's credit."""
    return f"{message_id}-{sequence}"


def record_return(
    session: Session, user: User, item: CollectionItem, day: date, code: str,
    import_id: int | None = None,
) -> Mandate:  # fmt: skip
    """The bank returned the item: its instalment failed with `code` (its paying line, if any,
    the caller removes first); the mandate is flagged by the rules above. Flushed."""
    require_manage(user, item.collection.centre_id)
    item.returned_on = day
    item.return_reason = code
    item.return_import_id = import_id
    mandate = item.mandate
    if mandate.flagged_on is None and (code in FLAG_AT_ONCE or _failures_in_a_row(session, item)):
        mandate.flagged_on = day
        mandate.flag_reason = code
    session.flush()
    return mandate


def _failures_in_a_row(session: Session, item: CollectionItem) -> bool:
    """This item and the ones collected under its mandate just before it all failed."""
    latest = session.execute(
        select(CollectionItem.returned_on)
        .join(Collection, Collection.id == CollectionItem.collection_id)
        .where(
            CollectionItem.mandate_id == item.mandate_id,
            (Collection.collection_date < item.collection.collection_date)
            | (
                (Collection.collection_date == item.collection.collection_date)
                & (CollectionItem.id < item.id)
            ),
        )  # fmt: skip
        .order_by(Collection.collection_date.desc(), CollectionItem.id.desc())
        .limit(FAILURES_IN_A_ROW - 1)
    ).all()
    return len(latest) == FAILURES_IN_A_ROW - 1 and all(r.returned_on for r in latest)


def undo_returns(session: Session, import_id: int) -> int:
    """An import undone: the returns it recorded are taken back (a flag they set stays until a
    treasurer clears it); how many."""
    items = session.scalars(
        select(CollectionItem).where(CollectionItem.return_import_id == import_id)
    ).all()
    for item in items:
        item.returned_on, item.return_reason, item.return_import_id = None, "", None
    session.flush()
    return len(items)


def clear_flag(session: Session, user: User, mandate: Mandate) -> Mandate:
    """A treasurer spoke to the donor: the mandate may be collected under again."""
    require_manage(user, mandate.centre_id)
    mandate.flagged_on = None
    mandate.flag_reason = ""
    session.flush()
    return mandate
