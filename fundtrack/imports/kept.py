"""The entries a preview read, kept beside the upload so that the commit need not read the
file again.

The preview writes each entry as one JSON line while it reads the file (nothing is held
twice); the first line is a key made of the file's SHA-256 and the options that shape what
is read (mapping, encoding, delimiter). The commit plans again from these entries, with the
corrections made since and against the books as they are then, and reads the upload itself
only when the kept entries are missing or were read with other options. JSON, never pickle:
the folder is ours, but a file read back should not be able to run code.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from fundtrack.imports import files
from fundtrack.imports.entries import Entry

_FIELDS = ("row", "booking_date", "amount", "currency", "credit", "booked", "reversal", "name",
           "iban", "text", "reference", "external_id", "end_to_end", "category", "counterparty",
           "errors")  # fmt: skip
_SHAPING = ("mapping", "encoding", "delimiter")


def kept_path(instance_path: str, token: str) -> Path:
    return files.stored_path(instance_path, token).with_suffix(".entries.jsonl")


def key(sha256: str, options: dict) -> str:
    """What the entries depend on: the file's bytes and the options that read them."""
    shaping = {name: options.get(name) for name in _SHAPING}
    text = sha256 + json.dumps(shaping, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _line(entry: Entry) -> str:
    values = [getattr(entry, name) for name in _FIELDS]
    values[1] = entry.booking_date.isoformat() if entry.booking_date else None
    values[2] = str(entry.amount) if entry.amount is not None else None
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _entry(line: str) -> Entry:
    values = dict(zip(_FIELDS, json.loads(line), strict=True))
    day, amount = values["booking_date"], values["amount"]
    values["booking_date"] = date.fromisoformat(day) if day else None
    values["amount"] = Decimal(amount) if amount is not None else None
    values["errors"] = [tuple(error) for error in values["errors"]]
    return Entry(**values)


def keeping(path: Path, file_key: str, entries: Iterable[Entry]) -> Iterator[Entry]:
    """Pass `entries` on, writing each as it goes; kept only once every entry was read."""
    partial = path.with_suffix(".partial")
    done = False
    try:
        with open(partial, "w", encoding="utf-8") as out:
            out.write(json.dumps(file_key) + "\n")
            for entry in entries:
                out.write(_line(entry) + "\n")
                yield entry
        done = True
        partial.replace(path)
    finally:
        if not done:
            partial.unlink(missing_ok=True)


def reading(path: Path, file_key: str) -> Iterator[Entry] | None:
    """The kept entries if they were read from this file with these options, else None."""
    try:
        stream = open(path, encoding="utf-8")  # noqa: SIM115  (closed by the generator)
    except OSError:
        return None
    try:
        if json.loads(stream.readline() or "null") != file_key:
            stream.close()
            return None
    except ValueError:
        stream.close()
        return None
    return _read(stream)


def _read(stream) -> Iterator[Entry]:
    with stream:
        for line in stream:
            yield _entry(line)


def remove(instance_path: str, token: str | None) -> None:
    if token:
        kept_path(instance_path, token).unlink(missing_ok=True)
