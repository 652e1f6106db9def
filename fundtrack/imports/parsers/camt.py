"""ISO 20022 camt.053 bank statements (.001.02 to .001.08), read entry by entry.

The document is streamed with lxml's iterparse (entities never expanded, no network, no
DTD), each `Ntry` read by `_EntryReader` and then dropped, so a statement of 100,000 entries
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


# pycamt's paths as the tags a match and its ancestors carry, in order: `("RltdPties", "Cdtr",
# "Nm")` is `.//RltdPties//Cdtr//Nm`, `*` any element. A transaction's paths start at each
# `NtryDtls//TxDtls`, where pycamt reads them from.
_TX = ("NtryDtls", "TxDtls")
_ENTRY_FIELDS = {
    "Amt": ("Amt",), "CdtDbtInd": ("CdtDbtInd",), "RvslInd": ("RvslInd",), "Sts": ("Sts",),
    "BookgDt": ("BookgDt", "*"), "ValDt": ("ValDt", "*"), "AddtlNtryInf": ("AddtlNtryInf",),
}  # fmt: skip
_TX_FIELDS = {
    "EndToEndId": ("Refs", "EndToEndId"), "Amount": ("Amt",),
    "CreditorName": ("RltdPties", "Cdtr", "Nm"),
    "CreditorIBAN": ("RltdPties", "CdtrAcct", "Id", "IBAN"),
    "DebtorName": ("RltdPties", "Dbtr", "Nm"),
    "DebtorIBAN": ("RltdPties", "DbtrAcct", "Id", "IBAN"),
    "Strd": ("RmtInf", "Strd"), "CreditDebitIndicator": ("CdtDbtInd",),
}  # fmt: skip
# Shapes no bank writes, where pycamt's findall would list an element twice: the paths
# above cannot say that, so such an entry is read with pycamt's own finds.
_IRREGULAR = (("NtryDtls", "NtryDtls"), ("TxDtls", "TxDtls"), (*_TX, "RmtInf", "RmtInf"))
# What `_entries` takes from the entry's own children.
_OWN = ("Amt", "AcctSvcrRef", "NtryRef")
# In the order an element's actions run: an irregular entry stops before anything is kept,
# a transaction is opened before it can be given fields.
_ODD, _OPEN, _ENTRY, _DETAIL, _USTRD, _CHILD = range(6)
_TX_ELEMENTS = tuple(name for name in _TX_FIELDS if name not in ("Strd", "CreditDebitIndicator"))
_KEPT_MOVES = 256


class _Irregular(Exception):
    pass


class _Moves(dict):
    """For one state of the walk: each tag seen under it, mapped to the state under an element
    with that tag and what the element matches; worked out when a tag is first met."""

    def __init__(self, reader: "_EntryReader", state: int):
        super().__init__()
        self.reader, self.state = reader, state

    def __missing__(self, tag) -> tuple["_Moves", tuple]:
        move = self.reader._move(self.state, tag)
        # A hostile file's made-up tags would otherwise each be kept.
        if len(self) < _KEPT_MOVES:
            self[tag] = move
        return move


class _EntryReader:
    """The fields of one `Ntry` we use, read as pycamt reads them (its `_extract_transaction`
    restricted to those fields): one dict per transaction detail, the entry's own fields
    merged under each.

    pycamt searches the entry once per field; here one walk over the entry answers every
    path. A path matches an element whose tag is its last step and whose ancestors hold the
    other steps in order, and the first such element in document order is the one `find`
    returns, so the walk keeps, per path, how many steps the ancestors have matched and
    remembers the first match. Those counts for a tag under a given state are worked out once
    and kept (`_moves`), so an element costs a dictionary lookup.
    """

    def __init__(self, ns: str):
        def tag(name: str) -> str:
            return name if name == "*" else f"{{{ns}}}{name}"

        rules = [((_ENTRY, name), path) for name, path in _ENTRY_FIELDS.items()]
        rules += [((_DETAIL, name), (*_TX, *path)) for name, path in _TX_FIELDS.items()]
        rules += [((_USTRD, None), (*_TX, "RmtInf", "Ustrd")), ((_OPEN, None), _TX)]
        rules += [((_ODD, None), path) for path in _IRREGULAR]
        self._actions = [action for action, _path in rules]
        self._paths = [tuple(tag(name) for name in path) for _action, path in rules]
        self._own = {tag(name): (_CHILD, name) for name in _OWN}
        self._states = [(True, *(0 for _ in rules))]  # the entry itself: nothing matched
        self._numbers = {self._states[0]: 0}
        self._moves = [_Moves(self, 0)]
        self._cd = tag("Cd")
        self._finds = _ByFinds(ns)

    def details(self, element) -> list[dict]:
        return self.read(element)[0]

    def read(self, element) -> tuple[list[dict], dict]:
        """The details, and the entry's own first `Amt`, `AcctSvcrRef` and `NtryRef`."""
        found, own, transactions = {}, {}, []
        try:
            self._walk(element, self._moves[0], found, own, transactions)
        except _Irregular:
            return self._finds.details(element), self._finds.own(element)
        common = self._common(found)
        details = [common | self._transaction(tx) for tx in transactions]
        return details or [common], {name: _value(own.get(name)) for name in _OWN}

    def _walk(self, parent, moves: _Moves, found: dict, own: dict, transactions: list) -> None:
        for child in parent:
            inner, actions = moves[child.tag]
            if actions:
                for kind, name in actions:
                    if kind == _ENTRY:
                        found.setdefault(name, child)
                    elif kind == _DETAIL:
                        transactions[-1].setdefault(name, child)
                    elif kind == _USTRD:
                        transactions[-1].setdefault("Ustrd", []).append(child)
                    elif kind == _OPEN:
                        transactions.append({})
                    elif kind == _CHILD:
                        own.setdefault(name, child)
                    else:
                        raise _Irregular
            if len(child):
                self._walk(child, inner, found, own, transactions)

    def _move(self, state: int, tag) -> tuple[_Moves, tuple]:
        """The state under an element with `tag` and what the element itself matches."""
        if tag.__class__ is not str:  # comments and processing instructions match nothing
            return self._moves[state], ()
        top, *steps = self._states[state]
        actions = [self._own[tag]] if top and tag in self._own else []
        inner = [False]
        for action, path, done in zip(self._actions, self._paths, steps, strict=True):
            last = len(path) - 1
            if done == last and path[last] in (tag, "*"):
                actions.append(action)
            # Matching each step at the first ancestor that can take it never misses a match.
            inner.append(done + 1 if done < last and path[done] == tag else done)
        actions.sort(key=lambda action: action[0])
        key = tuple(inner)
        if key not in self._numbers:
            self._numbers[key] = len(self._states)
            self._moves.append(_Moves(self, len(self._states)))
            self._states.append(key)
        return self._moves[self._numbers[key]], tuple(actions)

    def _common(self, found: dict) -> dict:
        amount, status = found.get("Amt"), found.get("Sts")
        if status is not None:
            code = next(status.iterdescendants(self._cd), None)  # `.//Cd`
            status = code.text if code is not None else status.text
        return {
            "Amount": amount.text if amount is not None else None,
            "Currency": amount.get("Ccy") if amount is not None else None,
            "CreditDebitIndicator": _value(found.get("CdtDbtInd")),
            "ReversalIndicator": _value(found.get("RvslInd")),
            "Status": status,
            "BookingDate": _value(found.get("BookgDt")),
            "ValueDate": _value(found.get("ValDt")),
            "AdditionalEntryInformation": _value(found.get("AddtlNtryInf")),
        }

    def _transaction(self, found: dict) -> dict:
        data = {}
        for name in _TX_ELEMENTS:
            element = found.get(name)
            if element is not None and element.text is not None:
                data[name] = element.text
        if "CreditDebitIndicator" in found:  # pycamt keeps even an empty one
            data["CreditDebitIndicator"] = found["CreditDebitIndicator"].text
        lines = found.get("Ustrd")
        if lines:
            if lines[0].text is not None:
                data["RemittanceInformation"] = lines[0].text
            data["RemittanceInformationFull"] = " ".join(
                line.text.strip() for line in lines if line.text
            )
        structured = found.get("Strd")
        if structured is not None:
            paths = self._finds.detail
            for name, path in (
                ("RemittanceInformation", paths["StrdRef"]),
                ("AdditionalRemittanceInformation", paths["StrdAddtl"]),
            ):
                text = _text(structured, path)
                if text is None:
                    data.pop(name, None)
                else:
                    data[name] = text
        return data


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


