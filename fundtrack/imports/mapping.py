"""Spreadsheet columns to entry fields: guessed from the header, confirmed by the user,
remembered per centre and header; and the cells of a row read as dates and amounts.

Dates are read day first, as the Netherlands and Norway write them (12-03-2025, 12.03.2025,
12/3/25, 20250312, 2025-03-12, 12 maart 2025, 12. mars 2025). Amounts use the decimal mark
the mapping names (`,` or `.`), guessed from the amounts in the file; grouping marks must sit
in threes, so `1.234` with a decimal comma is 1234 and `1,5` with a decimal point is refused.
"""

import re
from datetime import date
from decimal import Decimal

from babel.dates import get_month_names
from flask_babel import lazy_gettext as _l

from fundtrack.errors import Field
from fundtrack.imports.entries import Entry, clean, decimal_amount, is_reference, normal_iban
from fundtrack.money import CENT, MAX_AMOUNT

FIELDS = (
    "date", "amount", "amount_in", "amount_out", "direction", "name", "iban",
    "description", "reference", "external_id", "category", "funds",
)  # fmt: skip
# Header words per field, in the three languages; compared lower-case, without punctuation.
_HEADERS = {
    "date": ["datum", "boekdatum", "dato", "bokført dato", "bokfort dato", "date",
             "booking date", "transaksjonsdato", "transactiedatum"],
    "amount": ["bedrag", "bedrag eur", "bedrag nok", "beløp", "belop", "amount", "bedrag (eur)"],
    "amount_in": ["inn på konto", "inn", "bij", "credit", "innskudd", "ontvangen"],
    "amount_out": ["ut fra konto", "ut", "af", "debit", "uttak"],
    "direction": ["af bij", "af/bij", "debet/credit", "credit/debit", "d/c", "c/d", "bij/af"],
    "name": ["naam tegenpartij", "naam / omschrijving", "naam", "navn", "name", "tegenpartij",
             "donateur", "donor", "counterparty", "giver", "betaler", "avsender"],
    "iban": ["tegenrekening iban/bban", "tegenrekening", "iban tegenpartij", "motkonto",
             "fra konto", "iban", "counterparty iban", "rekening tegenpartij"],
    "description": ["omschrijving", "omschrijving-1", "mededelingen", "forklaring",
                    "beskrivelse", "description", "tekst", "melding", "text"],
    "reference": ["betalingskenmerk", "kenmerk", "referentie", "referanse", "reference",
                  "end-to-end id", "end to end id", "kid"],
    "external_id": ["volgnr", "transactie-id", "transactie id", "arkivref", "arkivreferanse",
                    "transaction id", "id", "external id"],
    "category": ["categorie", "kategori", "category"],
    "funds": ["bestemmingsfonds", "bestemmingsfondsen", "fonds", "fondsen", "øremerket fond",
              "øremerking", "earmarked fund", "earmarked funds", "fund", "funds"],
}  # fmt: skip
_CREDIT_WORDS = {"bij", "c", "cr", "credit", "crdt", "inn", "+"}
_DEBIT_WORDS = {"af", "d", "db", "dr", "debit", "dbit", "debet", "ut", "-"}


def _key(text) -> str:
    return " ".join(re.sub(r"[^\w/ +-]", " ", str(text).casefold()).split())


def header_key(header: list) -> str:
    """The header as one string: a centre's remembered mapping is found by it."""
    return "|".join(_key(cell) for cell in header)[:500]


def guess(header: list, sample: list[list]) -> dict:
    """A mapping {field: column index} and the decimal mark, from the header and a sample."""
    mapping: dict = {}
    used: set[int] = set()
    keys = [_key(cell) for cell in header]
    for field in FIELDS:
        for word in _HEADERS[field]:
            column = next((i for i, k in enumerate(keys) if k == _key(word) and i not in used),
                          None)  # fmt: skip
            if column is not None:
                mapping[field] = column
                used.add(column)
                break
    if "amount" in mapping and "amount_in" in mapping:
        mapping.pop("amount_in", None)
        mapping.pop("amount_out", None)
    return {"columns": mapping, "decimal": guess_decimal(mapping, sample)}


def guess_decimal(columns: dict, sample: list[list]) -> str:
    """`,` when amounts in the sample end in a comma and one or two digits, else `.`."""
    commas = points = 0
    for row in sample:
        for field in ("amount", "amount_in", "amount_out"):
            index = columns.get(field)
            if index is None or index >= len(row) or not isinstance(row[index], str):
                continue
            text = row[index].strip()
            if re.search(r",\d{1,2}$", text):
                commas += 1
            elif re.search(r"\.\d{1,2}$", text):
                points += 1
    return "," if commas > points else "."


