"""Uploaded files: how big they may be, what they are (by content, never by name), where
they wait between the preview and the commit.

A file is kept under a random name in the instance folder (`instance/imports/`, private to
the account fundtrack runs as) and removed when its import is booked, abandoned or older
than a day (the worker sweeps every hour, `jobs.sweep_uploads`); the name the user gave it is
shown, never used as a path. XLSX files are zip archives: their entries' sizes are checked
before any of them is opened, since neither openpyxl nor calamine limits what they unpack,
and what each sheet declares it holds; the workbook is then read in a child process with a
memory and time limit (`parsers.sandbox`).
"""

import os
import re
import secrets
import time
import zipfile
from pathlib import Path

from flask_babel import LazyString, format_number
from flask_babel import lazy_gettext as _l

from fundtrack.imports.entries import ImportFileError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# What a workbook may unpack to, in all and per entry, and how much it may grow.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
# What a sheet may declare (its <dimension>): readers size their grid from it.
MAX_DECLARED_CELLS = 10_000_000
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?\""
)
KEEP_SECONDS = 24 * 3600

CAMT = "camt053"
MT940 = "mt940"
CSV = "csv"
XLSX = "xlsx"
KINDS = (CAMT, MT940, CSV, XLSX)

_NOT_OURS = [
    (b"\x89PNG", _l("a PNG image")),
    (b"\xff\xd8\xff", _l("a JPEG image")),
    (b"GIF8", _l("a GIF image")),
    (b"%PDF", _l("a PDF document")),
    (b"\xd0\xcf\x11\xe0", _l("an old Excel (.xls) or Word file: save it as .xlsx")),
    (b"\x1f\x8b", _l("a gzip archive")),
    (b"Rar!", _l("a RAR archive")),
    (b"7z\xbc\xaf", _l("a 7-Zip archive")),
    (b"MZ", _l("a Windows program")),
    (b"\x7fELF", _l("a program")),
]


def max_bytes(config) -> int:
    return int(config.get("FUNDTRACK_IMPORT_MAX_BYTES")
               or os.environ.get("FUNDTRACK_IMPORT_MAX_BYTES") or DEFAULT_MAX_BYTES)  # fmt: skip


def check_size(size: int, limit: int) -> None:
    if size == 0:
        raise ImportFileError(_l("the file is empty"))
    if size > limit:
        raise ImportFileError(
            _l("the file is %(size)s bytes; at most %(limit)s bytes can be imported at once",
               size=LazyString(format_number, size), limit=LazyString(format_number, limit))
        )  # fmt: skip


def detect_kind(head: bytes, path: Path | None = None) -> str:
    """camt053, mt940, xlsx or csv, read from the first bytes (and a zip's directory)."""
    for magic, what in _NOT_OURS:
        if head.startswith(magic):
            raise ImportFileError(
                _l("this is %(what)s, not a bank statement or a spreadsheet", what=what)
            )
    if head.startswith(b"PK\x03\x04"):
        if path is None:
            raise ImportFileError(_l("a zip archive cannot be read from here"))
        check_workbook(path)
        return XLSX
    if b"\x00" in head:
        raise ImportFileError(_l("this is not a text file, a bank statement or a spreadsheet"))
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return CAMT
    if (
        text.startswith((b"{1:", b":940:"))
        or re.match(rb":(\d\d[A-Z]?|NS):", text)
        or re.search(rb"(?m)^:(20|25|60F|61):", text)
    ):
        return MT940
    return CSV


def check_workbook(path: Path) -> None:
    """Refuse a zip that is no workbook, or one whose entries would unpack too far."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(_l("the spreadsheet is damaged (%(why)s)", why=str(error))) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(_l("this zip archive is not an Excel workbook (.xlsx)"))
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportFileError(_l("the workbook holds too many parts to be a spreadsheet"))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_UNPACKED_BYTES or total > MAX_UNPACKED_BYTES:
            raise ImportFileError(
                _l("the workbook would unpack to more than %(mib)s MiB",
                   mib=MAX_UNPACKED_BYTES // 2**20)
            )  # fmt: skip
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(
                _l("part %(name)s of the workbook is packed %(ratio)s times or more: refused"
                   " as a zip bomb", name=repr(info.filename), ratio=MAX_RATIO)
            )  # fmt: skip
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _check_declared(path, info)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_declared(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse a sheet whose declared size is beyond what an income list or workbook needs.

    Only the sheet's first 64 KiB are unpacked, where the <dimension> element stands.
    """
    with zipfile.ZipFile(path) as archive, archive.open(info) as part:
        head = part.read(64 * 1024)
    match = _DIMENSION.search(head)
    if match is None or match[3] is None:
        return
    rows = int(match[4]) - int(match[2]) + 1
    columns = _column(match[3]) - _column(match[1]) + 1
    if rows * columns > MAX_DECLARED_CELLS:
        raise ImportFileError(
            _l("sheet %(name)s of the workbook declares %(rows)s rows by %(columns)s columns;"
               " at most %(cells)s cells can be read",
               name=repr(info.filename.rsplit("/", 1)[-1]), rows=LazyString(format_number, rows),
               columns=LazyString(format_number, columns),
               cells=LazyString(format_number, MAX_DECLARED_CELLS))
        )  # fmt: skip


def upload_folder(instance_path: str) -> Path:
    """instance/imports, readable by this account only (uploads hold donors' data)."""
    folder = Path(instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)  # made before uploads were private
    return folder


def new_token() -> str:
    return secrets.token_hex(16)


def stored_path(instance_path: str, token: str) -> Path:
    """Where a kept upload lives: its random token is the only name it has."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise ImportFileError(_l("unknown upload"))
    return upload_folder(instance_path) / f"{token}.upload"


def store(instance_path: str, stream, limit: int) -> tuple[str, int, str]:
    """Copy `stream` to a random name, hashing and counting as it goes: (token, size, sha256).

    Stops (and removes what it wrote) as soon as the file passes `limit`.
    """
    import hashlib

    sweep(instance_path)
    token = new_token()
    path = stored_path(instance_path, token)
    digest, size = hashlib.sha256(), 0
    try:
        # Created private (0600) whatever the umask, and never over an existing file.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    check_size(size, limit)
                digest.update(chunk)
                out.write(chunk)
        check_size(size, limit)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return token, size, digest.hexdigest()


def remove(instance_path: str, token: str | None) -> None:
    if token:
        stored_path(instance_path, token).unlink(missing_ok=True)


def sweep(instance_path: str, now: float | None = None) -> None:
    """Remove uploads nobody booked within a day."""
    now = now or time.time()
    for path in upload_folder(instance_path).glob("*.*"):
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def display_name(filename: str | None) -> str:
    """The user's name for the file, for screens and the log only: no folders, no controls."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200].strip()
    return name or "upload"


def preview_path(instance_path: str, token: str) -> Path:
    return stored_path(instance_path, token).with_suffix(".preview.json")


def save_preview(instance_path: str, token: str, data: dict) -> None:
    import json

    path = preview_path(instance_path, token)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def load_preview(instance_path: str, token: str | None) -> dict | None:
    import json

    if not token:
        return None
    try:
        return json.loads(preview_path(instance_path, token).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remove_all(instance_path: str, token: str | None) -> None:
    """The upload, its preview and its plan, once the import is booked or abandoned."""
    if token:
        # Every file kept for the upload is named after its token.
        upload = stored_path(instance_path, token)
        for path in upload.parent.glob(f"{token}.*"):
            path.unlink(missing_ok=True)