class _ByFinds:
    """pycamt's finds, one per field, for the entries `_EntryReader` leaves to them."""

    def __init__(self, ns: str):
        def qualified(path: str) -> str:
            return re.sub(r"(?<=/)(\w+)|^(\w+)", lambda m: f"{{{ns}}}{m.group(0)}", path)

        self.entry = {name: qualified(path) for name, path in _ENTRY_PATHS.items()}
        self.detail = {name: qualified(path) for name, path in _DETAIL_PATHS.items()}
        self.ns = ns

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

    def own(self, element) -> dict:
        return {name: _value(_find(element, name, ns=self.ns)) for name in _OWN}

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
        data = {key: value for key, value in data.items() if value is not None}
        indicator = tx.find(paths["CreditDebitIndicator"])
        if indicator is not None:
            data["CreditDebitIndicator"] = indicator.text
        return data


# What `_entries` reads from a detail: the fields the test holds equal to pycamt's.
USED_FIELDS = {"Amount", "Currency", "CreditDebitIndicator", "ReversalIndicator", "Status",
               "BookingDate", "ValueDate", "AdditionalEntryInformation", "EndToEndId",
               "CreditorName", "CreditorIBAN", "DebtorName", "DebtorIBAN",
               "RemittanceInformation", "RemittanceInformationFull",
               "AdditionalRemittanceInformation"}  # fmt: skip
_TX_TEXTS = ("EndToEndId", "Amount", "CreditorName", "CreditorIBAN", "DebtorName", "DebtorIBAN",
             "RemittanceInformation", "CreditDebitIndicator")  # fmt: skip


def _text(element, path: str) -> str | None:
    return _value(element.find(path))


def _value(element) -> str | None:
    return element.text if element is not None else None


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
            for entry in _entries(reader, element, number):
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


def _entries(reader: _EntryReader, element, number: int) -> Iterator[Entry]:
    details, own_fields = reader.read(element)
    several = len(details) > 1
    for index, data in enumerate(details, start=1):
        number += 1
        entry = Entry(row=number)
        amount_text = data.get("Amount") if several else own_fields["Amt"]
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
        own = own_fields["AcctSvcrRef"] or own_fields["NtryRef"]
        if own:
            entry.external_id = f"{own}/{index}" if several else own
        elif entry.end_to_end:
            entry.external_id = entry.end_to_end
        entry.reference = clean(entry.end_to_end or own or "")[:200]
        yield entry
