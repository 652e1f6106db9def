"""ISO 20022 camt.053 bank statements (.001.02 to .001.08), read entry by entry.

The document is streamed with lxml's iterparse (entities never expanded, no network, no
DTD), each `Ntry` read by `EntryReader` and then dropped, so a statement of 100,000 entries
never sits in memory whole. The reader finds the fields we use the way pycamt's extraction does
(same paths, same first-match and merge rules; a test holds the two equal on our sample
statements) without the fields we don't, in one walk over the entry rather than a search per
field: those searches were most of a statement's reading time. Amounts become Decimals here.
A document type declaration is refused before parsing: no bank statement has one, and it is
where entity bombs and external entities live.
"""

import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from lxml import etree

from fundtrack.imports.entries import (
    Entry,
    ImportFileError,
    clean,
    decimal_amount,
    entries_used,
    is_reference,
    normal_iban,
)
from fundtrack.imports.parsers.camt_fields import EntryReader

# camt.053 statements and camt.054 debit/credit notifications (which banks send for direct-debit
# batches and their returns): the same entries, under `Stmt` or `Ntfctn`.
NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.05([34])\.001\.(\d\d)")
SUPPORTED = {"02", "03", "04", "05", "06", "07", "08"}
_PROLOGUE = 4096


def refuse_declarations(head: bytes) -> None:
    """No DOCTYPE, no ENTITY: a statement needs neither, an attack needs both."""
    upper = head[:_PROLOGUE].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ImportFileError(_l("the XML declares a document type or entities; refused"))


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _root_tag(head: bytes) -> str:
    """The root element's tag, from the first bytes alone."""
    try:
        for _event, element in etree.iterparse(
            io.BytesIO(head), events=("start",), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False,
        ):  # fmt: skip
            return element.tag
    except etree.XMLSyntaxError as error:
        raise ImportFileError(_l("the XML is broken or cut off (%(why)s)", why=error.msg)) from None
    raise ImportFileError(_l("the file holds no XML"))


def parse(stream) -> Iterator[Entry]:
    """The statement's entries in order; numbered by their place among the file's entries."""
    head = stream.read(_PROLOGUE)
    refuse_declarations(head)
    ns, reader = _root(_root_tag(head))
    stream.seek(0)
    stmt_tag = f"{{{ns}}}Ntfctn" if ".054." in ns else f"{{{ns}}}Stmt"
    # Only the elements we use come back to Python: a statement's balances and entries.
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=(f"{{{ns}}}Ntry", f"{{{ns}}}Bal", stmt_tag),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    number = 0
    statement = None
    try:
        for _event, element in events:
            if statement is None:
                statement = {"balances": {}, "first": number + 1,
                             "sums": {True: Decimal("0.00"), False: Decimal("0.00")}}  # fmt: skip
            if element.tag == stmt_tag:
                _check_balances(statement, number)
                statement = None
                element.clear()
                continue
            parent = element.getparent()
            if parent is None or parent.tag != stmt_tag:
                continue
            if element.tag.endswith("}Bal"):
                _balance(element, ns, statement)
                continue
            for entry in _entries(reader, element, number):
                number = entry.row
                if entry.booked and entry.amount is not None:
                    statement["sums"][entry.credit] += entry.amount
                elif entry.booked and "unread" not in statement:
                    statement["unread"] = (entry.row, entry.errors[0][1])
                yield entry
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise ImportFileError(_l("the XML is broken or cut off (%(why)s)", why=error.msg)) from None


def _root(tag: str) -> tuple[str, EntryReader]:
    match = NAMESPACE.fullmatch(tag.split("}", 1)[0].lstrip("{"))
    if not match or _local(tag) != "Document":
        raise ImportFileError(
            _l("this XML is not a camt.053 bank statement (its root is %(tag)s)", tag=repr(tag))
        )
    if match.group(2) not in SUPPORTED:
        raise ImportFileError(
            _l("camt.053 version .001.%(version)s is not supported", version=match.group(2))
        )
    ns = match.group(0)
    return ns, EntryReader(ns)


# The balances the check reads, by the words a refusal names them with.
_BALANCES = {
    "OPBD": _l("opening"), "PRCD": _l("opening (previous closing)"), "CLBD": _l("closing"),
}  # fmt: skip


