"""Uploaded files are read in a child process with a memory, CPU-time and wall-clock limit.

The workbook reader (calamine) is native code that aborts the process it runs in when a
hostile file makes it ask for more memory than there is; in the web worker that would take
every request and the sign-in throttle's counts down with it. The statement and CSV readers
(lxml, mt940, csv) are read the same way: a file built to exhaust memory or time ends the
child, never the worker. `files.check_size` and `files.check_workbook` refuse what a file
declares before this runs; whatever gets past them is read here, by `workbook_child.py` or
`statement_child.py` in a process of its own (one per file, not per row), into an unnamed
temporary file that is gone as soon as it is closed. A child that is killed or aborts
becomes an `ImportFileError`.
"""

import datetime
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

from flask_babel import lazy_gettext as _l

from fundtrack.imports.entries import Entry, ImportFileError

CHILD = Path(__file__).with_name("workbook_child.py")
STATEMENT_CHILD = Path(__file__).with_name("statement_child.py")
DEFAULT_MEMORY_MB = 1024
DEFAULT_SECONDS = 120
MAX_OUTPUT_BYTES = 1024 * 1024 * 1024
log = logging.getLogger(__name__)


def limits() -> tuple[int, int]:
    """(memory in bytes, seconds) a workbook may take to read; from the environment."""
    memory = int(os.environ.get("FUNDTRACK_PARSER_MEMORY_MB") or DEFAULT_MEMORY_MB)
    seconds = int(os.environ.get("FUNDTRACK_PARSER_SECONDS") or DEFAULT_SECONDS)
    return memory * 1024 * 1024, seconds


def _decode(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
    return value


def _run(script: Path, arguments: list[str], what) -> tuple[IO[bytes], int, bytes]:
    """Run a reader script with the limits: its output (JSON lines) in a temporary file at
    its start, its exit status (0, or 2 when it refused the file) and what it wrote on
    stderr. A script that fails otherwise or is killed becomes an ImportFileError."""
    memory, seconds = limits()
    command = [sys.executable, "-I", str(script), *arguments]
    command += [str(memory), str(seconds), str(MAX_OUTPUT_BYTES)]
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller, who closes it)
    try:
        try:
            done = subprocess.run(
                command, stdout=out, stderr=subprocess.PIPE, timeout=seconds + 5, check=False
            )
        except subprocess.TimeoutExpired:
            raise ImportFileError(_too_long(what, seconds)) from None
        if done.returncode not in (0, 2):
            if done.returncode > 0 and b"MemoryError" not in done.stderr:
                # A reader's bug rather than a hostile file: the log says which.
                log.error("reader %s failed: %s", script.name, done.stderr[-2000:])
            raise ImportFileError(_why(done.returncode, memory, seconds, what))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, done.returncode, done.stderr


def workbook_lines(path, which: str, max_columns: int) -> Iterator[tuple]:
    """("sheet", name) before each sheet, then (row number, cells) for each row with a value.

    `which` is "first" or "all". Cells are what calamine gives (str, float, int, bool,
    date, datetime, None).
    """
    out, status, stderr = _run(CHILD, [str(path), which, str(max_columns)], _l("the workbook"))
    with out:
        if status == 2:
            reason = stderr.decode("utf-8", "replace").strip()
            raise ImportFileError(_l("the workbook cannot be read (%(reason)s)", reason=reason))
        for line in out:
            item = json.loads(line)
            if isinstance(item, dict):
                yield "sheet", item["sheet"]
            else:
                yield item[0], [_decode(value) for value in item[1]]


def statement_entries(path, kind: str) -> Iterator[Entry]:
    """The entries of a camt.053 or MT940 statement, read in a child process, in order; a
    refusal of the whole file comes where the reader made it (after the entries before)."""
    out, _status, _stderr = _run(
        STATEMENT_CHILD, [kind, str(path), "", "", "0"], _l("the statement")
    )
    with out:
        for line in out:
            item = json.loads(line)
            if item[0] == "x":
                raise _refusal(item)
            yield _entry(item[1])


def csv_lines(path, encoding: str | None, delimiter: str | None, limit: int = 0) -> Iterator:
    """First (encoding, delimiter) as detected or given, then (line number, cells) for each
    non-blank row (at most `limit` when it is not 0), read in a child process."""
    arguments = ["csv", str(path), encoding or "", delimiter or "", str(limit)]
    out, _status, _stderr = _run(STATEMENT_CHILD, arguments, _l("the file"))
    with out:
        for line in out:
            item = json.loads(line)
            if item[0] == "x":
                raise _refusal(item)
            yield item[1], item[2]


def _message(value):
    if isinstance(value, dict):
        return _l(value["id"], **{k: _message(v) for k, v in value.get("kw", {}).items()})
    return value


def _refusal(item: list) -> ImportFileError:
    return ImportFileError(_message(item[1]), row=item[2], column=item[3])


_NAMES = [f.name for f in fields(Entry)]
_DATE, _AMOUNT, _ERRORS = (_NAMES.index(n) for n in ("booking_date", "amount", "errors"))


def _entry(values: list) -> Entry:
    """An entry from its fields in `Entry`'s order (what the child wrote): by position, since
    a statement of 100,000 entries makes this the parent's whole share of the reading."""
    day, amount, errors = values[_DATE], values[_AMOUNT], values[_ERRORS]
    values[_DATE] = date.fromisoformat(day) if day else None
    values[_AMOUNT] = Decimal(amount) if amount is not None else None
    values[_ERRORS] = [(column, _message(text)) for column, text in errors] if errors else []
    return Entry(*values)


def _too_long(what, seconds: int):
    return _l("%(what)s took more than %(seconds)s seconds to read: refused", what=what,
              seconds=seconds)  # fmt: skip


def _why(code: int, memory: int, seconds: int, what):
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return _too_long(what, seconds)
    if code == -signal.SIGXFSZ:
        return _l("%(what)s holds more than can be imported at once", what=what)
    # An abort (SIGABRT) is what calamine does when the memory limit stops an allocation;
    # Python's own readers end with MemoryError (status 1).
    return _l(
        "%(what)s asks for more than %(mib)s MiB of memory to be read, which no income list"
        " needs: refused as a hostile or damaged file",
        what=what,
        mib=memory // 2**20,
    )
