"""Every refusal of the onboarding workbook (imports/onboarding/), raised through the real
reader and operations on a real database, reads in Dutch and in Norwegian: no English
sentence and no field's code name. One case per code; a code raised in the package without
a case here fails `test_every_onboarding_code_has_a_case`."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from fundtrack.centres.models import Centre, FiscalYearLock
from fundtrack.errors import DomainError
from fundtrack.imports.onboarding import operations as onboarding
from fundtrack.imports.onboarding import read
from fundtrack.imports.onboarding.sheets import template
from fundtrack.imports.onboarding.undo import undo_onboarding
from fundtrack.income.models import FunderType
from tests import factories
from tests.test_errors_in_words import _check_words
from tests.test_imports_onboarding import ROWS

PACKAGE = Path(__file__).resolve().parent.parent / "fundtrack" / "imports" / "onboarding"


@pytest.fixture
def ob(app, session, network, tmp_path):
    with app.test_request_context("/"):
        blank = template()
    return {"session": session, "office": factories.user(session, role="national"),
            "tmp": tmp_path, "template": blank}  # fmt: skip


def _book(ob, rows: dict | None = None, blank: bytes | None = None) -> Path:
    book = load_workbook(io.BytesIO(blank or ob["template"]))
    for name, lines in (ROWS if rows is None else rows).items():
        for line in lines:
            book[name].append(line)
    path = ob["tmp"] / f"book-{len(list(ob['tmp'].iterdir()))}.xlsx"
    book.save(path)
    return path


def _sheet(ob, name: str, lines: list) -> Path:
    book = Workbook()
    page = book.active
    page.title = name
    for line in lines:
        page.append(line)
    path = ob["tmp"] / f"{name}.xlsx"
    book.save(path)
    return path


def _committed(ob):
    path = _book(ob)
    return onboarding.commit(ob["session"], ob["office"], path, "en", filename=path.name,
                             sha256="0" * 64)  # fmt: skip


def _record(ob):
    from fundtrack.imports.onboarding.models import Onboarding

    return ob["session"].get(Onboarding, _committed(ob)["onboarding_id"])


def _agreement(ob, **values):
    centre = factories.centre(ob["session"], code="HLM")
    town = factories.funder(ob["session"], name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    return onboarding._agreement_id(ob["session"], {
        "centre": centre.code, "funder": town.name, "agreement": "Subsidie",
        "date": date(2025, 6, 1),
    } | values)  # fmt: skip


def _ambiguous(ob):
    centre = factories.centre(ob["session"], code="HLM")
    town = factories.funder(ob["session"], name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    for _ in range(2):
        factories.agreement(ob["session"], centre, town, title="Subsidie",
                            start_date=date(2025, 1, 1))  # fmt: skip
    values = {"centre": "HLM", "funder": town.name, "agreement": "Subsidie",
              "date": date(2025, 6, 1)}  # fmt: skip
    onboarding._agreement_id(ob["session"], values)


def _too_many_rows(ob, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 3)
    read.read_workbook(_book(ob, {"Regions": [["A", "Aa"], ["B", "Bb"], ["C", "Cc"]]}), "en")


def _year_closed(ob):
    record = _record(ob)
    ob["session"].add(FiscalYearLock(year=2025))
    ob["session"].flush()
    undo_onboarding(ob["session"], ob["office"], record)


def _in_use(ob):
    record = _record(ob)
    centre = ob["session"].scalars(select(Centre).where(Centre.code == "N101")).one()
    factories.income(ob["session"], centre, "75.00", booking_date=date(2026, 3, 1))
    undo_onboarding(ob["session"], ob["office"], record)


def _undone_twice(ob):
    record = _record(ob)
    undo_onboarding(ob["session"], ob["office"], record)
    undo_onboarding(ob["session"], ob["office"], record)


def _raise(error):
    raise error


CASES = [
    ("not_xlsx", lambda ob, mp: _raise(onboarding.not_a_workbook())),
    ("unknown_funder", lambda ob, mp: onboarding._funder_id(ob["session"], "Niemand")),
    ("agreement_without_funder", lambda ob, mp: _agreement(ob, funder=None)),
    ("unknown_agreement", lambda ob, mp: _agreement(ob)),
    ("ambiguous_agreement", lambda ob, mp: _ambiguous(ob)),
    ("rows_refused", lambda ob, mp: onboarding.commit(
        ob["session"], ob["office"], _book(ob, {"Costs": [["N101", "20x5", "actual", "staff", 5]]}),
        "en", filename="b.xlsx", sha256="0" * 64)),
    ("no_known_sheet", lambda ob, mp: read.read_workbook(_sheet(ob, "Blad1", [["a"]]), "en")),
    ("too_many_rows", _too_many_rows),
    ("missing_columns", lambda ob, mp: read.read_workbook(
        _sheet(ob, "Costs", [["Centre", "Year"], ["N101", 2025]]), "en")),
    ("not_a_year", lambda ob, mp: read._read("year", "20x5", "nl", "B (Jaar)")),
    ("not_yes_or_no", lambda ob, mp: read._read("recurring", "misschien", "nl", "F (Terugkerend)")),
    ("not_a_date", lambda ob, mp: read._read("date", "31-02-2026", "nl", "B (Datum)")),
    ("year_closed", lambda ob, mp: _year_closed(ob)),
    ("in_use", lambda ob, mp: _in_use(ob)),
    ("undone_already", lambda ob, mp: _undone_twice(ob)),
]  # fmt: skip


@pytest.mark.parametrize(("code", "make"), CASES, ids=[code for code, _make in CASES])
def test_an_onboarding_refusal_reads_in_dutch_and_norwegian(app, ob, monkeypatch, code, make):
    with app.test_request_context("/"), pytest.raises(DomainError) as refused:
        make(ob, monkeypatch)
    assert refused.value.code == code, str(refused.value)
    _check_words(app, refused.value.message, code)


def test_every_onboarding_code_has_a_case():
    raised = set()
    for source in PACKAGE.rglob("*.py"):
        raised |= set(re.findall(r'\bcode="([a-z_]+)"', source.read_text()))
    assert raised <= {code for code, _make in CASES}, raised - {code for code, _make in CASES}
