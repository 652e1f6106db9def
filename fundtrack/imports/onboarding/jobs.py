"""Big onboarding workbooks preview and commit in the background, on the queue of `fundtrack.jobs`.

Where the workbook stands (previewing, previewed, committing, booked, failed and why) is
kept in the small file beside the upload that the screens read; how far a job has come is
kept in huey's own storage, outside the transaction, so the page shows progress while the
books are still untouched and a killed worker leaves them as they were.
"""

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from fundtrack.audit.actor import acting_as
from fundtrack.auth.models import User
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.formatting import format_moment
from fundtrack.imports import files
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.onboarding import operations as workbook
from fundtrack.jobs import app_context, huey, peek_progress, put_progress

DEFAULT_INLINE_BYTES = 512 * 1024
PREVIEWING, PREVIEWED, COMMITTING, BOOKED, FAILED = (
    "previewing", "previewed", "committing", "booked", "failed",
)  # fmt: skip
BUSY = {"preview": PREVIEWING, "commit": COMMITTING}


def runs_in_background(size: int) -> bool:
    """Whether a workbook of `size` bytes is previewed and committed by a job."""
    limit = current_app.config.get("FUNDTRACK_ONBOARDING_INLINE_BYTES", DEFAULT_INLINE_BYTES)
    return size > int(limit)


def set_progress(token: str, done: int, total: int | None = None) -> None:
    put_progress(f"onboarding-{token}", done, total)


def progress_of(token: str) -> dict:
    return peek_progress(f"onboarding-{token}")


def earlier(session: Session, sha256: str) -> str | None:
    """When the same workbook was committed before (and is still booked), for the page."""
    found = workbook.imported_before(session, sha256)
    return format_moment(found.booked_at) if found and found.booked_at else None


def start(instance_path: str, token: str, meta: dict, step: str, locale: str) -> None:
    """Mark the workbook as being previewed or committed and queue that step."""
    files.save_preview(instance_path, token, meta | {"state": BUSY[step], "error": ""})
    set_progress(token, 0)
    run_onboarding_step(token, step, locale)


@huey.task()
def run_onboarding_step(token: str, step: str, locale: str) -> None:
    with app_context() as app:
        run_step(token, step, locale, app.instance_path)


def run_step(token: str, step: str, locale: str, instance_path: str) -> None:
    """Preview or commit the kept workbook; a refusal is kept with its reason for the page."""
    meta = files.load_preview(instance_path, token)
    if not meta or meta.get("kind") != "onboarding" or meta.get("state") != BUSY.get(step):
        return
    session = db.session
    user = session.get(User, meta["user_id"])
    path = files.stored_path(instance_path, token)

    def progress(done: int, total: int) -> None:
        set_progress(token, done, total)

    try:  # the preview's refusals are kept in words: the uploader's words
        with force_locale(locale), acting_as(f"{user.email} (onboarding)", user.id):
            if step == "preview":
                data = workbook.preview(session, user, path, locale, progress)
                meta |= {"preview": data, "earlier": earlier(session, meta["sha256"])}
                session.rollback()
                meta |= {"state": PREVIEWED}
            else:
                data = workbook.commit(session, user, path, locale, filename=meta["filename"],
                                       sha256=meta["sha256"], progress=progress)  # fmt: skip
                session.commit()
                files.remove(instance_path, token)  # the upload; its facts stay for the page
                meta |= {"state": BOOKED, "onboarding_id": data["onboarding_id"],
                         "created": data["counts"][workbook.CREATE]}  # fmt: skip
    except (DomainError, ImportFileError, PermissionError) as error:
        session.rollback()
        why = str(error) if isinstance(error, ImportFileError) else None
        with force_locale(locale):
            meta |= _failed(meta, step, why or str(getattr(error, "message", error)))
    except Exception as error:  # the page must say why, whatever went wrong
        session.rollback()
        meta |= _failed(meta, step, f"{type(error).__name__}: {error}")
    files.save_preview(instance_path, token, meta)


def _failed(meta: dict, step: str, message: str) -> dict:
    state = PREVIEWED if step == "commit" and meta.get("preview") else FAILED
    return {"state": state, "error": message[:2000]}
