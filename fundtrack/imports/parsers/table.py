"""CSV and XLSX files as rows of cells: the header, then each row with its number.

CSV: the encoding is UTF-8 (with or without a byte-order mark) when the whole file decodes
as such, else Windows-1252; the delimiter is sniffed among `; , tab |` (a one-column file
falls back to `;`, and the user may override it). Quotes are read strictly: a stray quote is
an error on its row, not a silently merged line. XLSX: read with calamine, in a child
process (`sandbox`), after `files.check_workbook` has checked what the archive unpacks to and
what its sheets declare; numbers become Decimals
from their shortest decimal form (the text the workbook stores), dates stay dates.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from fundtrack.imports.entries import ImportFileError

DELIMITERS = ";,\t|"
SAMPLE_BYTES = 64 * 1024
MAX_COLUMNS = 200
MAX_CELL = 10_000


def detect_encoding(stream) -> str:
    """utf-8-sig when every byte decodes as UTF-8, else cp1252 (what Excel on Windows saves)."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while chunk := stream.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)


def detect_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ";"


def csv_dialect(stream, encoding: str | None = None, delimiter: str | None = None):
    """(encoding, delimiter) for the file: detected unless the user chose them."""
    encoding = encoding or detect_encoding(stream)
    if not delimiter:
        stream.seek(0)
        sample = stream.read(SAMPLE_BYTES).decode(encoding, errors="replace")
        stream.seek(0)
        # The sniffer can be fooled by a cut-off last line: give it whole lines only.
        sample = sample.rsplit("\n", 1)[0] if "\n" in sample else sample
        delimiter = detect_delimiter(sample)
    return encoding, delimiter


def csv_rows(stream, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank row, header included."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    try:
        line = 1
        for cells in reader:
            number, line = line, reader.line_num + 1
            if any(cell.strip() for cell in cells):
                if len(cells) > MAX_COLUMNS or any(len(cell) > MAX_CELL for cell in cells):
                    raise ImportFileError(_l("the row is too wide or a cell too long"), row=number)
                yield number, cells
    except csv.Error as error:
        raise ImportFileError(
            _l("a quote is not where CSV allows one (%(why)s)", why=str(error)), row=reader.line_num
        ) from None
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _l("the text is not %(encoding)s (%(why)s)", encoding=encoding, why=str(error))
        ) from None
    finally:
        text.detach()


def _cell(value):
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # repr is the shortest decimal that reads back as this number: what the file holds.
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else ""
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    return "" if value is None else str(value)


def xlsx_rows(path, sheet: int = 0) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the workbook's first sheet: str, Decimal, date or ''.

    Read in a child process (`sandbox`): a hostile workbook cannot take this one down.
    """
    from fundtrack.imports.parsers.sandbox import workbook_lines

    if sheet != 0:
        raise ImportFileError(_l("only a workbook's first sheet is read as an income list"))
    lines = workbook_lines(path, "first", MAX_COLUMNS)
    if next(lines, None) is None:
        raise ImportFileError(_l("the workbook has no sheet"))
    for number, cells in lines:
        yield number, [_cell(value) for value in cells]
