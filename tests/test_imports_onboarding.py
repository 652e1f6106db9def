"""The network onboarding workbook: the template round-trips to the dashboard's figures,
errors are named by sheet, row and column with nothing written, a second import creates
nothing, treasurers are refused, a zip bomb is refused; the command line and its dry run;
undoing a workbook and its refusals; big workbooks as background jobs."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.centres.models import Centre, FiscalYearLock, Region
from fundtrack.costs.models import ActualsDeclaration, CostLine
from fundtrack.errors import Conflict, ValidationError
from fundtrack.extensions import db
from fundtrack.formatting import network_format
from fundtrack.imports import files
from fundtrack.imports.onboarding import jobs as onboarding_jobs
from fundtrack.imports.onboarding import operations as onboarding
from fundtrack.imports.onboarding import read as onboarding_read
from fundtrack.imports.onboarding.models import Onboarding, OnboardingState
from fundtrack.imports.onboarding.undo import undo_onboarding
from fundtrack.income.models import Funder, FundingAgreement, IncomeLine, IncomeSource
from fundtrack.share.service import funding_share
from tests import factories

MODELS = (Region, Centre, Funder, FundingAgreement, CostLine, IncomeLine)


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path


def counts(session) -> dict:
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def template(client) -> bytes:
    response = client.get("/imports/onboarding/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return response.data


ROWS = {
    "Regions": [["N", "North"]],
    "Centres": [["N101", "Inloophuis Noord", "N", "Noordstad", ""]],
    "Funders": [["Gemeente Noordstad", "municipality", ""], ["Stichting Hulp", "foundation", ""]],
    "Agreements": [["N101", "Gemeente Noordstad", "Subsidie", date(2025, 1, 1), None, "yes",
                    24000]],
    "Costs": [["N101", 2025, "actual", "staff", 30000.5, "Salarissen"],
              ["N101", 2025, "actual", "housing", "9,999.50", ""],
              ["N101", 2025, "budget", "staff", 31000, ""]],
    "Income": [["N101", date(2025, 2, 1), 12000, "Gemeente Noordstad", "Subsidie", "", "",
                "Eerste termijn", "BANK-1"],
               ["N101", "15-03-2025", "1,234.56", "Stichting Hulp", "", "", "", "Gift", ""],
               ["N101", "2025-04-01", 500, "", "", "individuals", "", "Collecte", ""]],
}  # fmt: skip


def filled(data: bytes, rows: dict = ROWS) -> bytes:
    """The template with `rows` written below its example row, as a user would."""
    book = load_workbook(io.BytesIO(data))
    for name, lines in rows.items():
        for line in lines:
            book[name].append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, body: bytes, name="onboarding.xlsx"):
    return client.post(
        "/imports/onboarding",
        data={"file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def dashboard_row(client, code: str) -> dict:
    text = client.get("/dashboard.csv?year=2025").get_data(as_text=True)
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = next(row for row in rows if "Code" in row)
    row = next(row for row in rows if len(row) > 1 and row[1] == code)
    return dict(zip(header, row, strict=True))


def test_the_template_has_a_sheet_per_kind_headings_an_example_and_notes(client, login_as, session):
    login_as("national", locale="en")
    book = load_workbook(io.BytesIO(template(client)))
    assert book.sheetnames == ["Regions", "Centres", "Funders", "Agreements", "Costs",
                               "Income", "Notes"]  # fmt: skip
    assert [c.value for c in book["Costs"][1]] == [
        "Centre", "Year", "Kind", "Category", "Amount", "Description"
    ]  # fmt: skip
    assert book["Centres"]["A2"].value == "EX01"
    notes = [[c.value for c in row] for row in book["Notes"].iter_rows()]
    assert any(row[1] == "Type" and "health_insurer" in (row[4] or "") for row in notes)
    assert any(row[1] == "Kind" and row[4] == "budget, actual" for row in notes)


def test_the_dutch_template_reads_back_with_its_dutch_headings(client, login_as, session):
    login_as("national", locale="nl")
    data = template(client)
    book = load_workbook(io.BytesIO(data))
    regions = book.worksheets[0]
    assert regions.title != "Regions" and regions["B1"].value != "Name"
    regions.append(["Z", "Zuid"])
    out = io.BytesIO()
    book.save(out)
    response = upload(client, out.getvalue())
    assert "/imports/onboarding/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-create="1"' in page and 'data-errors="0"' in page


def test_the_template_round_trips_to_the_dashboard(client, login_as, session, network, instance):
    login_as("national", locale="en")
    response = upload(client, filled(template(client)))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-create="11"' in page and 'data-errors="0"' in page
    assert "the example row: skipped" in page
    assert counts(session)["Centre"] == 0  # the preview wrote nothing
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    done = client.post(f"/imports/onboarding/{token}/commit")
    assert done.status_code == 303
    assert counts(session) == {"Region": 1, "Centre": 1, "Funder": 2, "FundingAgreement": 1,
                               "CostLine": 3, "IncomeLine": 3}  # fmt: skip
    assert not list((instance / "imports").glob("*"))
    centre = session.scalars(select(Centre).where(Centre.code == "N101")).one()
    assert centre.region.code == "N" and centre.currency == "EUR"
    lines = session.scalars(select(IncomeLine).order_by(IncomeLine.booking_date)).all()
    assert [line.amount for line in lines] == [Decimal("12000.00"), Decimal("1234.56"),
                                               Decimal("500.00")]  # fmt: skip
    assert lines[0].agreement.title == "Subsidie" and lines[0].external_id == "BANK-1"
    assert all(line.source == IncomeSource.IMPORT for line in lines)
    assert lines[1].external_id.startswith("onboarding:")
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "onboarding")).one()
    assert event.after["created"]["costs"] == 3 and event.after["file"] == "onboarding.xlsx"
    row = dashboard_row(client, "N101")
    assert Decimal(row["Costs (EUR)"]) == Decimal("40000.00")
    income = Decimal(row["Structural income (EUR)"]) + Decimal(row["Incidental income (EUR)"])
    assert income == Decimal("13734.56")


def test_importing_the_same_workbook_again_creates_nothing(
    client, login_as, session, network, instance
):
    login_as("national", locale="en")
    body = filled(template(client))
    first = upload(client, body)
    client.post(first.headers["Location"] + "/commit")
    before = counts(session)
    again = upload(client, body)
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert 'data-create="0"' in page and 'data-present="11"' in page
    assert "imported before" in page
    client.post(again.headers["Location"] + "/commit")
    assert counts(session) == before


def test_errors_are_named_by_sheet_row_and_column_and_nothing_is_written(
    client, login_as, session, network, instance
):
    login_as("national", locale="en")
    rows = ROWS | {
        "Centres": ROWS["Centres"] + [["N102", "Inloophuis Oost", "NOWHERE", "Oostdorp", ""]],
        "Costs": [["N101", 2025, "actual", "staff", 12.345, ""],
                  ["N101", 2025, "spent", "staff", 10, ""]],
        "Income": [["N101", "31-02-2025", 100, "", "", "individuals", "", "", ""]],
    }  # fmt: skip
    response = upload(client, filled(template(client), rows))
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'data-errors="0"' not in page
    token = location.rstrip("/").split("/")[-1]
    meta = __import__("fundtrack.imports.files", fromlist=["x"]).load_preview(str(instance), token)
    errors = onboarding.errors_of(meta["preview"])
    assert ("centres", 4, "C (Region)", "no region with code 'NOWHERE'") in errors
    assert any(e[:3] == ("costs", 3, "E (Amount)") and "two decimals" in e[3] for e in errors)
    assert any(e[:3] == ("costs", 4, "C (Kind)") and "'spent'" in e[3] for e in errors)
    assert any(e[:3] == ("income", 3, "B (Date)") and "31-02-2025" in e[3] for e in errors)
    refused = client.post(location + "/commit")
    assert refused.status_code == 303
    assert counts(session) == {m.__name__: 0 for m in MODELS}


@pytest.mark.parametrize("role", ["treasurer", "auditor"])
def test_a_treasurer_or_auditor_is_refused(client, login_as, session, network, instance, role):
    centre = factories.centre(session)
    login_as(role, centre=centre if role == "treasurer" else None, locale="en")
    assert client.get("/imports/onboarding/template.xlsx").status_code == 403
    assert client.get("/imports/onboarding").status_code == 403
    assert upload(client, b"PK\x03\x04").status_code == 403


def test_a_zip_bomb_is_refused_before_it_is_opened(client, login_as, session, network, instance):
    login_as("admin", locale="en")
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))
    response = upload(client, body.getvalue())
    assert response.status_code == 303 and response.headers["Location"].endswith("/onboarding")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "zip bomb" in page
    assert not list((instance / "imports").glob("*"))


def test_a_renamed_image_is_refused(client, login_as, session, network, instance):
    login_as("national", locale="en")
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "PNG image" in page


def test_the_command_line_dry_run_writes_nothing_then_the_import_creates(
    app, client, login_as, session, network, instance, tmp_path
):
    login_as("national", locale="en")
    path = tmp_path / "network.xlsx"
    path.write_bytes(filled(template(client)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["onboard", str(path), "--dry-run", "--locale", "en"])
    assert result.exit_code == 0, result.output
    assert "costs: 3 to create" in result.output and "nothing was written" in result.output
    assert counts(session)["CostLine"] == 0
    result = runner.invoke(args=["onboard", str(path), "--locale", "en"])
    assert result.exit_code == 0, result.output
    assert counts(session)["CostLine"] == 3 and counts(session)["IncomeLine"] == 3
    result = runner.invoke(args=["onboard", str(path), "--locale", "en"])
    assert "costs: 0 created, 3 already there" in result.output


def committed(client, body: bytes) -> Onboarding:
    """Read in and commit `body` through the screens; the workbook's record."""
    location = upload(client, body).headers["Location"]
    assert client.post(location + "/commit").status_code == 303
    return db.session.scalars(select(Onboarding).order_by(Onboarding.id.desc())).first()


