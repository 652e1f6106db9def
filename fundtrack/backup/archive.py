"""One backup is one tar file: a manifest, the database, and the instance folder's files.

PostgreSQL is dumped with `pg_dump --format=custom` and restored with `pg_restore --clean`;
SQLite is copied with its online backup API (a consistent copy while the app writes). The
manifest names the database kind, the migration the database was at and every member's
SHA-256, so a restore refuses a damaged or foreign archive before it touches anything.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import make_url

from fundtrack.errors import ValidationError

MANIFEST = "manifest.json"
FILES = "files"
# What of the instance folder is data: uploads between preview and booking, onboarding
# workbooks, the job queue's SQLite file. The SQLite database itself goes in as a backup copy.
SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal")


class BackupError(ValidationError):
    """A backup could not be made or restored; the message says why."""

    def __init__(self, message):
        super().__init__("backup", message, code="backup_failed")


def _libpq_url(url) -> str:
    # pg_dump speaks libpq, which knows no "+psycopg" driver suffix.
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_database(url, target: Path) -> str:
    if url.get_backend_name() == "postgresql":
        path = target / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), _libpq_url(url)])
        return path.name
    path = target / "database.sqlite3"
    with closing(sqlite3.connect(url.database)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return path.name


def _run(argv: list[str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(
            _l("%(program)s is not installed (Debian: postgresql-client)", program=argv[0])
        )
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(
            _l("%(program)s failed: %(why)s", program=argv[0], why=done.stderr.strip()[-500:])
        )


def _instance_files(instance: Path, database: Path | None) -> list[Path]:
    if not instance.is_dir():
        return []
    files = []
    for path in sorted(instance.rglob("*")):
        if not path.is_file() or path.name.endswith(SKIPPED_SUFFIXES):
            continue
        if database is not None and path.resolve() == database.resolve():
            continue
        files.append(path)
    return files


def make_backup(database_url: str, instance: str, revision: str, folder: str) -> Path:
    """Write a backup of the database at `database_url` and the files under `instance` into
    `folder`; returns the archive's path. `revision` is the database's migration."""
    url = make_url(database_url)
    sqlite_file = Path(url.database) if url.get_backend_name() == "sqlite" else None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    Path(folder).mkdir(parents=True, exist_ok=True)
    archive = Path(folder) / f"fundtrack-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory() as work:
        members = {}
        name = _dump_database(url, Path(work))
        members[name] = _sha256(Path(work, name))
        files = _instance_files(Path(instance), sqlite_file)
        manifest = {
            "made_at": stamp,
            "database": url.get_backend_name(),
            "database_file": name,
            "revision": revision,
            "files": {},
        }
        with tarfile.open(archive, "w") as tar:
            tar.add(Path(work, name), arcname=name)
            for path in files:
                relative = path.relative_to(instance).as_posix()
                manifest["files"][relative] = _sha256(path)
                tar.add(path, arcname=f"{FILES}/{relative}")
            manifest["members"] = members
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    os.chmod(archive, 0o600)  # it holds every donor's data
    return archive


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive) as tar:
            return json.load(tar.extractfile(MANIFEST))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(
            _l("%(archive)s is not a fundtrack backup (%(why)s)", archive=str(archive),
               why=str(error))
        ) from None  # fmt: skip


def restore_backup(archive: str, database_url: str, instance: str) -> dict:
    """Put the database and the instance files back as the archive holds them; returns its
    manifest. Refuses an archive of another database kind, or one whose members do not match
    their checksums, before it changes anything."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    url = make_url(database_url)
    if manifest["database"] != url.get_backend_name():
        raise BackupError(
            _l("the backup holds a %(kind)s database; this installation runs %(ours)s",
               kind=manifest["database"], ours=url.get_backend_name())
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
        expected = manifest["members"] | {
            f"{FILES}/{name}": digest for name, digest in manifest["files"].items()
        }
        for name, digest in expected.items():
            if _sha256(Path(work, name)) != digest:
                raise BackupError(
                    _l("%(name)s in %(archive)s does not match its checksum",
                       name=name, archive=archive.name)
                )  # fmt: skip
        source = Path(work, manifest["database_file"])
        if url.get_backend_name() == "postgresql":
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--dbname", _libpq_url(url), str(source)])  # fmt: skip
        else:
            copy, live = sqlite3.connect(source), sqlite3.connect(url.database)
            with closing(copy), closing(live):
                copy.backup(live)
        for name in manifest["files"]:
            target = Path(instance, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(work, FILES, name), target)
    return manifest
