"""Our interface to the statement and spreadsheet readers: a file in, entries out.

`read_entries(path, kind, options)` yields `Entry` objects in file order, whatever the format;
`table_head` gives a spreadsheet's header and first rows for the column mapping. Every
reader raises `ImportFileError` for a file it cannot read as a whole. Every file is read in
a child process with a memory and time limit (`sandbox`), one child per file.
"""

from collections.abc import Iterator
from pathlib import Path

from flask_babel import lazy_gettext as _l

from fundtrack.imports import files
from fundtrack.imports.entries import Entry, ImportFileError
from fundtrack.imports.mapping import entry_from_row
from fundtrack.imports.parsers import sandbox, table

SAMPLE_ROWS = 8


def _table_rows(path: Path, kind: str, options: dict, limit: int = 0) -> Iterator[tuple[int, list]]:
    if kind == files.XLSX:
        yield from table.xlsx_rows(path)
        return
    lines = sandbox.csv_lines(path, options.get("encoding"), options.get("delimiter"), limit)
    encoding, delimiter = next(lines)
    options.setdefault("encoding", encoding)
    options.setdefault("delimiter", delimiter)
    yield from lines


def table_head(path: Path, kind: str, options: dict) -> tuple[list, list[list]]:
    """The header row and the first rows after it; `options` gains the detected dialect."""
    rows = _table_rows(path, kind, options, limit=SAMPLE_ROWS + 1)
    try:
        _number, header = next(rows)
    except StopIteration:
        raise ImportFileError(_l("the file has no rows")) from None
    sample = []
    for _number, cells in rows:
        sample.append(cells)
        if len(sample) >= SAMPLE_ROWS:
            break
    rows.close()
    return [str(cell) for cell in header], sample


def read_entries(path: Path, kind: str, options: dict) -> Iterator[Entry]:
    """Every entry of the file at `path`, in order."""
    if kind in (files.CAMT, files.MT940):
        yield from sandbox.statement_entries(path, kind)
        return
    mapping = options.get("mapping")
    if not mapping:
        raise ImportFileError(_l("confirm which column holds what first"))
    rows = _table_rows(path, kind, options)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_l("the file has no rows"))
    width = len(header[1])
    mapping = mapping | {"header": {str(i): str(name) for i, name in enumerate(header[1])}}
    for number, cells in rows:
        entry = entry_from_row(number, cells, mapping)
        if len(cells) > width and any(str(c).strip() for c in cells[width:]):
            entry.refuse(
                "row",
                _l("%(cells)s cells where the header has %(width)s", cells=len(cells), width=width),
            )
        yield entry