def figures(session, user) -> tuple:
    share = funding_share(session, user, 2025)
    return share.network, share.regions, share.centres


def test_undoing_a_workbook_restores_the_rows_and_the_figures(
    client, login_as, session, network, instance
):
    there = factories.centre(session, code="OLD1")
    factories.income(session, there, "3000.00")
    factories.cost(session, there, "9000.00")
    office = login_as("national", locale="en")
    before, shares = counts(session), figures(session, office)
    record = committed(client, filled(template(client)))
    assert record.state == OnboardingState.BOOKED and len(record.created["income"]) == 3
    assert counts(session) != before and figures(session, office) != shares
    # 2025 has ended: the workbook's actual costs are N101's books of that year.
    declared = session.scalars(select(ActualsDeclaration)).all()
    assert [(d.centre.code, d.year) for d in declared if d.centre.code == "N101"] == [
        ("N101", 2025)
    ]
    assert record.created["declarations"] == [d.id for d in declared if d.centre.code == "N101"]
    page = client.get(f"/imports/onboarding/booked/{record.id}").get_data(as_text=True)
    assert 'data-state="booked"' in page and "Yes, undo this workbook" in page
    # The question names what goes: the lines it created, counted and summed.
    income = session.scalars(select(IncomeLine).where(IncomeLine.id.in_(record.created["income"])))
    total = network_format().money(sum(line.amount for line in income), "EUR")
    assert f"3 income lines, together {total}" in page and 'data-lines="3"' in page
    assert client.post(f"/imports/onboarding/booked/{record.id}/undo").status_code == 303
    session.refresh(record)
    assert record.state == OnboardingState.UNDONE and record.undone_at is not None
    assert [d.centre.code for d in session.scalars(select(ActualsDeclaration))] == ["OLD1"]
    assert counts(session) == before and figures(session, office) == shares
    assert "undone" in client.get("/imports/onboarding").get_data(as_text=True)
    again = upload(client, filled(template(client)))  # undone: the rows are new again
    assert 'data-create="11"' in client.get(again.headers["Location"]).get_data(as_text=True)


