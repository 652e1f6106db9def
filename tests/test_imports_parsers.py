"""Reading statements and spreadsheets: real-shaped samples, and hostile files refused."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fundtrack.imports import files
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.mapping import guess
from fundtrack.imports.parsers import read_entries, table_head
from fundtrack.imports.parsers.camt import parse as parse_camt

pytestmark = pytest.mark.no_db
SAMPLES = Path(__file__).parent / "fixtures" / "imports"


def entries(name: str, kind: str, options: dict | None = None):
    return list(read_entries(SAMPLES / name, kind, options or {}))


def test_camt_053_001_02_gives_exact_amounts_parties_and_the_banks_reference():
    gift, subsidy, printer, pending = entries("camt053_v02.xml", files.CAMT)
    assert gift.amount == Decimal("250.00") and isinstance(gift.amount, Decimal)
    assert (gift.booking_date, gift.currency, gift.name) == (date(2025, 3, 3), "EUR", "J. de Vries")
    assert gift.iban == "NL20INGB0001234567"
    assert gift.text == "Gift voor het inloophuis"
    assert gift.external_id == "ABN-20250303-0001" and gift.reference == "GIFT-2025-03-JDV"
    assert gift.income
    assert subsidy.iban == "NL39RABO0300065264"  # written with spaces, kept compact
    assert subsidy.reference == "ABN-20250310-0002"  # NOTPROVIDED is no reference
    assert not printer.credit and not printer.income
    assert not pending.booked and not pending.income


def test_camt_053_001_08_splits_a_batch_entry_and_marks_the_reversal():
    rows = entries("camt053_v08.xml", files.CAMT)
    assert [r.amount for r in rows] == [Decimal(a) for a in ("600", "400", "500", "500", "300")]
    assert [r.external_id for r in rows[:2]] == ["DNB-2025040200017/1", "DNB-2025040200017/2"]
    assert rows[0].name == "Kari Nordmann" and rows[0].iban == "NO8330001234567"
    reversal = rows[3]
    assert reversal.reversal and not reversal.credit and not reversal.income
    assert reversal.end_to_end == "E2E-KARI-0410" and reversal.name == "Kari Nordmann"
    assert rows[4].booking_date == date(2025, 4, 20)  # a DtTm booking date
    assert rows[4].text == "DAM-2025-117"


def test_mt940_dutch_structured_details_give_name_iban_and_remittance():
    gift, collection, printer, storno = entries("mt940_ing.sta", files.MT940)
    assert (gift.name, gift.iban, gift.text) == ("M. Bakker", "NL44RABO0123456789", "Gift maart")
    assert gift.external_id == "0303123456789" and gift.end_to_end == "EREF-GIFT-1"
    assert collection.name == "Stichting Vrienden van het Inloophuis"
    assert collection.amount == Decimal("75.50")
    assert not printer.credit
    assert storno.reversal and not storno.credit and storno.end_to_end == "EREF-GIFT-1"


def test_mt940_german_subfields_are_split_by_the_library():
    (gift,) = entries("mt940_german.sta", files.MT940)
    assert gift.name == "Erika Schmidt" and gift.iban == "DE89370400440532013000"
    assert gift.amount == Decimal("150.00") and gift.income


def test_mt940_with_a_broken_balance_line_is_refused_with_its_line():
    with pytest.raises(ImportFileError, match=r"row 5.*:60F:"):
        entries("mt940_broken_balance.sta", files.MT940)


def test_mt940_whose_balances_do_not_add_up_is_refused():
    text = (SAMPLES / "mt940_german.sta").read_text().replace("C250304EUR150,00", "C250304EUR15,00")
    path = SAMPLES.parent.parent / "_tmp_unbalanced.sta"
    try:
        path.write_text(text)
        with pytest.raises(ImportFileError, match="closing balance"):
            list(read_entries(path, files.MT940, {}))
    finally:
        path.unlink(missing_ok=True)


def _camt(body: bytes):
    return list(parse_camt(io.BytesIO(body)))


def test_truncated_camt_is_refused():
    data = (SAMPLES / "camt053_v02.xml").read_bytes()
    with pytest.raises(ImportFileError, match="broken or cut off"):
        _camt(data[: len(data) // 2])


def test_camt_with_a_wrong_namespace_is_refused():
    data = (
        (SAMPLES / "camt053_v02.xml").read_bytes().replace(b"camt.053.001.02", b"camt.052.001.02")
    )
    with pytest.raises(ImportFileError, match="not a camt.053"):
        _camt(data)


def test_xml_entity_bomb_is_refused_before_parsing():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&lol3;</x></Document>"""
    with pytest.raises(ImportFileError, match="document type or entities"):
        _camt(bomb)


