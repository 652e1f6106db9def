"""Exported text that a spreadsheet would run as a formula is written as text."""

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