def test_undo_is_refused_while_a_year_it_touched_is_closed(
    client, login_as, session, network, instance
):
    office = login_as("national", locale="en")
    record = committed(client, filled(template(client)))
    session.add(FiscalYearLock(year=2025))
    session.commit()
    before = counts(session)
    with pytest.raises(Conflict) as refused:
        undo_onboarding(session, office, record)
    assert refused.value.field == "year" and "fiscal year 2025" in refused.value.message
    session.rollback()
    response = client.post(f"/imports/onboarding/booked/{record.id}/undo")
    assert "cannot be undone" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert counts(session) == before and record.state == OnboardingState.BOOKED


def test_undo_is_refused_when_a_created_centre_got_a_line_booked_by_hand(
    client, login_as, session, network, instance
):
    office = login_as("national", locale="en")
    record = committed(client, filled(template(client)))
    centre = session.scalars(select(Centre).where(Centre.code == "N101")).one()
    by_hand = factories.income(session, centre, "75.00", description="by hand")
    session.commit()
    before = counts(session)
    with pytest.raises(Conflict) as refused:
        undo_onboarding(session, office, record)
    assert refused.value.field == "centre"
    assert "N101" in refused.value.message and f"income line {by_hand.id}" in refused.value.message
    session.rollback()
    assert counts(session) == before and record.state == OnboardingState.BOOKED


def test_undo_is_refused_when_another_centres_agreement_uses_a_created_funder(
    client, login_as, session, network, instance
):
    office = login_as("national", locale="en")
    record = committed(client, filled(template(client)))
    funder = session.scalars(select(Funder).where(Funder.name == "Stichting Hulp")).one()
    factories.agreement(session, factories.centre(session), funder)
    with pytest.raises(Conflict) as refused:
        undo_onboarding(session, office, record)
    assert refused.value.field == "funder" and "Stichting Hulp" in refused.value.message
    assert refused.value.code == "in_use"


