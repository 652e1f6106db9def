"""ISO 20022 camt.053 bank statements (.001.02 to .001.08), read entry by entry.

The document is streamed with lxml's iterparse (entities never expanded, no network, no
DTD), each `Ntry` read by `details` and then dropped, so a statement of 100,000 entries never
sits in memory whole. `details` reads the fields we use the way pycamt's extraction does
(same paths, same first-match and merge rules; a test holds the two equal on our sample
statements) without the fields we don't and with paths made once per namespace: pycamt's
per-entry extraction was most of a statement's reading time. Amounts become Decimals here.
A document type declaration is refused before parsing: no bank statement has one, and it is
where entity bombs and external entities live.
"""

import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from lxml import etree

from fundtrack.imports.entries import (
    Entry,
    ImportFileError,
    clean,
    decimal_amount,
    is_reference,
    normal_iban,
)

NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)")
SUPPORTED = {"02", "03", "04", "05", "06", "07", "08"}
_PROLOGUE = 4096


_ENTRY_PATHS = {
    "Amt": ".//Amt", "CdtDbtInd": ".//CdtDbtInd", "RvslInd": ".//RvslInd", "Sts": ".//Sts",
    "StsCd": ".//Cd", "BookgDt": ".//BookgDt//*", "ValDt": ".//ValDt//*",
    "AddtlNtryInf": ".//AddtlNtryInf", "NtryDtls": ".//NtryDtls", "TxDtls": ".//TxDtls",
}  # fmt: skip
_DETAIL_PATHS = {
    "EndToEndId": ".//Refs//EndToEndId", "Amount": ".//Amt",
    "CreditorName": ".//RltdPties//Cdtr//Nm", "CreditorIBAN": ".//RltdPties//CdtrAcct//Id//IBAN",
    "DebtorName": ".//RltdPties//Dbtr//Nm", "DebtorIBAN": ".//RltdPties//DbtrAcct//Id//IBAN",
    "RemittanceInformation": ".//RmtInf//Ustrd", "Strd": ".//RmtInf//Strd",
    "StrdRef": ".//CdtrRefInf//Ref", "StrdAddtl": ".//AddtlRmtInf",
    "CreditDebitIndicator": ".//CdtDbtInd",
}  # fmt: skip


class _EntryReader:
    """The fields of one `Ntry` we use, read as pycamt reads them (its `_extract_transaction`
    restricted to those fields): one dict per transaction detail, the entry's own fields
    merged under each."""

    def __init__(self, ns: str):
        def qualified(path: str) -> str:
            return re.sub(r"(?<=/)(\w+)|^(\w+)", lambda m: f"{{{ns}}}{m.group(0)}", path)

        self.entry = {name: qualified(path) for name, path in _ENTRY_PATHS.items()}
        self.detail = {name: qualified(path) for name, path in _DETAIL_PATHS.items()}

    def details(self, element) -> list[dict]:
        paths = self.entry
        amount = element.find(paths["Amt"])
        status = element.find(paths["Sts"])
        if status is not None:
            code = status.find(paths["StsCd"])
            status = code.text if code is not None else status.text
        common = {
            "Amount": amount.text if amount is not None else None,
            "Currency": amount.attrib.get("Ccy") if amount is not None else None,
            "CreditDebitIndicator": _text(element, paths["CdtDbtInd"]),
            "ReversalIndicator": _text(element, paths["RvslInd"]),
            "Status": status,
            "BookingDate": _text(element, paths["BookgDt"]),
            "ValueDate": _text(element, paths["ValDt"]),
            "AdditionalEntryInformation": _text(element, paths["AddtlNtryInf"]),
        }
        found = [
            common | self._transaction(tx)
            for ntry_details in element.iterfind(paths["NtryDtls"])
            for tx in ntry_details.iterfind(paths["TxDtls"])
        ]
        return found or [common]

    def _transaction(self, tx) -> dict:
        paths = self.detail
        data = {name: _text(tx, paths[name]) for name in _TX_TEXTS}
        lines = tx.findall(paths["RemittanceInformation"])
        if lines:
            data["RemittanceInformationFull"] = " ".join(
                line.text.strip() for line in lines if line.text
            )
        structured = tx.find(paths["Strd"])
        if structured is not None:
            data["RemittanceInformation"] = _text(structured, paths["StrdRef"])
            data["AdditionalRemittanceInformation"] = _text(structured, paths["StrdAddtl"])
        return {key: value for key, value in data.items() if value is not None}


# What `_entries` reads from a detail: the fields the test holds equal to pycamt's.
USED_FIELDS = {"Amount", "Currency", "CreditDebitIndicator", "ReversalIndicator", "Status",
               "BookingDate", "ValueDate", "AdditionalEntryInformation", "EndToEndId",
               "CreditorName", "CreditorIBAN", "DebtorName", "DebtorIBAN",
               "RemittanceInformation", "RemittanceInformationFull",
               "AdditionalRemittanceInformation"}  # fmt: skip
_TX_TEXTS = ("EndToEndId", "Amount", "CreditorName", "CreditorIBAN", "DebtorName", "DebtorIBAN",
             "RemittanceInformation", "CreditDebitIndicator")  # fmt: skip


def _text(element, path: str) -> str | None:
    found = element.find(path)
    return found.text if found is not None else None


