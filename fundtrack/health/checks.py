"""What a running fundtrack needs, each check saying what to fix when it fails.

`readiness` is what `/readyz` asks on every call (cheap: the database, its migrations, Redis);
`doctor` adds what an operator checks once (configuration, the job worker's queue, fonts for
the PDFs, free disk).
"""

import os
import shutil
import subprocess
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, text

from fundtrack.auth.sealed import NEW_KEY_COMMAND
from fundtrack.extensions import db

DISK_MIN_BYTES = 1024**3  # below 1 GiB free, uploads and report archives start to fail
FONTS = ("DejaVu Sans",)  # what templates/reports/print.css asks for


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001  (any failure means "not reachable")
        db.session.rollback()
        return Check(
            "database",
            False,
            f"cannot reach it: {type(error).__name__}",
            "check DATABASE_URL and that the database server runs",
        )
    return Check("database", True, db.engine.dialect.name)


def migrations() -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    try:
        config = current_app.extensions["migrate"].migrate.get_config()
        heads = set(ScriptDirectory.from_config(config).get_heads())
        connection = db.session.connection()
        current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # noqa: BLE001
        return Check(
            "migrations",
            False,
            f"cannot read them: {type(error).__name__}",
            "flask --app fundtrack db upgrade",
        )
    if current != heads:
        return Check(
            "migrations",
            False,
            f"database at {sorted(current) or 'nothing'}, code at {sorted(heads)}",
            "flask --app fundtrack db upgrade",
        )
    return Check("migrations", True, ", ".join(sorted(heads)))


def _redis_urls() -> list[str]:
    urls = [
        current_app.config.get("RATELIMIT_STORAGE_URI", ""),
        os.environ.get("FUNDTRACK_JOBS_URL", ""),
    ]
    return [url for url in urls if url.startswith(("redis://", "rediss://"))]


def redis() -> Check:
    urls = _redis_urls()
    if not urls:
        return Check("redis", True, "not used (sign-in counts in memory, jobs in SQL)")
    import redis as redis_client

    for url in urls:
        try:
            redis_client.Redis.from_url(url, socket_timeout=2).ping()
        except Exception as error:  # noqa: BLE001
            return Check(
                "redis",
                False,
                f"{_without_password(url)}: {type(error).__name__}",
                "start Redis or correct FUNDTRACK_RATELIMIT_STORAGE / FUNDTRACK_JOBS_URL",
            )
    return Check("redis", True, ", ".join(_without_password(url) for url in urls))


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001  (not a URL SQLAlchemy reads: say only its scheme)
        return url.split("://", 1)[0] + "://…"


def readiness() -> list[Check]:
    """What `/readyz` answers: the database, its migrations, Redis where it is used."""
    found = [database()]
    found.append(migrations() if found[0].ok else Check("migrations", False, "no database"))
    found.append(redis())
    return found


def configuration() -> Check:
    from fundtrack.config import is_production

    key = current_app.config.get("SECRET_KEY") or ""
    if is_production() and len(key) < 32:
        return Check(
            "configuration",
            False,
            "SECRET_KEY shorter than 32 characters",
            "export SECRET_KEY=\"$(python -c 'import secrets;print(secrets.token_hex(32))')\"",
        )
    mode = "production" if is_production() else "development"
    if is_production() and current_app.config.get("RATELIMIT_STORAGE_URI", "").startswith("memory"):
        return Check(
            "configuration",
            False,
            "sign-in counts are kept per process",
            "FUNDTRACK_RATELIMIT_STORAGE=redis://host:6379 with several workers",
        )
    return Check("configuration", True, mode)


def totp_keys() -> Check:
    """The keys that encrypt the TOTP secrets: configured, and able to open every one."""
    from fundtrack.auth import sealed
    from fundtrack.auth.models import User
    from fundtrack.config import is_production

    keys = current_app.config.get("TOTP_SECRET_KEYS") or []
    given = bool(os.environ.get(sealed.ENVIRONMENT_NAME))
    if not keys:
        return Check("totp keys", False, "none configured", _NEW_KEY_FIX)
    try:
        tokens = db.session.scalars(
            select(User.mfa_secret_encrypted).where(User.mfa_secret_encrypted.is_not(None))
        ).all()
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        return Check("totp keys", False, f"cannot read the secrets: {type(error).__name__}",
                     "flask --app fundtrack db upgrade")  # fmt: skip
    unreadable = older = 0
    for token in tokens:
        try:
            sealed.unseal(token, keys[:1])
        except ValueError:
            try:
                sealed.unseal(token, keys)
                older += 1
            except ValueError:
                unreadable += 1
    if unreadable:
        why = f"{unreadable} of {len(tokens)} secret(s) open with none of the keys"
        fix = f"put the key they were made with back into {sealed.ENVIRONMENT_NAME}"
        return Check("totp keys", False, why, fix)
    source = sealed.ENVIRONMENT_NAME if given or is_production() else "derived from SECRET_KEY"
    detail = f"{len(keys)} key(s), {source}; {len(tokens)} secret(s) readable"
    if older:
        return Check("totp keys", True, f"{detail}, {older} under an older key: flask users reseal")
    return Check("totp keys", True, detail)


_NEW_KEY_FIX = 'export FUNDTRACK_TOTP_KEYS="$(' + NEW_KEY_COMMAND + ')"'


def worker() -> Check:
    from fundtrack.jobs import huey

    try:
        waiting = huey.pending_count()
    except Exception as error:  # noqa: BLE001
        return Check(
            "worker",
            False,
            f"its queue cannot be read: {type(error).__name__}",
            "check FUNDTRACK_JOBS_URL; start the worker (deploy/fundtrack-worker.service)",
        )
    if huey.immediate:
        return Check("worker", True, "jobs run inline (FUNDTRACK_JOBS_IMMEDIATE)")
    detail = f"{type(huey.storage).__name__}, {waiting} job(s) waiting"
    if waiting > 50:
        return Check(
            "worker", False, detail, "is the worker running? systemctl status fundtrack-worker"
        )
    return Check("worker", True, detail)


def fonts() -> Check:
    if shutil.which("fc-list") is None:
        return Check(
            "fonts", False, "fontconfig is missing", "apt-get install fontconfig fonts-dejavu-core"
        )
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=20)
    missing = [font for font in FONTS if font not in listed.stdout]
    if missing:
        return Check(
            "fonts", False, f"missing {', '.join(missing)}", "apt-get install fonts-dejavu-core"
        )
    return Check("fonts", True, ", ".join(FONTS))


def disk() -> Check:
    folder = current_app.instance_path
    os.makedirs(folder, exist_ok=True)
    free = shutil.disk_usage(folder).free
    detail = f"{free / 1024**3:.1f} GiB free in {folder}"
    if free < DISK_MIN_BYTES:
        return Check("disk", False, detail, "free space for uploads and archived reports")
    return Check("disk", True, detail)


def doctor() -> list[Check]:
    """Everything `flask doctor` looks at, in the order an operator would fix it."""
    checks = [configuration(), *readiness()]
    ready = checks[1].ok and checks[2].ok
    checks.append(totp_keys() if ready else Check("totp keys", False, "no database"))
    return [*checks, worker(), fonts(), disk()]