def test_a_workbook_cannot_be_undone_twice(client, login_as, session, network, instance):
    office = login_as("admin", locale="en")
    record = committed(client, filled(template(client)))
    undo_onboarding(session, office, record)
    session.commit()
    with pytest.raises(Conflict) as refused:
        undo_onboarding(session, office, record)
    assert refused.value.field == "state" and refused.value.code == "undone_already"
    assert "undone already" in str(refused.value.message)
    page = client.get(f"/imports/onboarding/booked/{record.id}").get_data(as_text=True)
    assert 'data-state="undone"' in page


def test_a_treasurer_cannot_undo_a_workbook(client, login_as, session, network, instance):
    login_as("national", locale="en")
    record = committed(client, filled(template(client)))
    centre = session.scalars(select(Centre).where(Centre.code == "N101")).one()
    treasurer = login_as("treasurer", centre=centre, locale="en")
    assert client.get(f"/imports/onboarding/booked/{record.id}").status_code == 403
    assert client.post(f"/imports/onboarding/booked/{record.id}/undo").status_code == 403
    with pytest.raises(NotAllowed):
        undo_onboarding(session, treasurer, record)
    assert record.state == OnboardingState.BOOKED and counts(session)["IncomeLine"] == 3


def test_a_big_workbook_is_previewed_and_committed_as_a_background_job(
    app, client, login_as, session, network, instance, monkeypatch
):
    monkeypatch.setitem(app.config, "FUNDTRACK_ONBOARDING_INLINE_BYTES", 10)
    login_as("national", locale="en")
    location = upload(client, filled(template(client))).headers["Location"]
    token = location.rstrip("/").split("/")[-1]
    meta = files.load_preview(str(instance), token)
    assert meta["state"] == "previewed" and meta["preview"]["counts"]["create"] == 11
    assert onboarding_jobs.progress_of(token) == {"done": 17, "total": 17}  # examples too
    assert 'data-create="11"' in client.get(location).get_data(as_text=True)
    assert counts(session)["Centre"] == 0  # the preview wrote nothing
    done = client.post(location + "/commit")
    assert done.headers["Location"] == location  # the job's page says how it went
    finished = client.get(location)
    assert finished.headers["Location"].endswith("/imports/onboarding")
    assert counts(session) == {"Region": 1, "Centre": 1, "Funder": 2, "FundingAgreement": 1,
                               "CostLine": 3, "IncomeLine": 3}  # fmt: skip
    amounts = session.scalars(select(IncomeLine.amount).order_by(IncomeLine.booking_date)).all()
    assert amounts == [Decimal("12000.00"), Decimal("1234.56"), Decimal("500.00")]
    assert session.scalars(select(Onboarding)).one().state == OnboardingState.BOOKED
    assert not list((instance / "imports").glob("*"))


def test_a_background_job_that_fails_shows_its_reason(
    app, client, login_as, session, network, instance, monkeypatch
):
    monkeypatch.setitem(app.config, "FUNDTRACK_ONBOARDING_INLINE_BYTES", 10)
    login_as("national", locale="en")
    book = load_workbook(io.BytesIO(template(client)))
    book["Regions"]["A1"] = "Something else"
    out = io.BytesIO()
    book.save(out)
    location = upload(client, out.getvalue()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'id="onboarding-error"' in page and "the heading row lacks Code" in page
    assert 'data-state="failed"' in page and 'http-equiv="refresh"' not in page
    assert counts(session) == {m.__name__: 0 for m in MODELS}


@pytest.mark.parametrize(
    ("column", "typed", "code"),
    [("year", "20x5", "not_a_year"), ("recurring", "maybe", "not_yes_or_no"),
     ("date", "31-02-2026", "not_a_date")],
)  # fmt: skip
def test_a_cell_the_reader_refuses_names_its_column_a_code_and_a_message_made_lazily(
    app, column, typed, code
):
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        onboarding_read._read(column, typed, "nl", "B (Jaar)")
    assert (refused.value.field, refused.value.code) == ("B (Jaar)", code)
    assert not isinstance(refused.value.message, str)  # put into words where it is shown
    with app.test_request_context():
        assert typed in str(refused.value.message)


def test_a_workbook_with_refused_rows_is_refused_whole_naming_the_sheet_in_words(
    client, login_as, session, network, instance, tmp_path
):
    office = login_as("national", locale="en")
    body = filled(template(client), {"Costs": [["N101", "2025", "actual", "rent", "12.345"]]})
    path = tmp_path / "book.xlsx"
    path.write_bytes(body)
    with pytest.raises(ValidationError) as refused:
        onboarding.commit(session, office, path, "en", filename="book.xlsx", sha256="0" * 64)
    assert refused.value.code == "rows_refused"
    assert "sheet Costs, row" in str(refused.value.message)
