"""Imports: a funder paying gets its one running agreement; with several, none is picked,
they are offered first, and a structural one among them is a question the preview asks."""

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from fundtrack.errors import from_stored
from fundtrack.imports import files, service
from fundtrack.imports.matching import Counterparties
from fundtrack.imports.models import Import
from fundtrack.income.models import FunderType, IncomeLine
from tests import factories

SAMPLE = Path(__file__).parent / "fixtures" / "imports" / "camt053_v02.xml"  # Haarlem, 10 March


@pytest.fixture
def books(session, network, tmp_path):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    town = factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    return {"centre": centre, "town": town, "instance": str(tmp_path),
            "user": factories.user(session, role="treasurer", centre=centre)}  # fmt: skip


def agreement(session, books, title, **values):
    values = {"start_date": date(2025, 1, 1)} | values
    return factories.agreement(session, books["centre"], books["town"], title=title, **values)


def project(session, books, title="Project voorjaar"):
    """Half a year, one-off: incidental by the rule."""
    return agreement(session, books, title, end_date=date(2025, 6, 30), recurring=False)


def preview(session, books, choices=None):
    with open(SAMPLE, "rb") as stream:
        record = service.receive(session, books["user"], books["centre"], stream, SAMPLE.name,
                                 books["instance"], 1024 * 1024)  # fmt: skip
    if choices:
        service.set_choices(session, books["user"], record, choices)
    return record, service.preview(session, books["user"], record, books["instance"])


def haarlem(data) -> dict:
    return next(row for row in data["rows"] if row["name"] == "Gemeente Haarlem")


def test_a_funder_with_one_running_agreement_gets_it_filled_in(session, books):
    agreement(session, books, "Subsidie 2024", start_date=date(2024, 1, 1),
              end_date=date(2024, 12, 31))  # fmt: skip
    running = agreement(session, books, "Wmo-subsidie 2025")
    _record, data = preview(session, books)
    row = haarlem(data)
    assert row["match"]["kind"] == "agreement" and row["match"]["id"] == running.id
    assert row["structural"] and row["status"] == "book"


def test_several_running_agreements_none_structural_pick_none_and_are_offered_first(session, books):
    spring = project(session, books)
    summer = project(session, books, "Project zomer")
    record, data = preview(session, books)
    row = haarlem(data)
    assert row["status"] == "book" and row["match"]["kind"] == "funder"
    assert row["structural"] is False
    known = Counterparties.load(session, books["user"], books["centre"])
    payer = next(p for p in data["payers"] if p["name"] == "Gemeente Haarlem")
    offered = known.offered_to(payer["match"], date.fromisoformat(payer["day"]))
    assert {a.id for a in offered} == {spring.id, summer.id}


def test_a_structural_agreement_among_several_is_a_question_until_a_choice_answers_it(
    session, books
):
    subsidy = agreement(session, books, "Wmo-subsidie 2025")
    project(session, books)
    record, data = preview(session, books)
    row = haarlem(data)
    assert row["status"] == "error" and data["counts"]["error"] == 1
    assert said_errors(row["errors"]) == [["name",
        "Gemeente Haarlem has a structural agreement 'Wmo-subsidie 2025' running on Mar 10, 2025:"
        " book the line to it, or confirm it is incidental"]]  # fmt: skip
    key = row["key"]
    # Choosing the funder itself is the confirmation: booked incidental, to the funder alone.
    funder_alone = {key: {"kind": "funder", "id": books["town"].id}}
    record, data = preview(session, books, funder_alone)
    assert haarlem(data)["status"] == "book" and haarlem(data)["structural"] is False
    service.commit(session, books["user"], record, books["instance"])
    line = session.scalar(select(IncomeLine).where(IncomeLine.funder_id == books["town"].id))
    assert line.agreement_id is None
    # Choosing the agreement books it structural.
    under_it = {key: {"kind": "agreement", "id": subsidy.id}}
    _record, data = preview(session, books, under_it)
    assert haarlem(data)["match"]["id"] == subsidy.id and haarlem(data)["structural"]


def test_the_preview_says_structural_or_incidental_per_line_and_offers_the_funders_agreements(
    client, login_as, session, books, app, tmp_path, monkeypatch
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    agreement(session, books, "Wmo-subsidie 2025")
    project(session, books)
    factories.donor(session, books["centre"], name="Jan de Vries", iban="NL20INGB0001234567")
    login_as("treasurer", centre=books["centre"], locale="en")
    client.post("/imports/", data={"centre": "HLM", "file": (io.BytesIO(SAMPLE.read_bytes()),
                SAMPLE.name)}, content_type="multipart/form-data")  # fmt: skip
    record = session.scalars(select(Import)).one()
    page = " ".join(client.get(f"/imports/{record.id}").get_data(as_text=True).split())
    assert "Gemeente Haarlem has a structural agreement" in page
    offered = page[page.index('class="offered-first"') :]
    offered = offered[: offered.index("</optgroup>")]
    assert "Gemeente Haarlem: Wmo-subsidie 2025 (structural)" in offered
    assert "Gemeente Haarlem: Project voorjaar (incidental)" in offered
    key = haarlem(files.load_preview(str(tmp_path), record.token))["key"]
    client.post(f"/imports/{record.id}/choices",
                data={"key-1": key, "choice-1": f"funder:{books['town'].id}"})  # fmt: skip
    page = " ".join(client.get(f"/imports/{record.id}").get_data(as_text=True).split())
    assert "has a structural agreement" not in page
    rows = page[page.index('id="rows"') :]
    line = rows[rows.index("Gemeente Haarlem") :]
    line = line[: line.index("</tr>")]
    assert 'data-structural="no">incidental</span>' in line  # the funder's line, confirmed
    gift = rows[rows.index("J. de Vries") :]
    assert 'data-structural="no">incidental</span>' in gift[: gift.index("</tr>")]


def said(message) -> str:
    """A reason or refusal the plan keeps (msgid and parameters), in English words."""
    return str(from_stored(message))


def said_errors(errors) -> list:
    return [[column, said(message)] for column, message in errors]
