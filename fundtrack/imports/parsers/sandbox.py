"""Workbooks are opened in a child process with a memory, CPU-time and wall-clock limit.

The reader (calamine) is native code that aborts the process it runs in when a hostile file
makes it ask for more memory than there is; in the web worker that would take every request
and the sign-in throttle's counts down with it. `files.check_workbook` refuses what a
workbook declares before this runs; whatever gets past it is read here, by
`workbook_child.py` in a process of its own, into an unnamed temporary file that is gone
as soon as it is closed. A child that is killed or aborts becomes an `ImportFileError`.
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fundtrack.imports.entries import ImportFileError

CHILD = Path(__file__).with_name("workbook_child.py")
DEFAULT_MEMORY_MB = 1024
DEFAULT_SECONDS = 120
MAX_OUTPUT_BYTES = 1024 * 1024 * 1024


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


def workbook_lines(path, which: str, max_columns: int) -> Iterator[tuple]:
    """("sheet", name) before each sheet, then (row number, cells) for each row with a value.

    `which` is "first" or "all". Cells are what calamine gives (str, float, int, bool,
    date, datetime, None).
    """
    memory, seconds = limits()
    command = [sys.executable, "-I", str(CHILD), str(path), which, str(max_columns)]
    command += [str(memory), str(seconds), str(MAX_OUTPUT_BYTES)]
    with tempfile.TemporaryFile() as out:
        try:
            done = subprocess.run(
                command, stdout=out, stderr=subprocess.PIPE, timeout=seconds + 5, check=False
            )
        except subprocess.TimeoutExpired:
            raise ImportFileError(
                f"the workbook took more than {seconds} seconds to read: refused"
            ) from None
        if done.returncode == 2:
            reason = done.stderr.decode("utf-8", "replace").strip()
            raise ImportFileError(f"the workbook cannot be read ({reason})")
        if done.returncode != 0:
            raise ImportFileError(_why(done.returncode, memory, seconds))
        out.seek(0)
        for line in out:
            item = json.loads(line)
            if isinstance(item, dict):
                yield "sheet", item["sheet"]
            else:
                yield item[0], [_decode(value) for value in item[1]]


def _why(code: int, memory: int, seconds: int) -> str:
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"the workbook took more than {seconds} seconds to read: refused"
    if code == -signal.SIGXFSZ:
        return "the workbook holds more cells than can be imported at once"
    # An abort (SIGABRT) is what calamine does when the memory limit stops an allocation.
    return (
        f"the workbook asks for more than {memory // 2**20} MiB of memory to be read, which no"
        " income list needs: refused as a hostile or damaged file"
    )
