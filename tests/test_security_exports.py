"""Exported text that a spreadsheet would run as a formula is written as text."""

import csv
import io

import pytest

from fundtrack.share.exports import Column, Table, to_csv


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"],
)
def test_exported_cells_starting_a_formula_are_neutralised(name):
    table = Table("t", [Column("Name"), Column("Costs", "money")], [[name, "-12.50"]])
    line = to_csv(table).splitlines()[1]
    assert line.startswith(("'" + name[0], "\"'" + name[0]))
    assert line.endswith(",-12.50")  # a negative amount stays a number


def test_plain_names_are_written_as_they_are():
    table = Table("t", [Column("Name")], [["Inloophuis De Boei"]])
    assert to_csv(table).splitlines()[1] == "Inloophuis De Boei"


def test_the_360giving_csv_neutralises_a_formula_in_a_project_name(session, network):
    from fundtrack.grants import giving360
    from tests import factories
    from tests.grant_helpers import awarded

    national = factories.user(session, role="national")
    centre = factories.centre(session, code="OWN")
    dam = factories.funder(session, type="foundation", name="@SUM(1+1)*cmd")
    awarded(session, centre, funder=dam, project_name='=HYPERLINK("http://evil.example")')
    text = giving360.flattened_csv(giving360.package(session, national))
    row = dict(zip(*list(csv.reader(io.StringIO(text))), strict=True))
    assert row["Title"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Funding Org:Name"] == "'@SUM(1+1)*cmd"


def test_an_xlsx_cell_starting_a_formula_is_text():
    from openpyxl import Workbook, load_workbook

    from fundtrack.spreadsheets import append_row

    book = Workbook()
    append_row(book.active, ["=1+1", 5])
    out = io.BytesIO()
    book.save(out)
    cell, number = load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert (number.value, number.data_type) == (5, "n")


def test_an_xlsx_cell_drops_the_control_characters_xml_cannot_hold():
    from openpyxl import Workbook, load_workbook

    from fundtrack.spreadsheets import append_row

    book = Workbook()
    append_row(book.active, ["Inloop\x0bhuis\x00 De\x1f Boei"])
    out = io.BytesIO()
    book.save(out)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A1"].value == "Inloophuis De Boei"
