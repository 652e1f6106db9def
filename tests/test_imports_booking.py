"""Preview, commit and undo of imports as operations: matching, duplicates, reversals,
errors with row and column, all or nothing, and the centre's own books only."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundtrack.auth.access import NotAllowed
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import Conflict, ValidationError, from_stored
from fundtrack.imports import service
from fundtrack.imports.booking import undo_import
from fundtrack.imports.matching import Counterparties
from fundtrack.imports.models import Import, ImportState
from fundtrack.income.models import Donor, FunderType, IncomeLine, IncomeSource
from tests import factories

SAMPLES = Path(__file__).parent / "fixtures" / "imports"
LIMIT = 1024 * 1024


@pytest.fixture
def books(session, network, tmp_path):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    treasurer = factories.user(session, role="treasurer", centre=centre)
    haarlem = factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    agreement = factories.agreement(
        session, centre, haarlem, title="Wmo-subsidie", start_date=date(2025, 1, 1)
    )
    known = factories.donor(session, centre, name="Jan de Vries", iban="NL20INGB0001234567")
    return {"centre": centre, "user": treasurer, "agreement": agreement, "donor": known,
            "instance": str(tmp_path)}  # fmt: skip


def receive(session, books, name: str, user=None):
    with open(SAMPLES / name, "rb") as stream:
        return service.receive(session, user or books["user"], books["centre"], stream, name,
                               books["instance"], LIMIT)  # fmt: skip


def lines(session, centre) -> list[IncomeLine]:
    return list(
        session.scalars(
            select(IncomeLine).where(IncomeLine.centre_id == centre.id).order_by(IncomeLine.id)
        )
    )


def test_preview_matches_by_iban_and_agreement_and_writes_nothing(session, books):
    record = receive(session, books, "camt053_v02.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    assert lines(session, books["centre"]) == []
    assert data["counts"] == {"book": 2, "duplicate": 0, "skipped": 2, "reverse": 0,
                              "error": 0, "collected": 0, "returned": 0}  # fmt: skip
    gift, subsidy, printer, pending = data["rows"]
    assert gift["match"] == {"kind": "donor", "id": books["donor"].id, "label": "Jan de Vries",
                             "by": "iban"}  # fmt: skip
    assert gift["category"] == "individuals" and not gift["structural"]
    assert subsidy["match"]["kind"] == "agreement" and subsidy["match"]["by"] == "name"
    assert subsidy["category"] == "government_subsidies" and subsidy["structural"]
    assert printer["status"] == "skipped" and "going out" in said(printer["reason"])
    assert pending["status"] == "skipped" and "pending" in said(pending["reason"])
    assert data["total"] == "12750.00"


def test_commit_books_all_lines_with_the_import_and_the_banks_reference(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    service.commit(session, books["user"], record, books["instance"])
    gift, subsidy = lines(session, books["centre"])
    assert (gift.amount, gift.donor_id, gift.external_id) == (
        Decimal("250.00"), books["donor"].id, "ABN-20250303-0001")  # fmt: skip
    assert gift.source == IncomeSource.IMPORT and gift.import_id == record.id
    assert gift.reference == "GIFT-2025-03-JDV"
    assert subsidy.agreement_id == books["agreement"].id
    assert (record.state, record.rows_total, record.rows_booked, record.rows_skipped) == (
        ImportState.BOOKED, 4, 2, 2)  # fmt: skip


def test_the_same_file_again_books_nothing_twice(session, books):
    first = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], first, books["instance"])
    service.commit(session, books["user"], first, books["instance"])
    again = receive(session, books, "camt053_v02.xml")
    assert again.options["same_file_as"] == first.id
    data = service.preview(session, books["user"], again, books["instance"])
    assert data["counts"]["book"] == 0 and data["counts"]["duplicate"] == 2
    assert {said(row["reason"]) for row in data["rows"] if row["status"] == "duplicate"} == {
        "already booked"
    }
    service.commit(session, books["user"], again, books["instance"])
    assert len(lines(session, books["centre"])) == 2 and again.rows_booked == 0


def test_a_line_booked_by_hand_with_the_bank_reference_is_not_booked_again(session, books):
    factories.income(session, books["centre"], "250.00", reference="GIFT-2025-03-JDV")
    record = receive(session, books, "camt053_v02.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["rows"][0]["status"] == "duplicate"


def test_unknown_payers_become_new_donors_and_a_reversal_cancels_its_credit(session, books):
    session.get(type(books["centre"]), books["centre"].id).currency = "NOK"
    record = receive(session, books, "camt053_v08.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    statuses = [(row["row"], row["status"]) for row in data["rows"]]
    assert statuses == [(1, "book"), (2, "book"), (3, "skipped"), (4, "skipped"), (5, "book")]
    assert (said(data["rows"][2]["reason"]), said(data["rows"][3]["reason"])) == (
        "reversed by row 4", "reverses row 3")  # fmt: skip
    assert data["rows"][0]["match"]["kind"] == "new_donor"
    service.commit(session, books["user"], record, books["instance"])
    kari = session.scalar(select(Donor).where(Donor.name == "Kari Nordmann"))
    assert kari.iban == "NO8330001234567"
    assert record.new_donors == 3  # Kari, Ola and Stiftelsen Dam (no funder of that name)
    assert sum(line.amount for line in lines(session, books["centre"])) == Decimal("1300.00")


def test_a_reversal_in_a_later_statement_removes_the_booked_line_and_undo_puts_it_back(
    session, books
):
    text = (SAMPLES / "mt940_ing.sta").read_text()
    head, storno = text.split(":61:2503070307RC")
    # Only the gift: no storno in the first statement.
    only_gift = head.replace(":62F:C250307EUR955,50", "") + ":62F:C250306EUR1205,50\n-}\n"
    path = Path(books["instance"]) / "gift.sta"
    path.write_text(only_gift)
    with open(path, "rb") as stream:
        first = service.receive(session, books["user"], books["centre"], stream, "gift.sta",
                                books["instance"], LIMIT)  # fmt: skip
    service.preview(session, books["user"], first, books["instance"])
    service.commit(session, books["user"], first, books["instance"])
    assert sum(line.amount for line in lines(session, books["centre"])) == Decimal("325.50")
    second = receive(session, books, "mt940_ing.sta")
    data = service.preview(session, books["user"], second, books["instance"])
    storno_row = data["rows"][3]
    assert storno_row["status"] == "reverse" and said(storno_row["reason"]).startswith("removes")
    service.commit(session, books["user"], second, books["instance"])
    assert sum(line.amount for line in lines(session, books["centre"])) == Decimal("75.50")
    undo_import(session, books["user"], second)
    assert sum(line.amount for line in lines(session, books["centre"])) == Decimal("325.50")


def test_the_user_corrects_a_match_and_the_centre_remembers_it(session, books):
    record = receive(session, books, "camt053_v02.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    key = data["rows"][0]["key"]
    other = factories.donor(session, books["centre"], name="Familie de Vries")
    service.set_choices(session, books["user"], record, {key: {"kind": "donor", "id": other.id}})
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["rows"][0]["match"]["id"] == other.id and data["rows"][0]["match"]["by"] == "choice"
    service.commit(session, books["user"], record, books["instance"])
    # The next statement from that IBAN goes to the same donor without asking.
    known = Counterparties.load(session, books["user"], books["centre"])
    assert known.match("NL20INGB0001234567", "", None, {}).id == other.id


def test_rows_in_error_refuse_the_whole_import(session, books, tmp_path):
    path = tmp_path / "giften.csv"
    path.write_text("Datum;Naam;Bedrag\n01-03-2025;Piet;10,00\n01-13-2025;Jan;5,00\n")
    with open(path, "rb") as stream:
        record = service.receive(session, books["user"], books["centre"], stream, "giften.csv",
                                 books["instance"], LIMIT)  # fmt: skip
    service.set_mapping(session, books["user"], record, record.options["mapping"],
                        books["instance"])  # fmt: skip
    data = service.preview(session, books["user"], record, books["instance"])
    error = data["rows"][1]
    assert error["row"] == 3 and said_errors(error["errors"]) == [
        ["Datum", "'01-13-2025' is not a date (day, month, year)"]
    ]
    with pytest.raises(ValidationError, match="row 3, Datum"):
        service.commit(session, books["user"], record, books["instance"])
    assert lines(session, books["centre"]) == []


def test_a_closed_year_is_an_error_on_the_row(session, books):
    session.add(FiscalYearLock(year=2025))
    session.flush()
    record = receive(session, books, "camt053_v02.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["counts"]["error"] == 2
    assert said_errors(data["rows"][0]["errors"]) == [
        ["date", "fiscal year 2025 is closed; its lines can no longer change"]
    ]


def test_a_treasurer_imports_into_her_own_centre_only(session, books):
    other = factories.centre(session)
    with open(SAMPLES / "camt053_v02.xml", "rb") as stream, pytest.raises(NotAllowed):
        service.receive(session, books["user"], other, stream, "x.xml", books["instance"], LIMIT)


def test_undo_removes_the_lines_and_new_donors_and_restores_the_totals(session, books):
    before = session.scalar(select(func.count()).select_from(Donor))
    record = receive(session, books, "ing_nl.csv")
    service.set_mapping(session, books["user"], record, record.options["mapping"],
                        books["instance"])  # fmt: skip
    service.preview(session, books["user"], record, books["instance"])
    service.commit(session, books["user"], record, books["instance"])
    assert sum(line.amount for line in lines(session, books["centre"])) == Decimal("1484.56")
    undo_import(session, books["user"], record)
    assert lines(session, books["centre"]) == []
    assert session.scalar(select(func.count()).select_from(Donor)) == before
    assert record.state == ImportState.UNDONE
    with pytest.raises(Conflict):
        undo_import(session, books["user"], record)


def test_undo_is_refused_once_the_year_is_closed(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    service.commit(session, books["user"], record, books["instance"])
    session.add(FiscalYearLock(year=2025))
    session.flush()
    with pytest.raises(Conflict, match="closed"):
        undo_import(session, books["user"], record)


def test_the_mapping_is_remembered_for_the_centres_next_file_with_those_columns(session, books):
    record = receive(session, books, "dnb_no.csv")
    mapping = record.options["mapping"] | {"decimal": ","}
    mapping["columns"] = dict(mapping["columns"], description=1)
    service.set_mapping(session, books["user"], record, mapping, books["instance"])
    again = receive(session, books, "dnb_no.csv")
    assert again.options["mapping_remembered"] is True
    assert again.options["mapping"]["columns"]["description"] == 1


def test_a_dry_run_of_the_whole_import_writes_nothing(session, books):
    before = session.scalar(select(func.count()).select_from(Import))
    record, data = service.import_file(
        session, books["user"], books["centre"], SAMPLES / "camt053_v02.xml",
        books["instance"], limit=LIMIT, dry_run=True,
    )  # fmt: skip
    assert data["counts"]["book"] == 2
    assert lines(session, books["centre"]) == []
    assert not list((Path(books["instance"]) / "imports").glob("*.upload"))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Import)) == before
    shutil.rmtree(books["instance"], ignore_errors=True)


def test_an_xlsx_saved_by_libreoffice_previews_and_books_its_dates_and_amounts(session, books):
    # Made with `soffice --headless --convert-to xlsx` (LibreOffice 7.4) from a CSV list:
    # shared strings, LibreOffice's styles, dates as date-formatted serial numbers.
    record = receive(session, books, "libreoffice_giften.xlsx")
    assert record.kind == "xlsx"
    service.set_mapping(session, books["user"], record, record.options["mapping"],
                        books["instance"])  # fmt: skip
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["counts"]["book"] == 3 and data["counts"]["error"] == 0
    assert [(row["date"], row["amount"]) for row in data["rows"]] == [
        ("2025-03-03", "250.10"), ("2025-03-12", "19.99"), ("2025-04-01", "1234.56")]  # fmt: skip
    assert data["rows"][0]["match"]["id"] == books["donor"].id
    service.commit(session, books["user"], record, books["instance"])
    booked = lines(session, books["centre"])
    assert [(line.booking_date, line.amount) for line in booked] == [
        (date(2025, 3, 3), Decimal("250.10")), (date(2025, 3, 12), Decimal("19.99")),
        (date(2025, 4, 1), Decimal("1234.56"))]  # fmt: skip
    assert booked[0].donor_id == books["donor"].id and record.rows_booked == 3


def test_a_payer_is_never_another_centres_private_person_even_for_the_national_office(
    session, network
):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    other = factories.centre(session)
    factories.funder(session, name="J. de Vries", type=FunderType.INDIVIDUAL, centre_id=other.id)
    office = factories.user(session, role="national")
    known = Counterparties.load(session, office, centre)
    assert known.match(None, "J. de Vries", date(2025, 6, 1), {}).kind == "new_donor"


def test_undo_keeps_a_new_donor_that_a_later_line_names(session, books):
    from fundtrack.income.operations import book_income

    record = receive(session, books, "ing_nl.csv")
    service.set_mapping(session, books["user"], record, record.options["mapping"],
                        books["instance"])  # fmt: skip
    service.preview(session, books["user"], record, books["instance"])
    service.commit(session, books["user"], record, books["instance"])
    kept, *gone = record.outcome["donors"]
    assert gone
    book_income(session, books["user"], {"centre": "HLM", "date": date(2025, 7, 1),
                "amount": Decimal("5.00"), "donor": kept}, IncomeSource.MANUAL)  # fmt: skip
    undo_import(session, books["user"], record)
    assert session.scalars(
        select(Donor.id).where(Donor.id.in_(record.outcome["donors"]))
    ).all() == [kept]


def said(message) -> str:
    """A reason or refusal the plan keeps (msgid and parameters), in English words."""
    return str(from_stored(message))


def said_errors(errors) -> list:
    return [[column, said(message)] for column, message in errors]