def test_xml_external_entity_is_never_read():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&xxe;</Document>"""
    with pytest.raises(ImportFileError):
        _camt(xxe)


def test_a_renamed_image_is_refused_by_its_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ImportFileError, match="PNG image"):
        files.detect_kind(png)


def test_kinds_are_told_by_content_not_by_name():
    assert files.detect_kind((SAMPLES / "camt053_v08.xml").read_bytes()[:8192]) == files.CAMT
    assert files.detect_kind((SAMPLES / "mt940_ing.sta").read_bytes()[:8192]) == files.MT940
    assert files.detect_kind(b"\xef\xbb\xbfDatum;Bedrag\n") == files.CSV


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert path.stat().st_size < 100 * 1024
    with pytest.raises(ImportFileError, match="zip bomb"):
        files.detect_kind(path.read_bytes()[:8192], path)


def test_a_zip_that_is_no_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        files.detect_kind(path.read_bytes()[:8192], path)


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(tmp_path):
    with pytest.raises(ImportFileError, match="at most 1,?024 bytes"):
        files.store(str(tmp_path), io.BytesIO(b"x" * 5000), 1024)
    assert list((tmp_path / "imports").iterdir()) == []


def test_a_stored_upload_has_a_random_name_never_the_users(tmp_path):
    token, size, sha = files.store(str(tmp_path), io.BytesIO(b"Datum;Bedrag\n"), 1024)
    (kept,) = (tmp_path / "imports").iterdir()
    assert kept.name == f"{token}.upload" and size == 13 and len(sha) == 64
    assert files.display_name("../../etc/passwd") == "passwd"
    with pytest.raises(ImportFileError):
        files.stored_path(str(tmp_path), "../../etc/passwd")


def mapped(name: str, kind: str = files.CSV) -> tuple[list, dict]:
    """The header, and options holding the guessed mapping (as the screen offers it)."""
    options: dict = {}
    header, sample = table_head(SAMPLES / name, kind, options)
    options["mapping"] = guess(header, sample)
    return header, options


def test_ing_csv_in_windows_1252_with_semicolons_and_af_bij():
    header, options = mapped("ing_nl.csv")
    assert (options["encoding"], options["delimiter"]) == ("cp1252", ";")
    assert options["mapping"]["decimal"] == ","
    gift, printer, cafe = list(read_entries(SAMPLES / "ing_nl.csv", files.CSV, options))
    assert gift.booking_date == date(2025, 3, 3) and gift.amount == Decimal("250.00")
    assert gift.text == "Gift voor het inloophuis € 250" and gift.iban == "NL44RABO0123456789"
    assert not printer.credit
    assert cafe.name == "Café De Zon" and cafe.amount == Decimal("1234.56") and cafe.iban is None


def test_rabobank_csv_in_utf8_with_commas_and_signed_amounts():
    _header, options = mapped("rabobank_nl.csv")
    assert (options["encoding"], options["delimiter"]) == ("utf-8-sig", ",")
    gift, printer, subsidy = list(read_entries(SAMPLES / "rabobank_nl.csv", files.CSV, options))
    assert gift.external_id == "id:000000000000007001" and gift.name == "J. de Vries"
    assert not printer.credit and printer.amount == Decimal("45.10")
    assert subsidy.amount == Decimal("12500.00") and subsidy.iban == "NL91ABNA0417164300"


def test_dnb_csv_with_a_bom_norwegian_dates_and_in_and_out_columns():
    _header, options = mapped("dnb_no.csv")
    assert options["encoding"] == "utf-8-sig"
    gift, rent, grant = list(read_entries(SAMPLES / "dnb_no.csv", files.CSV, options))
    assert gift.booking_date == date(2025, 4, 2) and gift.amount == Decimal("1000.00")
    assert not rent.credit and rent.amount == Decimal("8500.00")
    assert grant.booking_date == date(2025, 4, 20) and grant.amount == Decimal("35000.00")


def test_a_csv_with_a_stray_quote_names_its_row(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_text('Datum;Bedrag;Naam\n01-03-2025;10,00;"Jan "de" Boer\n02-03-2025;5,00;Piet\n')
    options = {"mapping": {"columns": {"date": 0, "amount": 1, "name": 2}, "decimal": ","}}
    with pytest.raises(ImportFileError, match="row 2.*quote"):
        list(read_entries(path, files.CSV, options))


def test_rows_in_error_name_row_and_column(tmp_path):
    path = tmp_path / "errors.csv"
    path.write_text("Datum;Bedrag;Naam\n31-02-2025;10,00;Jan\n01-03-2025;1.5;Piet\n")
    options = {"mapping": {"columns": {"date": 0, "amount": 1, "name": 2}, "decimal": ","}}
    bad_date, bad_amount = list(read_entries(path, files.CSV, options))
    assert bad_date.errors == [("Datum", "'31-02-2025' is not a date (day, month, year)")]
    assert bad_amount.errors[0][0] == "Bedrag" and bad_amount.row == 3


def _workbook(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_an_xlsx_gives_dates_and_exact_amounts_from_its_cells(tmp_path):
    path = tmp_path / "giften.xlsx"
    _workbook(path, [
        ["Datum", "Naam", "IBAN", "Bedrag", "Omschrijving"],
        [date(2025, 3, 3), "J. de Vries", "NL20 INGB 0001 2345 67", 250.1, "Gift"],
        ["12-03-2025", "A. Jansen", None, 19.99, "Collecte"],
        [date(2025, 3, 14), "B. Smit", None, 10.005, "Half a cent"],
    ])  # fmt: skip
    assert files.detect_kind(path.read_bytes()[:8192], path) == files.XLSX
    options: dict = {}
    header, sample = table_head(path, files.XLSX, options)
    options["mapping"] = guess(header, sample)
    first, second, third = list(read_entries(path, files.XLSX, options))
    assert first.booking_date == date(2025, 3, 3) and first.amount == Decimal("250.10")
    assert first.iban == "NL20INGB0001234567"
    assert second.booking_date == date(2025, 3, 12) and second.amount == Decimal("19.99")
    assert third.errors and "two decimals" in third.errors[0][1]