def refuse_declarations(head: bytes) -> None:
    """No DOCTYPE, no ENTITY: a statement needs neither, an attack needs both."""
    upper = head[:_PROLOGUE].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ImportFileError("the XML declares a document type or entities; refused")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find(element, *names: str, ns: str):
    for name in names:
        element = element.find(f"{{{ns}}}{name}") if element is not None else None
    return element


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
        raise ImportFileError(f"the XML is broken or cut off ({error.msg})") from None
    raise ImportFileError("the file holds no XML")


def parse(stream) -> Iterator[Entry]:
    """The statement's entries in order; numbered by their place among the file's entries."""
    head = stream.read(_PROLOGUE)
    refuse_declarations(head)
    ns, reader = _root(_root_tag(head))
    stream.seek(0)
    stmt_tag = f"{{{ns}}}Stmt"
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
                statement = {"balances": {}, "booked": Decimal("0.00")}
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
            for entry in _entries(reader, element, parent, ns, number):
                number = entry.row
                if entry.booked and entry.amount is not None:
                    statement["booked"] += entry.amount if entry.credit else -entry.amount
                yield entry
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise ImportFileError(f"the XML is broken or cut off ({error.msg})") from None


def _root(tag: str) -> tuple[str, _EntryReader]:
    match = NAMESPACE.fullmatch(tag.split("}", 1)[0].lstrip("{"))
    if not match or _local(tag) != "Document":
        raise ImportFileError(f"this XML is not a camt.053 bank statement (its root is {tag!r})")
    if match.group(1) not in SUPPORTED:
        raise ImportFileError(f"camt.053 version .001.{match.group(1)} is not supported")
    ns = match.group(0)
    return ns, _EntryReader(ns)


def _balance(element, ns: str, statement: dict) -> None:
    code = element.find(f".//{{{ns}}}Tp//{{{ns}}}Cd")
    amount = element.find(f"{{{ns}}}Amt")
    sign = element.find(f"{{{ns}}}CdtDbtInd")
    if code is None or amount is None:
        return
    holder = Entry(row=0)
    value = decimal_amount(amount.text, "Bal/Amt", holder)
    if value is None:
        raise ImportFileError(f"a balance of the statement is not an amount: {amount.text!r}")
    if sign is not None and sign.text == "DBIT":
        value = -value
    statement["balances"][code.text] = value


def _check_balances(statement: dict, row: int) -> None:
    balances = statement.get("balances", {})
    opening = balances.get("OPBD", balances.get("PRCD"))
    closing = balances.get("CLBD")
    if opening is None or closing is None:
        return
    if opening + statement["booked"] != closing:
        raise ImportFileError(
            f"the closing balance {closing} does not follow from the opening balance {opening}"
            f" and the booked entries ({statement['booked']:+}): the statement is incomplete",
            row=row,
        )


def _entries(reader: _EntryReader, element, stmt, ns: str, number: int) -> Iterator[Entry]:
    details = reader.details(element)
    entry_ref = _find(element, "AcctSvcrRef", ns=ns)
    entry_ref = entry_ref.text if entry_ref is not None else None
    ntry_ref = _find(element, "NtryRef", ns=ns)
    ntry_ref = ntry_ref.text if ntry_ref is not None else None
    entry_amount = _find(element, "Amt", ns=ns)
    several = len(details) > 1
    for index, data in enumerate(details, start=1):
        number += 1
        entry = Entry(row=number)
        amount_text = data.get("Amount") if several else getattr(entry_amount, "text", None)
        entry.amount = decimal_amount(amount_text, "Amt", entry)
        if entry.amount is not None and entry.amount <= 0:
            entry.refuse("Amt", f"{amount_text} is not a positive amount")
        entry.currency = (data.get("Currency") or "").strip()
        indicator = data.get("CreditDebitIndicator")
        if indicator not in ("CRDT", "DBIT"):
            entry.refuse("CdtDbtInd", f"{indicator!r} is neither CRDT nor DBIT")
        entry.credit = indicator == "CRDT"
        entry.booked = (data.get("Status") or "").strip() == "BOOK"
        entry.reversal = (data.get("ReversalIndicator") or "").strip().lower() == "true"
        entry.booking_date = _date(data.get("BookingDate")) or _date(data.get("ValueDate"))
        if entry.booking_date is None and entry.booked:
            entry.refuse("BookgDt", "the entry has no booking date")
        # The other party: the debtor of money in, the creditor of money out; a reversal
        # names the party of the payment it undoes.
        side, other = ("Debtor", "Creditor") if entry.credit else ("Creditor", "Debtor")
        if entry.reversal or not data.get(f"{side}Name"):
            side = side if data.get(f"{side}Name") else other
        entry.name = clean(data.get(f"{side}Name"))
        entry.iban = normal_iban(data.get(f"{side}IBAN"), f"{side[:4]}Acct", entry)
        entry.text = clean(
            data.get("RemittanceInformationFull")
            or data.get("RemittanceInformation")
            or data.get("AdditionalRemittanceInformation")
            or data.get("AdditionalEntryInformation")
        )
        end_to_end = data.get("EndToEndId")
        entry.end_to_end = end_to_end.strip() if is_reference(end_to_end) else ""
        own = entry_ref or ntry_ref
        if own:
            entry.external_id = f"{own}/{index}" if several else own
        elif entry.end_to_end:
            entry.external_id = entry.end_to_end
        entry.reference = clean(entry.end_to_end or own or "")[:200]
        yield entry