def _balance(element, ns: str, statement: dict) -> None:
    code = element.find(f".//{{{ns}}}Tp//{{{ns}}}Cd")
    amount = element.find(f"{{{ns}}}Amt")
    sign = element.find(f"{{{ns}}}CdtDbtInd")
    if code is None or amount is None or code.text not in _BALANCES:
        return
    word = _BALANCES[code.text]
    if not (amount.get("Ccy") or "").strip():
        raise ImportFileError(
            _l(
                "the %(which)s balance (%(code)s) has no currency: its amount %(amount)s says"
                " neither EUR nor any other",
                which=word, code=code.text, amount=repr(amount.text),
            )
        )  # fmt: skip
    holder = Entry(row=0)
    value = decimal_amount(amount.text, "Bal/Amt", holder, places=5)
    if value is None:
        why = holder.errors[0][1] if holder.errors else _l("not an amount")
        raise ImportFileError(
            _l("the %(which)s balance (%(code)s): %(why)s", which=word, code=code.text, why=why)
        )
    if sign is not None and sign.text == "DBIT":
        value = -value
    statement["balances"][code.text] = value


def _check_balances(statement: dict, row: int) -> None:
    balances = statement.get("balances", {})
    opening = balances.get("OPBD", balances.get("PRCD"))
    closing = balances.get("CLBD")
    if opening is None or closing is None:
        return
    sums = statement["sums"]
    expected = opening + sums[True] - sums[False]
    if expected != closing and "unread" in statement:
        entry, why = statement["unread"]
        raise ImportFileError(
            _l("the balances cannot be checked: the amount %(why)s", why=why), row=entry
        )
    if expected != closing:
        used = entries_used(statement["first"], row, sums)
        raise ImportFileError(
            _l(
                "the closing balance %(closing)s does not follow from the opening balance"
                " %(opening)s and the booked %(used)s: that makes %(expected)s; the statement"
                " is incomplete",
                closing=closing, opening=opening, used=used, expected=expected,
            ),
            row=row or None,
        )  # fmt: skip


def _entries(reader: EntryReader, element, number: int) -> Iterator[Entry]:
    details, own_fields = reader.read(element)
    several = len(details) > 1
    for index, data in enumerate(details, start=1):
        number += 1
        entry = Entry(row=number)
        amount_text = data.get("Amount") if several else own_fields["Amt"]
        entry.amount = decimal_amount(amount_text, "Amt", entry, places=5)
        if entry.amount is not None and entry.amount < 0:
            entry.refuse("Amt", _l("%(typed)s is not a positive amount", typed=amount_text))
        entry.currency = (data.get("Currency") or "").strip()
        indicator = data.get("CreditDebitIndicator")
        if indicator not in ("CRDT", "DBIT"):
            entry.refuse(
                "CdtDbtInd", _l("%(typed)s is neither CRDT nor DBIT", typed=repr(indicator))
            )
        entry.credit = indicator != "DBIT"  # an unknown one stays in sight, as an error
        # Every version (.02 to .08) defines camt.053 as the statement of the entries booked
        # to the account; `Sts` says otherwise only when it says PDNG or INFO.
        status = (data.get("Status") or "").strip().upper()
        entry.booked = status in ("BOOK", "")
        entry.reversal = (data.get("ReversalIndicator") or "").strip().lower() == "true"
        entry.booking_date = _date(data.get("BookingDate")) or _date(data.get("ValueDate"))
        if entry.booking_date is None and entry.booked:
            entry.refuse("BookgDt", _l("the entry has no booking date"))
        # The other party: the debtor of money in, the creditor of money out; a reversal
        # names the party of the payment it undoes.
        side, other = ("Debtor", "Creditor") if entry.credit else ("Creditor", "Debtor")
        if entry.reversal or not data.get(f"{side}Name"):
            side = side if data.get(f"{side}Name") else other
        entry.name = clean(data.get(f"{side}Name"))
        entry.iban = normal_iban(data.get(f"{side}IBAN"), entry)
        entry.text = clean(
            data.get("RemittanceInformationFull")
            or data.get("RemittanceInformation")
            or data.get("AdditionalRemittanceInformation")
            or data.get("AdditionalEntryInformation")
        )
        end_to_end = data.get("EndToEndId")
        entry.end_to_end = end_to_end.strip() if is_reference(end_to_end) else ""
        own = own_fields["AcctSvcrRef"] or own_fields["NtryRef"]
        if own:
            entry.external_id = f"{own}/{index}" if several else own
        elif entry.end_to_end:
            entry.external_id = entry.end_to_end
        entry.reference = clean(entry.end_to_end or own or "")[:200]
        batch = (data.get("PaymentInformationId") or data.get("BatchPaymentInformationId")
                 or data.get("BatchMessageId") or "")  # fmt: skip
        entry.batch = batch.strip() if is_reference(batch) else ""
        entry.return_reason = (data.get("ReturnReason") or "").strip().upper()[:4]
        yield entry
