"""SWIFT MT940 statements through the mt-940 package, with every one of its fixes on.

mt-940 reads bytes (a `str` would be taken as a file name) and gives Decimal amounts; the
amounts still pass our own cent check. German banks structure `:86:` with `?20`-style
sub-fields, which mt-940 splits into name, IBAN and purpose; Dutch banks write `/NAME/.../`
tags, which `dutch_details` splits here. A reversal of a credit (`RC`) undoes a gift, a
reversal of a debit (`RD`) undoes a payment: neither is income.
"""

import logging
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import mt940

from fundtrack.imports.entries import (
    Entry,
    ImportFileError,
    clean,
    decimal_amount,
    is_reference,
    normal_iban,
)

_DUTCH_TAGS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ADDR|ISDT|RTRN|PREF|CNTP|ORDP|BENM|ULTD|ULTC|"
    "PURP|CDTRREFTP|CDTRREF|CD|ISSR|USTD|STRD|NAM|ID|REF"
)
_DUTCH = re.compile(rf"/({_DUTCH_TAGS})/")


def dutch_details(details: str) -> dict[str, str]:
    """`/TRTP/SEPA OVERBOEKING/IBAN/NL..../NAME/J. de Vries/REMI/Gift/` as a dict."""
    text = " ".join(details.split())
    if not text.startswith("/"):
        return {}
    parts = _DUTCH.split(text)
    found: dict[str, str] = {}
    for tag, value in zip(parts[1::2], parts[2::2], strict=False):
        found.setdefault(tag, value.strip().strip("/").strip())
    if "CNTP" in found and "IBAN" not in found:  # ING: /CNTP/account/BIC/name/city/
        account, *rest = found["CNTP"].split("/")
        found["IBAN"] = account
        if len(rest) >= 2:
            found.setdefault("NAME", rest[1])
    if "NAM" in found:  # Rabobank: /ORDP//NAM/name/
        found.setdefault("NAME", found["NAM"])
    return found


def _line_of(data: bytes, value: str) -> int | None:
    index = data.find(value.encode("latin-1", "replace"))
    return data.count(b"\n", 0, index) + 1 if index >= 0 else None


def parse(stream) -> Iterator[Entry]:
    """The statements' entries in order; a broken line refuses the whole file."""
    data = stream.read()
    logging.getLogger("mt940").setLevel(logging.CRITICAL)  # its own refusals: we word ours
    try:
        statements = mt940.parse_statements(data, encoding="latin-1", options=mt940.Options.all())
    except RuntimeError as error:
        tag = error.args[1] if len(error.args) > 2 else None
        value = error.args[2] if len(error.args) > 2 else ""
        name = f":{tag.id}:" if tag is not None else "a line"
        raise ImportFileError(
            f"{name} {value!r} does not follow the MT940 format", row=_line_of(data, value)
        ) from None
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise ImportFileError(f"this is not a readable MT940 statement ({error})") from None
    number = 0
    found_any = False
    for statement in statements:
        booked = Decimal("0.00")
        for transaction in statement:
            found_any = True
            number += 1
            entry = _entry(transaction.data, number)
            if entry.amount is not None:
                booked += entry.amount if entry.credit else -entry.amount
            yield entry
        _check_balances(statement.data, booked, number)
    if not found_any and not any(s.data.get("final_opening_balance") for s in statements):
        raise ImportFileError("the file holds no MT940 statement")


def _check_balances(data: dict, booked: Decimal, row: int) -> None:
    opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
    closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
    if opening is None or closing is None:
        missing = ":60F: (opening)" if opening is None else ":62F: (closing)"
        raise ImportFileError(f"the statement has no {missing} balance line", row=row or None)
    if opening.amount.amount + booked != closing.amount.amount:
        raise ImportFileError(
            f"the closing balance {closing.amount.amount} does not follow from the opening"
            f" balance {opening.amount.amount} and the entries ({booked:+})",
            row=row or None,
        )


def _entry(data: dict, number: int) -> Entry:
    entry = Entry(row=number)
    status = (data.get("status") or "").upper()
    if status not in ("C", "D", "RC", "RD"):
        entry.refuse(":61:", f"{status!r} is not a debit or credit mark")
    entry.credit = status in ("C", "RD")
    entry.reversal = status.startswith("R")
    money = data.get("amount")
    entry.amount = decimal_amount(
        str(abs(money.amount)) if money is not None else None, ":61:", entry
    )
    entry.currency = (data.get("currency") or getattr(money, "currency", "") or "").strip()
    day = data.get("date") or data.get("entry_date")
    entry.booking_date = date(day.year, day.month, day.day) if day else None
    if entry.booking_date is None:
        entry.refuse(":61:", "the entry has no date")
    details = data.get("transaction_details") or ""
    dutch = dutch_details(details)
    entry.name = clean(dutch.get("NAME") or data.get("applicant_name"))
    entry.iban = normal_iban(dutch.get("IBAN") or data.get("applicant_iban"), ":86:", entry)
    entry.text = clean(
        dutch.get("REMI") or data.get("purpose") or ("" if dutch else details)
    ).removeprefix("USTD//")
    end_to_end = dutch.get("EREF") or data.get("end_to_end_reference")
    customer = data.get("customer_reference")
    entry.end_to_end = end_to_end if is_reference(end_to_end) else ""
    if not entry.end_to_end and is_reference(customer):
        entry.end_to_end = customer.strip()
    bank = data.get("bank_reference")
    if is_reference(bank):
        entry.external_id = bank.strip()
    entry.reference = clean(entry.end_to_end or bank or "")[:200]
    return entry
