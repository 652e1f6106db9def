"""SWIFT MT940 statements through the mt-940 package, with every one of its fixes on.

mt-940 gives Decimal amounts; the amounts still pass our own cent check. The text is decoded
here (UTF-8 when it is, else Windows-1252/Latin-1, as Dutch and German banks write), so
accents and soft hyphens come through. The library knows three layouts of the `:61:` line:
SWIFT's, ASN Bank's (de Volksbank: ASN, SNS, RegioBank: the other party's IBAN of 18
characters in the customer reference and their name on the next line) and GLS's (a long
customer reference); the first that reads every line of the file is the one used, so
nobody has to say which bank wrote it. German banks structure `:86:` with `?20`-style
sub-fields, which mt-940 splits into name, account and purpose; Dutch banks write
`/NAME/.../` tags, which `dutch_details` splits here. A reversal of a credit (`RC`) undoes
a gift, a reversal of a debit (`RD`) undoes a payment: neither is income.
"""

import logging
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import mt940
from flask_babel import lazy_gettext as _l

from fundtrack.imports.entries import (
    Entry,
    ImportFileError,
    clean,
    decimal_amount,
    entries_used,
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
    text = " ".join(joined_lines(details.split("\n")).split())
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


class StatementNumber(mt940.tags.StatementNumber):
    """`:28C:` as any text: we never use the statement's number, and ING writes it broken
    over two lines (`00000` as `0000` and `0`), which the library's pattern refuses."""

    pattern = r"(?P<statement_number>[\s\S]*)"


class StatementLines(mt940.tags.Statement):
    """SWIFT's `:61:` with its supplementary details over several lines, as ING writes
    them (`005` and `/TRCD/00100/` after the bank reference): the library's own pattern with
    that last group widened to more than one line."""

    pattern = mt940.tags.Statement.pattern.replace(
        r"(\n?(?P<extra_details>.*))?", r"(\n?(?P<extra_details>[\s\S]*))?"
    )


# The `:61:` layouts, in the order they are tried: mt-940's three, then SWIFT's with details
# over several lines. A line the stricter reads is read the same by the later ones.
_LAYOUTS = (None, mt940.tags.StatementASNB(), mt940.tags.StatementGLS(), StatementLines())
assert StatementLines.pattern != mt940.tags.Statement.pattern
_NUMBER = StatementNumber()
_WIDTH = 65  # a line of `:86:`: a longer text runs on at the next one, mid-word


def joined_lines(lines: list[str]) -> str:
    """`:86:` lines as one text: a full line ran on mid-word ("Transfer S" / "olutions BV"),
    so the next follows it without a space."""
    text, previous = "", None
    for line in lines:
        text += line if previous is None or len(previous) >= _WIDTH else f" {line}"
        previous = line
    return text


def decode(data: bytes) -> str:
    """The statement's text: UTF-8 when it is that, else Windows-1252 (which Latin-1 files
    read as, soft hyphen and accents alike), else Latin-1 itself."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _line_of(text: str, value: str) -> int | None:
    index = text.find(value)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _statements(text: str) -> list:
    """The statements, read with the first `:61:` layout that reads every line."""
    logging.getLogger("mt940").setLevel(logging.CRITICAL)  # its own refusals: we word ours
    data = text.encode("utf-8")
    first = None
    for layout in _LAYOUTS:
        tags = {_NUMBER.id: _NUMBER} | ({layout.id: layout} if layout is not None else {})
        try:
            return mt940.parse_statements(
                data, encoding="utf-8", tags=tags, options=mt940.Options.all()
            )
        except RuntimeError as error:
            tag = error.args[1] if len(error.args) > 2 else None
            first = first or error
            if getattr(tag, "id", None) != 61:
                break
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ImportFileError(
                _l("this is not a readable MT940 statement (%(why)s)", why=str(error))
            ) from None
    tag = first.args[1] if len(first.args) > 2 else None
    value = first.args[2] if len(first.args) > 2 else ""
    if tag is not None:
        message = _l("%(tag)s %(value)s does not follow the MT940 format",
                     tag=f":{tag.id}:", value=repr(value))  # fmt: skip
    else:
        message = _l("a line %(value)s does not follow the MT940 format", value=repr(value))
    raise ImportFileError(message, row=_line_of(text, value))


def parse(stream) -> Iterator[Entry]:
    """The statements' entries in order; a broken line refuses the whole file."""
    text = decode(stream.read())
    statements = _statements(text)
    number = 0
    found_any = False
    for statement in statements:
        sums = {True: Decimal("0.00"), False: Decimal("0.00")}
        first = number + 1
        for transaction in statement:
            found_any = True
            number += 1
            entry = _entry(transaction.data, number)
            if entry.amount is not None:
                sums[entry.credit] += entry.amount
            yield entry
        _check_balances(statement.data, sums, first, number)
    if not found_any and not any(s.data.get("final_opening_balance") for s in statements):
        raise ImportFileError(_l("the file holds no MT940 statement (no :20: line starts one)"))


def _check_balances(data: dict, sums: dict, first: int, last: int) -> None:
    opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
    closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
    row = last or None
    if opening is None or closing is None:
        if opening is None:
            missing = _l("the statement has no :60F: (opening) balance line")
        else:
            missing = _l("the statement has no :62F: (closing) balance line")
        raise ImportFileError(missing, row=row)
    expected = opening.amount.amount + sums[True] - sums[False]
    if expected != closing.amount.amount:
        raise ImportFileError(
            _l("the closing balance %(closing)s does not follow from the opening balance"
               " %(opening)s and %(used)s: that makes %(expected)s",
               closing=closing.amount.amount, opening=opening.amount.amount,
               used=entries_used(first, last, sums), expected=expected),
            row=row,
        )  # fmt: skip


def _account_layout(data: dict, details: str) -> tuple[str, str, str] | None:
    """ASN Bank and SNS (de Volksbank): the other party's account as the `:61:` customer
    reference, their name on the line after it, and `:86:` repeating both on its first
    line before the description. (account, name, description), else None."""
    account = (data.get("customer_reference") or "").strip()
    name = (data.get("extra_details") or "").strip()
    if not account or not name or " " in account:
        return None
    first, _, rest = details.partition("\n")
    if not first.startswith(account):
        return None
    return account, name, joined_lines(rest.split("\n"))


def _entry(data: dict, number: int) -> Entry:
    entry = Entry(row=number)
    status = (data.get("status") or "").upper()
    if status not in ("C", "D", "RC", "RD"):
        entry.refuse(":61:", _l("%(typed)s is not a debit or credit mark", typed=repr(status)))
    entry.credit = status not in ("D", "RC")  # an unknown mark stays in sight, as an error
    entry.reversal = status.startswith("R")
    money = data.get("amount")
    entry.amount = decimal_amount(
        str(abs(money.amount)) if money is not None else None, ":61:", entry
    )
    entry.currency = (data.get("currency") or getattr(money, "currency", "") or "").strip()
    day = data.get("date") or data.get("entry_date")
    entry.booking_date = date(day.year, day.month, day.day) if day else None
    if entry.booking_date is None:
        entry.refuse(":61:", _l("the entry has no date"))
    details = data.get("transaction_details") or ""
    layout = _account_layout(data, details)
    if layout is not None:
        account, name, text = layout
        entry.name, entry.text = clean(name), clean(text)
        entry.iban = normal_iban(account, entry)
        end_to_end = customer = None  # the customer reference held the account
    else:
        dutch = dutch_details(details)
        entry.name = clean(dutch.get("NAME") or data.get("applicant_name"))
        entry.iban = normal_iban(dutch.get("IBAN") or data.get("applicant_iban"), entry)
        entry.text = clean(
            dutch.get("REMI") or data.get("purpose") or ("" if dutch else details)
        ).removeprefix("USTD//")
        end_to_end = dutch.get("EREF") or data.get("end_to_end_reference")
        customer = data.get("customer_reference")
        if customer and _DUTCH.fullmatch(f"/{customer.strip()}/"):
            customer = dutch.get(customer.strip())  # ING's `PREF`: the reference is in :86:
    entry.end_to_end = end_to_end if is_reference(end_to_end) else ""
    if not entry.end_to_end and is_reference(customer):
        entry.end_to_end = customer.strip()
    bank = data.get("bank_reference")
    if is_reference(bank):
        entry.external_id = bank.strip()
    entry.reference = clean(entry.end_to_end or bank or "")[:200]
    return entry
