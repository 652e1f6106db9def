"""The network onboarding workbook: the template round-trips to the dashboard's figures,
errors are named by sheet, row and column with nothing written, a second import creates
nothing, treasurers are refused, a zip bomb is refused; the command line and its dry run."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.centres.models import Centre, Region
from fundtrack.costs.models import CostLine
from fundtrack.imports import onboarding
from fundtrack.income.models import Funder, FundingAgreement, IncomeLine, IncomeSource
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
