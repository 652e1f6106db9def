"""Every sample statement in tests/fixtures/banks through the whole import, on the database.

The samples come from the test suites of statement parsers and bank-import projects (their
repository, commit, path and licence in tests/fixtures/banks/SOURCES) and a few made by hand
in the layouts of banks with no public sample. Each file's outcome is in expected.toml: what
reads is previewed, booked (a row nobody can place is left out, as a treasurer would) and
imported again to book nothing; what is refused says why and, where it has one, the row;
nothing raises anything else.
"""

import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundtrack.imports import service
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.plan import ERROR
from fundtrack.income.models import IncomeLine
from tests import factories

CORPUS = Path(__file__).parent / "fixtures" / "banks"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
LIMIT = 4 * 1024 * 1024


def _samples() -> list[str]:
    return sorted(
        str(path.relative_to(CORPUS))
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in ("SOURCES", "expected.toml")
    )


def _sources() -> dict[str, list[str]]:
    rows = {}
    for line in (CORPUS / "SOURCES").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, *rest = line.split("\t")
            rows[name] = rest
    return rows


def test_every_sample_has_its_source_licence_and_expected_outcome():
    sources = _sources()
    assert sorted(sources) == _samples() == sorted(EXPECTED)
    for name, (repository, commit, path, licence) in sources.items():
        assert repository and path, name
        if commit == "hand-made":
            assert licence == "own (made for these tests)", name
            continue
        assert re.fullmatch(r"[0-9a-f]{40}", commit), name
        assert licence in ("MIT", "BSD-3-Clause", "Apache-2.0", "AGPL-3.0", "LGPL-3.0"), name


def _import(session, user, centre, name: str, instance: str):
    with open(CORPUS / name, "rb") as stream:
        record = service.receive(session, user, centre, stream, Path(name).name, instance, LIMIT)
    if service.needs_mapping(record):
        return record, None
    return record, service.preview(session, user, record, instance)


def _booked(session, centre) -> int:
    lines = select(func.count(IncomeLine.id)).where(IncomeLine.centre_id == centre.id)
    return session.scalar(lines)


@pytest.mark.parametrize("name", _samples())
def test_a_sample_statement_books_once_or_is_refused_naming_row_and_reason(
    session, network, tmp_path, name
):
    expected = EXPECTED[name]
    centre = factories.centre(session, currency=expected.get("currency", "EUR"))
    user = factories.user(session, role="treasurer", centre=centre)
    instance = str(tmp_path)
    try:
        record, data = _import(session, user, centre, name, instance)
    except ImportFileError as refusal:
        assert expected["outcome"] == "refused", f"{name}: {refusal}"
        assert re.search(expected["reason"], str(refusal.message)), str(refusal.message)
        assert refusal.row == expected.get("row"), str(refusal)
        return
    if data is None:
        assert expected["outcome"] == "spreadsheet", name
        return
    assert expected["outcome"] == "parses", name
    counts = data["counts"]
    assert (data["rows_total"], counts["book"], counts["error"]) == (
        expected["rows"],
        expected["book"],
        expected.get("error", 0),
    ), counts
    shown = data["rows"] + data["more_errors"]
    in_error = [row for row in shown if row["status"] == ERROR]
    assert all(row["errors"] and all(column and why for column, why in row["errors"])
               for row in in_error)  # fmt: skip
    if in_error:
        # What nobody can place is left out in the preview, the rest books.
        left_out = {row["key"]: {"kind": "skip"} for row in in_error}
        service.set_choices(session, user, record, left_out)
        data = service.preview(session, user, record, instance)
        assert data["counts"]["error"] == 0
    service.commit(session, user, record, instance)
    assert _booked(session, centre) == data["counts"]["book"]
    again, data = _import(session, user, centre, name, instance)
    # Nothing books twice; a row left out is asked about again (leaving out is not kept).
    assert (data["counts"]["book"], data["counts"]["error"]) == (0, counts["error"])
    assert again.options.get("same_file_as") == record.id
