"""The plan a preview made, kept beside the upload so that the commit books what the user
saw without reading the file or planning it again.

The preview writes each planned row as one JSON line while it reads the file (nothing is
held whole); once every row is written, a small meta file beside it holds the key (the
file's SHA-256, the options that shape what is read, and the user's corrections), the
counts, the first row in error and the reversals' overrides. The commit uses the plan only
when the key still matches; a plan without its meta file was cut off and is never used.
JSON, never pickle: the folder is ours, but a file read back should not be able to run code.
"""

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from fundtrack.imports import files
from fundtrack.imports.plan import PlanRow

_SHAPING = ("mapping", "encoding", "delimiter", "choices")
# The plan file's format: a plan written in another (older) one is never used, so a preview
# kept from before its reasons were stored as msgids and parameters is made again.
FORMAT = "2: messages as errors.stored"


def plan_path(instance_path: str, token: str) -> Path:
    return files.stored_path(instance_path, token).with_suffix(".plan.jsonl")


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".meta.json")


def key(sha256: str, options: dict) -> str:
    """What the plan depends on: the file's bytes, the options that read it, the choices."""
    shaping = {name: options.get(name) for name in _SHAPING}
    text = FORMAT + sha256 + json.dumps(shaping, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class PlanWriter:
    """Writes a plan row by row; `rows()` reads back what is written so far."""

    def __init__(self, path: Path, plan_key: str):
        self.path = path
        self.key = plan_key
        self.partial = path.with_suffix(".partial")
        _meta_path(path).unlink(missing_ok=True)
        self.out = open(self.partial, "w", encoding="utf-8")  # noqa: SIM115  (closed below)

    def write(self, row: PlanRow) -> None:
        self.out.write(json.dumps(row.as_list(), ensure_ascii=False, separators=(",", ":")))
        self.out.write("\n")

    def rows(self) -> Iterator[PlanRow]:
        self.out.flush()
        return _rows(self.partial)

    def finish(self, meta: dict) -> None:
        self.out.close()
        self.partial.replace(self.path)
        tmp = _meta_path(self.path).with_suffix(".tmp")
        tmp.write_text(json.dumps(meta | {"key": self.key}), encoding="utf-8")
        tmp.replace(_meta_path(self.path))

    def abandon(self) -> None:
        self.out.close()
        self.partial.unlink(missing_ok=True)


def meta(path: Path, plan_key: str) -> dict | None:
    """The plan's meta data if the plan is whole and made with this key, else None."""
    try:
        found = json.loads(_meta_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("key") != plan_key or not path.exists():
        return None
    return found


def rows(path: Path, overrides: dict) -> Iterator[PlanRow]:
    """The plan's rows in file order, with the reversals' overrides applied."""
    for row in _rows(path):
        override = overrides.get(str(row.row))
        if override is not None:
            row.change(override)
        yield row


def _rows(path: Path) -> Iterator[PlanRow]:
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            yield PlanRow.from_list(json.loads(line))


def remove(instance_path: str, token: str | None) -> None:
    if token:
        path = plan_path(instance_path, token)
        for kept in (path, _meta_path(path), path.with_suffix(".partial")):
            kept.unlink(missing_ok=True)