def check_mapping(mapping: dict, width: int) -> list:
    """What is wrong with a mapping (lazy messages), empty when it can be used."""
    columns = mapping.get("columns", {})
    problems = []
    for field, index in columns.items():
        if field not in FIELDS:
            problems.append(_l("%(field)s is not a field", field=repr(field)))
        elif not isinstance(index, int) or not 0 <= index < width:
            problems.append(_l("%(field)s: no column %(index)s", field=Field(field), index=index))
    if len(set(columns.values())) != len(columns):
        problems.append(_l("a column is used for two fields"))
    if "date" not in columns:
        problems.append(_l("which column holds the date?"))
    if "amount" not in columns and "amount_in" not in columns:
        problems.append(_l("which column holds the amount?"))
    if mapping.get("decimal") not in (",", "."):
        problems.append(_l("the decimal mark is a comma or a point"))
    return problems


_NUMERIC_DATE = [
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})"), ("d", "m", "y")),
]


def _month_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for locale in ("nl", "nb", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                words[name.casefold().rstrip(".")] = number
    return words


_MONTHS = _month_words()


def read_date(value, column: str, entry: Entry) -> date | None:
    if isinstance(value, date):
        return value
    text = clean(value).split(" ")[0] if re.match(r"\d{4}-\d", clean(value)) else clean(value)
    if not text:
        entry.refuse(column, _l("the date is missing"))
        return None
    try:
        for pattern, order in _NUMERIC_DATE:
            match = pattern.fullmatch(text)
            if match:
                parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
                year = parts["y"] + 2000 if parts["y"] < 100 else parts["y"]
                return date(year, parts["m"], parts["d"])
        match = re.fullmatch(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{4})", text.casefold())
        if match and match.group(2) in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
    except ValueError:
        pass
    entry.refuse(column, _l("%(typed)s is not a date (day, month, year)", typed=repr(text)))
    return None


def read_amount(value, decimal: str, column: str, entry: Entry) -> Decimal | None:
    """A signed amount as a spreadsheet or bank CSV writes it."""
    if isinstance(value, Decimal):
        amount = value
        if amount != amount.quantize(CENT) or abs(amount) > MAX_AMOUNT:
            entry.refuse(
                column, _l("%(shown)s has more than two decimals or too many digits", shown=value)
            )
            return None
        return amount.quantize(CENT)
    text = re.sub(r"(?i)(eur|nok|€|kr\.?)", "", clean(value)).replace(" ", "")
    text = text.replace("\u00a0", "").replace("\u202f", "").replace("'", "")
    if not text:
        return None
    negative = text.startswith("-") or text.endswith("-") or text.startswith("(")
    text = text.strip("+-()")
    group = "." if decimal == "," else ","
    whole, _, cents = text.rpartition(decimal) if decimal in text else (text, "", "")
    if group in whole and not re.fullmatch(rf"\d{{1,3}}(\{group}\d{{3}})+", whole):
        entry.refuse(
            column,
            _l("%(typed)s: the thousands mark is not where it belongs", typed=repr(clean(value))),
        )
        return None
    plain = whole.replace(group, "") + ("." + cents if decimal in text else "")
    amount = decimal_amount(plain, column, entry)
    return -amount if amount is not None and negative else amount


def _direction(text) -> bool | None:
    word = _key(text)
    if word in _CREDIT_WORDS:
        return True
    if word in _DEBIT_WORDS:
        return False
    return None


def entry_from_row(number: int, cells: list, mapping: dict) -> Entry:
    """One spreadsheet row as an entry: a negative amount or an "af"/"ut" row is a debit."""
    columns, decimal = mapping["columns"], mapping["decimal"]
    entry = Entry(row=number)

    def cell(field):
        index = columns.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    def column_name(field):
        return mapping.get("header", {}).get(str(columns.get(field)), field)

    entry.booking_date = read_date(cell("date"), column_name("date"), entry)
    if "amount" in columns:
        amount = read_amount(cell("amount"), decimal, column_name("amount"), entry)
    else:
        income = read_amount(cell("amount_in"), decimal, column_name("amount_in"), entry)
        spent = read_amount(cell("amount_out"), decimal, column_name("amount_out"), entry)
        amount = income if income else (-spent if spent else None)
    if amount is None and not entry.errors:
        entry.refuse(column_name("amount"), _l("the amount is missing"))
    if "direction" in columns:
        way = _direction(cell("direction"))
        if way is None:
            typed = repr(clean(cell("direction")))
            entry.refuse(column_name("direction"), _l("%(typed)s: in or out?", typed=typed))
        elif amount is not None and not way:
            amount = -abs(amount)
    if amount is not None:
        entry.credit = amount > 0
        entry.amount = abs(amount)
        if amount == 0:
            entry.refuse(column_name("amount"), _l("the amount is zero"))
    entry.name = clean(cell("name"))[:200]
    entry.iban = normal_iban(clean(cell("iban")), entry)
    entry.text = clean(cell("description"))
    reference = clean(cell("reference"))
    entry.reference = reference[:200] if is_reference(reference) else ""
    entry.end_to_end = entry.reference
    external = clean(cell("external_id"))
    entry.external_id = f"id:{external}"[:200] if external else None
    entry.category = clean(cell("category"))
    entry.funds, entry.decimal = clean(cell("funds")), decimal
    return entry
