"""The fields of a camt.053 entry (`Ntry`), read as pycamt reads them.

pycamt searches an entry once per field; `EntryReader` answers every path in one walk over
the entry, and falls back to pycamt's finds (`_ByFinds`) for shapes no bank writes. A test
holds both equal to pycamt on our sample statements (tests/test_imports_camt_reference.py).
"""

import re

# pycamt's paths as the tags a match and its ancestors carry, in order: `("RltdPties", "Cdtr",
# "Nm")` is `.//RltdPties//Cdtr//Nm`, `*` any element. A transaction's paths start at each
# `NtryDtls//TxDtls`, where pycamt reads them from.
_TX = ("NtryDtls", "TxDtls")
_ENTRY_FIELDS = {
    "Amt": ("Amt",), "CdtDbtInd": ("CdtDbtInd",), "RvslInd": ("RvslInd",), "Sts": ("Sts",),
    "BookgDt": ("BookgDt", "*"), "ValDt": ("ValDt", "*"), "AddtlNtryInf": ("AddtlNtryInf",),
    # A direct-debit batch credited as one entry names the batch it pays (not read by pycamt).
    "BtchPmtInfId": ("NtryDtls", "Btch", "PmtInfId"), "BtchMsgId": ("NtryDtls", "Btch", "MsgId"),
}  # fmt: skip
_TX_FIELDS = {
    "EndToEndId": ("Refs", "EndToEndId"), "Amount": ("Amt",),
    "CreditorName": ("RltdPties", "Cdtr", "Nm"),
    "CreditorIBAN": ("RltdPties", "CdtrAcct", "Id", "IBAN"),
    "DebtorName": ("RltdPties", "Dbtr", "Nm"),
    "DebtorIBAN": ("RltdPties", "DbtrAcct", "Id", "IBAN"),
    "Strd": ("RmtInf", "Strd"), "CreditDebitIndicator": ("CdtDbtInd",),
    # A returned, refused or refunded direct debit says why, and which batch it was in.
    "ReturnReason": ("RtrInf", "Rsn", "Cd"), "PaymentInformationId": ("Refs", "PmtInfId"),
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

    def __init__(self, reader: "EntryReader", state: int):
        super().__init__()
        self.reader, self.state = reader, state

    def __missing__(self, tag) -> tuple["_Moves", tuple]:
        move = self.reader._move(self.state, tag)
        # A hostile file's made-up tags would otherwise each be kept.
        if len(self) < _KEPT_MOVES:
            self[tag] = move
        return move


class EntryReader:
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
        } | _batch(found.get("BtchPmtInfId"), found.get("BtchMsgId"))

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
    "BtchPmtInfId": ".//NtryDtls//Btch//PmtInfId", "BtchMsgId": ".//NtryDtls//Btch//MsgId",
}  # fmt: skip
_DETAIL_PATHS = {
    "EndToEndId": ".//Refs//EndToEndId", "Amount": ".//Amt",
    "CreditorName": ".//RltdPties//Cdtr//Nm", "CreditorIBAN": ".//RltdPties//CdtrAcct//Id//IBAN",
    "DebtorName": ".//RltdPties//Dbtr//Nm", "DebtorIBAN": ".//RltdPties//DbtrAcct//Id//IBAN",
    "RemittanceInformation": ".//RmtInf//Ustrd", "Strd": ".//RmtInf//Strd",
    "StrdRef": ".//CdtrRefInf//Ref", "StrdAddtl": ".//AddtlRmtInf",
    "CreditDebitIndicator": ".//CdtDbtInd",
    "ReturnReason": ".//RtrInf//Rsn//Cd", "PaymentInformationId": ".//Refs//PmtInfId",
}  # fmt: skip


class _ByFinds:
    """pycamt's finds, one per field, for the entries `EntryReader` leaves to them."""

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
        } | _batch(element.find(paths["BtchPmtInfId"]), element.find(paths["BtchMsgId"]))
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
             "RemittanceInformation", "CreditDebitIndicator", "ReturnReason",
             "PaymentInformationId")  # fmt: skip


# What we read beyond pycamt's fields, for direct debits (fundtrack.giving.returns): the
# comparison with pycamt leaves these out.
OWN_FIELDS = {"BatchPaymentInformationId", "BatchMessageId", "ReturnReason",
              "PaymentInformationId"}  # fmt: skip


def _batch(payment_information, message) -> dict:
    """The batch an entry books, as far as it names one (only then: pycamt has no such key)."""
    found = {"BatchPaymentInformationId": _value(payment_information),
             "BatchMessageId": _value(message)}  # fmt: skip
    return {key: value for key, value in found.items() if value is not None}


def _text(element, path: str) -> str | None:
    return _value(element.find(path))


def _value(element) -> str | None:
    return element.text if element is not None else None


def _find(element, *names: str, ns: str):
    for name in names:
        element = element.find(f"{{{ns}}}{name}") if element is not None else None
    return element
