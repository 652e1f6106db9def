"""What a centre's bank really sends: ASN and SNS (de Volksbank) MT940, lines that are never
booked, accounts that are no IBAN, camt.053 amounts with five decimals and entries without a
status, balances that do not add up, and statements in UTF-8 or Latin-1."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from fundtrack.errors import from_stored
from fundtrack.imports import files, service
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.parsers import read_entries
from fundtrack.imports.parsers.camt import parse as parse_camt
from fundtrack.imports.parsers.mt940 import parse as parse_mt940
from fundtrack.income.models import Donor, IncomeLine
from tests import factories

BANKS = Path(__file__).parent / "fixtures" / "banks"
ASN = BANKS / "mt940" / "wolph-ASNB" / "0708271685_09022020_164516.940.txt"
SNS = BANKS / "mt940" / "handmade" / "sns-volksbank-latin1.940"
GERMAN = BANKS / "mt940" / "handmade" / "german-account-number-utf8.sta"
NOK = BANKS / "camt053" / "handmade" / "dnb-style-nok.xml"
FIVE = BANKS / "camt053" / "genkgo" / "camt053.v2.five.decimals.xml"


def entries(path: Path):
    kind = files.detect_kind(path.read_bytes()[:8192], path)
    return list(read_entries(path, kind, {}))


@pytest.mark.no_db
def test_asn_bank_mt940_reads_the_account_from_the_reference_and_the_name_from_the_next_line():
    read = entries(ASN)
    assert len(read) == 8 and not any(entry.errors for entry in read)
    gift = read[1]
    assert (gift.credit, gift.amount, gift.name) == (True, Decimal("1000.00"), "paulissen g j l m")
    # ASN's sample IBANs are blanked (9999999999): kept as written, never an error.
    assert (gift.iban, gift.account) == (None, "NL56ASNB9999999999")
    assert gift.text == "INTERNE OVERBOEKING VIA MOBIEL" and gift.reference == ""
    dividend = read[4]
    assert dividend.text.startswith("2020-01-28T14:32:46")
    assert "Transfer Solutions BV" in dividend.text  # a full line runs on mid-word


@pytest.mark.no_db
def test_sns_mt940_in_latin_1_keeps_accents_and_soft_hyphens_and_valid_ibans():
    gift, debit, grant, interest = entries(SNS)
    assert gift.name == "j. de vrïes" and gift.iban == "NL20INGB0001234567"
    assert gift.text == "Gift voor het inloop\u00adhuis, maart"
    assert (debit.credit, debit.iban, debit.account) == (False, None, "NL00XXXX0000000000")
    assert grant.name == "stichting sint-joris" and grant.amount == Decimal("120.00")
    assert interest.amount == Decimal("0.00") and not interest.errors


@pytest.mark.no_db
def test_the_same_statement_in_utf8_and_in_latin_1_reads_the_same():
    latin = SNS.read_bytes()
    utf8 = latin.decode("cp1252").encode("utf-8")
    as_latin = [(e.name, e.text) for e in parse_mt940(io.BytesIO(latin))]
    assert as_latin == [(e.name, e.text) for e in parse_mt940(io.BytesIO(utf8))]
    (gift, _rent) = entries(GERMAN)
    assert gift.name == "Jürgen Weiß" and gift.text == "Spende für das Haus"


@pytest.mark.no_db
def test_an_old_account_number_is_kept_as_written_and_is_no_error():
    gift, rent = entries(GERMAN)
    assert (gift.iban, gift.account, gift.errors) == (None, "1234567890", [])
    assert (rent.account, rent.errors) == ("DE00123456789012345678", [])


@pytest.mark.no_db
def test_an_mt940_balance_that_does_not_add_up_names_the_entries_and_sums():
    broken = SNS.read_bytes().replace(b":62F:C250304EUR1385,00", b":62F:C250304EUR1395,00")
    with pytest.raises(ImportFileError) as refused:
        list(parse_mt940(io.BytesIO(broken)))
    assert refused.value.row == 4
    assert refused.value.message == (
        "the closing balance 1395.00 does not follow from the opening balance 1265.00 and"
        " entries 3 to 4 (credits +120.00, debits -0.00): that makes 1385.00"
    )


def _camt(path: Path, *changes: tuple[bytes, bytes]):
    data = path.read_bytes()
    for old, new in changes:
        assert old in data
        data = data.replace(old, new, 1)
    return list(parse_camt(io.BytesIO(data)))


@pytest.mark.no_db
def test_camt_amounts_with_five_decimals_are_taken_when_exact_to_the_cent():
    # genkgo's sample: 18.150 + 8.850; its closing balance is made to add up.
    (entry,) = _camt(FIVE, (b"27.050", b"27.000"))
    assert entry.amount == Decimal("8.85") and not entry.errors
    inexact = (b'<Amt Ccy="EUR">8.850', b'<Amt Ccy="EUR">8.855')
    with pytest.raises(ImportFileError) as refused:
        _camt(FIVE, (b"27.050", b"27.005"), inexact)
    assert "'27.005' is not exact to the cent" in refused.value.message
    with pytest.raises(ImportFileError) as refused:
        _camt(FIVE, (b"27.050", b"27.010"), inexact)
    assert refused.value.row == 1
    assert refused.value.message == (
        "the balances cannot be checked: the amount '8.855' is not exact to the cent"
    )


@pytest.mark.no_db
def test_a_camt_balance_that_is_not_exact_to_the_cent_or_has_no_currency_says_so():
    with pytest.raises(ImportFileError, match=r"opening balance \(OPBD\): '18.151' is not exact"):
        _camt(FIVE, (b"18.150", b"18.151"))
    with pytest.raises(ImportFileError) as refused:
        _camt(FIVE, (b'<Amt Ccy="EUR">27.050', b"<Amt>27.050"))
    assert refused.value.message.startswith("the closing balance (CLBD) has no currency")


@pytest.mark.no_db
def test_a_camt_entry_without_a_status_is_booked_and_a_pending_one_is_not():
    first, second, debit, pending = _camt(NOK)
    assert first.booked and first.amount == Decimal("1500.00") and first.currency == "NOK"
    assert second.booked and debit.booked and not pending.booked
    assert (debit.iban, debit.account, debit.errors) == (None, "NO0000000000000", [])


@pytest.mark.no_db
def test_a_camt_balance_that_does_not_add_up_names_the_booked_entries_and_sums():
    with pytest.raises(ImportFileError) as refused:
        _camt(NOK, (b"11650.50", b"11650.60"))
    assert refused.value.row == 4
    assert refused.value.message == (
        "the closing balance 11650.60 does not follow from the opening balance 10000.00 and"
        " the booked entries 1 to 4 (credits +1750.00, debits -99.50): that makes 11650.50;"
        " the statement is incomplete"
    )


@pytest.fixture
def books(session, network, tmp_path):
    centre = factories.centre(session, code="ZWO", name="Inloophuis Zwolle")
    treasurer = factories.user(session, role="treasurer", centre=centre)
    return {"centre": centre, "user": treasurer, "instance": str(tmp_path)}


def _preview(session, books, path: Path, data: bytes | None = None):
    stream = io.BytesIO(data if data is not None else path.read_bytes())
    record = service.receive(session, books["user"], books["centre"], stream, path.name,
                             books["instance"], 1024 * 1024)  # fmt: skip
    return record, service.preview(session, books["user"], record, books["instance"])


def _lines(session, centre):
    return list(session.scalars(select(IncomeLine).where(IncomeLine.centre_id == centre.id)
                                .order_by(IncomeLine.id)))  # fmt: skip


def test_an_asn_statement_books_its_credits_by_name_and_a_second_import_books_nothing(
    session, books
):
    record, data = _preview(session, books, ASN)
    assert data["counts"] == {"book": 3, "duplicate": 0, "skipped": 5, "reverse": 0,
                              "error": 0, "collected": 0, "returned": 0}  # fmt: skip
    payer = next(p for p in data["payers"] if p["name"] == "paulissen g j l m")
    assert (payer["iban"], payer["account"], payer["rows"]) == (None, "NL56ASNB9999999999", 2)
    service.commit(session, books["user"], record, books["instance"])
    booked = _lines(session, books["centre"])
    assert sorted(line.amount for line in booked) == [
        Decimal("828.72"), Decimal("1000.00"), Decimal("1000.18")]  # fmt: skip
    assert len({line.donor_id for line in booked}) == 2
    _again, data = _preview(session, books, ASN)
    assert data["counts"]["book"] == 0 and data["counts"]["duplicate"] == 3


def test_a_debit_to_a_bad_account_and_a_zero_line_never_block_the_credits(session, books):
    record, data = _preview(session, books, SNS)
    assert data["counts"] == {"book": 2, "duplicate": 0, "skipped": 2, "reverse": 0,
                              "error": 0, "collected": 0, "returned": 0}  # fmt: skip
    reasons = {
        row["row"]: said(row["reason"]) for row in data["rows"] if row["status"] == "skipped"
    }
    assert reasons == {2: "money going out is not income", 4: "an amount of 0.00 moves no money"}
    service.commit(session, books["user"], record, books["instance"])
    gift, grant = _lines(session, books["centre"])
    assert (gift.amount, grant.amount) == (Decimal("50.00"), Decimal("120.00"))
    donor = session.get(Donor, gift.donor_id)
    assert (donor.name, donor.iban) == ("j. de vrïes", "NL20INGB0001234567")


def test_a_credit_from_an_old_account_number_is_matched_by_name_or_chosen(session, books):
    known = factories.donor(session, books["centre"], name="Jürgen Weiß")
    record, data = _preview(session, books, GERMAN)
    gift = data["rows"][0]
    assert gift["status"] == "book" and gift["match"]["id"] == known.id
    assert gift["match"]["by"] == "name" and gift["account"] == "1234567890"
    other = factories.donor(session, books["centre"], name="Stichting Vrienden")
    service.set_choices(session, books["user"], record,
                        {gift["key"]: {"kind": "donor", "id": other.id}})  # fmt: skip
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["rows"][0]["match"]["id"] == other.id


def test_the_preview_shows_an_account_that_is_no_iban_as_written(
    client, login_as, session, network, app, tmp_path, monkeypatch
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    centre = factories.centre(session, code="ZWO", name="Inloophuis Zwolle")
    login_as("treasurer", centre=centre, locale="en")
    response = client.post(
        "/imports/",
        data={"centre": "ZWO", "file": (io.BytesIO(ASN.read_bytes()), ASN.name)},
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"NL56ASNB9999999999 <span class=\"note not-iban\">\(not an IBAN\)</span>",
                     page)  # fmt: skip
    assert "disabled" not in page.split("Book 3 lines")[0].rsplit("<button", 1)[1]


@pytest.mark.no_db
def test_ing_mt940_with_details_over_several_lines_reads_and_its_pref_names_the_batch():
    read = entries(BANKS / "mt940" / "oca" / "nl-ing-test-ing.940")
    assert len(read) == 8 and not any(entry.errors for entry in read)
    gift = read[0]
    assert (gift.name, gift.iban, gift.amount) == (
        "ING BANK NV INZAKE WEB", "NL32INGB0000012345", Decimal("1.56"))  # fmt: skip
    # `PREF` in the :61: line says the batch's reference is in :86:, not that it is "PREF".
    assert read[4].reference == "M000000001111111"


def said(message) -> str:
    """A reason or refusal the plan keeps (msgid and parameters), in English words."""
    return str(from_stored(message))


def said_errors(errors) -> list:
    return [[column, said(message)] for column, message in errors]
