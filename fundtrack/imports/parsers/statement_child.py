"""Run as a script in a child process: a bank statement's entries, or a CSV file's rows, out
as JSON lines on stdout.

The readers (lxml for camt.053, the mt940 package, Python's csv) read whatever an upload
holds; a file made to blow up memory or time must end this process, never the web or job
worker. `sandbox.statement_entries` and `sandbox.csv_lines` start this script with
`python -I` and the limits below are set before the file is opened. Only the reader modules
are imported (the `fundtrack` package's own start-up, Flask's application, is not): a child
starts in a fraction of a second and runs once per file, not per row.

Output, one JSON value per line:
- camt053 / mt940: `["e", [...]]` per entry, its fields in `Entry`'s order (dates as ISO
  text, amounts as decimal text, refusals as `[column, message]`);
- csv: `["d", encoding, delimiter]` first, then `["r", number, cells]` per row;
- `["x", message, row, column]` last when the file is refused as a whole (ImportFileError).
A message is text, or `{"id": msgid, "kw": {...}}` for a lazy one, made again in the parent.
"""

import json
import resource
import sys
import types
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path


def _limit(memory_bytes: int, cpu_seconds: int, output_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _readers_only() -> None:
    """Make `fundtrack.imports.parsers.*` importable without running the packages' own
    `__init__` files (which start Flask and every domain)."""
    root = Path(__file__).resolve().parents[3]
    sys.path.insert(0, str(root))
    for name in ("fundtrack", "fundtrack.imports", "fundtrack.imports.parsers"):
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")))]
        sys.modules[name] = package


def message(value):
    """A refusal's message as JSON: lazy gettext strings keep their msgid and parameters."""
    func = getattr(value, "_func", None)
    args = getattr(value, "_args", None)
    if func is not None and args and getattr(func, "__name__", "") == "gettext":
        # A message within the message ("… and entries 1 to 3 (…)") stays lazy too.
        kwargs = {k: v if isinstance(v, (int, str)) else message(v)
                  for k, v in (getattr(value, "_kwargs", None) or {}).items()}  # fmt: skip
        return {"id": args[0], "kw": kwargs}
    return str(value)


def _field(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):  # refusals: (column, message)
        return [[column, message(text)] for column, text in value]
    return value


# No remittance text, name or reference of a real statement comes near this; a file that
# holds one this long is refused before it reaches the worker.
MAX_FIELD = 10_000


def _too_long(entry, names: list[str]) -> str | None:
    for name in names:
        value = getattr(entry, name)
        if isinstance(value, str) and len(value) > MAX_FIELD:
            return name
    return None


def main(kind: str, path: str, encoding: str, delimiter: str, limit: int) -> int:
    _readers_only()
    from flask_babel import lazy_gettext as _l

    from fundtrack.imports.entries import Entry, ImportFileError
    from fundtrack.imports.parsers import camt, mt940, table

    out = sys.stdout
    names = [f.name for f in fields(Entry)]
    try:
        with open(path, "rb") as stream:
            if kind == "csv":
                encoding, delimiter = table.csv_dialect(stream, encoding or None, delimiter or None)
                out.write(json.dumps(["d", encoding, delimiter]) + "\n")
                for count, (number, cells) in enumerate(
                    table.csv_rows(stream, encoding, delimiter), start=1
                ):
                    out.write(json.dumps(["r", number, cells]) + "\n")
                    if count == limit:
                        break
            else:
                reader = camt.parse if kind == "camt053" else mt940.parse
                for entry in reader(stream):
                    if (name := _too_long(entry, names)) is not None:
                        raise ImportFileError(
                            _l(
                                "a field of the entry holds %(length)s characters; at most"
                                " %(limit)s are read",
                                length=len(getattr(entry, name)),
                                limit=MAX_FIELD,
                            ),
                            row=entry.row,
                        )
                    values = [_field(getattr(entry, name)) for name in names]
                    out.write(json.dumps(["e", values]) + "\n")
    except ImportFileError as error:
        out.write(json.dumps(["x", message(error.message), error.row, error.column]) + "\n")
        out.flush()
        return 2
    out.flush()
    return 0


if __name__ == "__main__":
    kind_, file_, encoding_, delimiter_, limit_, memory, cpu, output = sys.argv[1:9]
    _limit(int(memory), int(cpu), int(output))
    sys.exit(main(kind_, file_, encoding_, delimiter_, int(limit_)))
