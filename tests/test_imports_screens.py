"""The import screens: upload, columns, preview, corrections, booking, undo; big files as
background jobs; another centre's import is 404; the command line and its dry run."""

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fundtrack.imports.models import Import, ImportState
from fundtrack.income.models import IncomeLine
from tests import factories

SAMPLES = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM", name="Inloophuis Haarlem")


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path


def upload(client, name: str, data: bytes | None = None, centre="HLM"):
    body = data if data is not None else (SAMPLES / name).read_bytes()
    return client.post(
        "/imports/",
        data={"centre": centre, "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def income_count(session) -> int:
    return session.scalar(select(func.count()).select_from(IncomeLine))


def test_a_statement_is_previewed_then_booked_then_undone_after_a_question(
    client, login_as, session, centre, instance
):
    login_as("treasurer", centre=centre, locale="en")
    response = upload(client, "camt053_v02.xml")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert b'data-state="previewed"' in page.data and b"J. de Vries" in page.data
    assert income_count(session) == 0
    record = session.scalars(select(Import)).one()
    assert list((instance / "imports").glob("*.upload")) == [
        instance / "imports" / f"{record.token}.upload"
    ]
    booked = client.post(f"/imports/{record.id}/commit")
    assert booked.status_code == 303
    assert income_count(session) == 2
    assert list((instance / "imports").glob("*")) == []  # the file is gone once booked
    page = client.get(f"/imports/{record.id}")
    assert b'data-state="booked"' in page.data
    # Undoing asks first, naming the lines and their total; only "yes" undoes.
    question = client.get(f"/imports/{record.id}/undo").get_data(as_text=True)
    lines, total = session.execute(
        select(func.count(IncomeLine.id), func.sum(IncomeLine.amount))
    ).one()
    assert f'data-lines="2" data-total="{total}"' in question
    assert "Undoing removes 2 lines from the books, together" in question
    client.post(f"/imports/{record.id}/undo")
    assert income_count(session) == 2
    client.post(f"/imports/{record.id}/undo", data={"confirm": "yes"})
    assert income_count(session) == 0


def test_a_spreadsheet_asks_for_its_columns_first(client, login_as, session, centre, instance):
    login_as("treasurer", centre=centre, locale="en")
    response = upload(client, "rabobank_nl.csv")
    assert response.headers["Location"].endswith("/columns")
    page = client.get(response.headers["Location"])
    assert b"Naam tegenpartij" in page.data
    form = {"col-date": "4", "col-amount": "6", "col-name": "9", "col-iban": "8",
            "col-description": "10", "col-external_id": "3", "decimal": ","}  # fmt: skip
    done = client.post(response.headers["Location"], data=form)
    page = client.get(done.headers["Location"])
    assert b'data-state="previewed"' in page.data and b"Gemeente Haarlem" in page.data


def test_odd_digits_in_a_column_or_a_choice_are_refused_not_a_crash(
    client, login_as, session, centre, instance
):
    login_as("treasurer", centre=centre, locale="en")
    columns = upload(client, "rabobank_nl.csv").headers["Location"]
    form = {"col-date": "\u00b2", "col-amount": "6", "col-name": "9", "decimal": ","}
    assert client.post(columns, data=form).status_code == 200
    record = session.scalars(select(Import)).one()
    for odd in ("\u00b2", "9" * 5000):
        response = client.post(
            f"/imports/{record.id}/choices", data={"choice-1": f"donor:{odd}", "key-1": "x"}
        )
        assert response.status_code == 303
    assert income_count(session) == 0


def test_a_renamed_image_and_an_oversized_file_are_refused_on_the_screen(
    app, client, login_as, session, centre, instance, monkeypatch
):
    login_as("treasurer", centre=centre, locale="en")
    response = upload(client, "statement.xml", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert b"PNG image" in page.data
    monkeypatch.setitem(app.config, "FUNDTRACK_IMPORT_MAX_BYTES", 1000)
    response = upload(client, "camt053_v02.xml")
    page = client.get(response.headers["Location"])
    assert b"at most 1,000 bytes" in page.data or response.status_code == 413
    assert session.scalar(select(func.count()).select_from(Import)) == 0
    assert not list((instance / "imports").glob("*.upload"))


def test_another_centres_import_is_not_found(client, login_as, session, centre, instance):
    login_as("treasurer", centre=centre, locale="en")
    upload(client, "camt053_v02.xml")
    record = session.scalars(select(Import)).one()
    other = factories.centre(session)
    login_as("treasurer", centre=other, locale="en")
    assert client.get(f"/imports/{record.id}").status_code == 404
    assert client.post(f"/imports/{record.id}/commit").status_code == 404
    assert income_count(session) == 0


def test_a_big_file_is_previewed_and_booked_as_a_background_job(
    app, client, login_as, session, centre, instance, monkeypatch
):
    monkeypatch.setitem(app.config, "FUNDTRACK_IMPORT_INLINE_BYTES", 10)
    login_as("treasurer", centre=centre, locale="en")
    response = upload(client, "mt940_ing.sta")
    record = session.scalars(select(Import)).one()
    assert record.state == ImportState.PREVIEWED  # the job ran (inline in tests)
    client.post(f"/imports/{record.id}/commit")
    session.refresh(record)
    assert record.state == ImportState.BOOKED and income_count(session) == 1
    assert response.status_code == 303


def test_the_command_line_import_with_a_dry_run_writes_nothing(app, session, centre, instance):
    runner = app.test_cli_runner()
    session.commit()
    result = runner.invoke(
        args=["import", str(SAMPLES / "camt053_v02.xml"), "--centre", "HLM", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "2 to book (12750.00 EUR)" in result.output and "nothing was written" in result.output
    assert income_count(session) == 0
    result = runner.invoke(args=["import", str(SAMPLES / "camt053_v02.xml"), "--centre", "HLM"])
    assert result.exit_code == 0, result.output
    assert income_count(session) == 2


def test_the_command_line_refuses_a_broken_statement_with_its_line(app, session, centre):
    session.commit()
    result = app.test_cli_runner().invoke(
        args=["import", str(SAMPLES / "mt940_broken_balance.sta"), "--centre", "HLM"]
    )
    assert result.exit_code == 1 and "row 5" in result.output
    assert income_count(session) == 0


_cell = st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\x00"), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.tuples(_cell, _cell, _cell), min_size=1, max_size=8))
def test_any_csv_gives_entries_or_a_clear_error_never_a_crash(tmp_path_factory, rows):
    import csv

    from fundtrack.imports import files
    from fundtrack.imports.entries import ImportFileError
    from fundtrack.imports.parsers import read_entries

    path = tmp_path_factory.mktemp("csv") / "gen.csv"
    with open(path, "w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Datum", "Bedrag", "Naam"])
        writer.writerows(rows)
    options = {"mapping": {"columns": {"date": 0, "amount": 1, "name": 2}, "decimal": ","}}
    try:
        for entry in read_entries(path, files.CSV, options):
            assert entry.errors or (entry.amount is not None and entry.booking_date is not None)
            for column, message in entry.errors:
                assert column and message
    except ImportFileError as error:
        assert error.message
