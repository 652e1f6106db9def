"""Big files preview and book in the background, on the queue of `fundtrack.jobs`.

The import's row says where it stands (previewing, booking, failed with why); how far a
job has come is kept in huey's own storage, outside the booking transaction, so progress
shows while the books are still untouched and a killed worker leaves them as they were.
"""

from flask import current_app
from huey import crontab

from fundtrack.audit.actor import acting_as
from fundtrack.auth.models import User
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.imports import files, service
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.models import Import, ImportState
from fundtrack.jobs import app_context, huey, peek_progress, put_progress

DEFAULT_INLINE_BYTES = 512 * 1024


def runs_in_background(record: Import) -> bool:
    limit = current_app.config.get("FUNDTRACK_IMPORT_INLINE_BYTES", DEFAULT_INLINE_BYTES)
    return record.size > int(limit)


def set_progress(import_id: int, done: int, total: int | None = None) -> None:
    put_progress(f"import-{import_id}", done, total)


def progress_of(import_id: int) -> dict:
    return peek_progress(f"import-{import_id}")


def start(record: Import, step: str) -> None:
    """Mark the import as being previewed or booked (committed) and queue that step."""
    record.state = ImportState.PREVIEWING if step == "preview" else ImportState.BOOKING
    record.error = ""
    db.session.commit()
    set_progress(record.id, 0)
    run_import_step(record.id, step)


@huey.task()
def run_import_step(import_id: int, step: str) -> None:
    with app_context() as app:
        run_step(import_id, step, app.instance_path)


def run_step(import_id: int, step: str, instance_path: str) -> None:
    """Preview or book the import; a refusal goes back to the preview with its reason."""
    session = db.session
    record = session.get(Import, import_id)
    if record is None or record.state not in (ImportState.PREVIEWING, ImportState.BOOKING):
        return
    user = session.get(User, record.user_id)
    token = record.token
    record.state = ImportState.PREVIEWED if step == "commit" else ImportState.UPLOADED
    with acting_as(f"{user.email} (import)", user.id):
        try:
            if step == "preview":
                service.preview(session, user, record, instance_path, _reporter(import_id))
            else:
                service.commit(session, user, record, instance_path, _reporter(import_id))
            session.commit()
        except (DomainError, ImportFileError, PermissionError) as error:
            session.rollback()
            message = str(error) if isinstance(error, ImportFileError) else None
            _failed(import_id, step, message or getattr(error, "message", str(error)))
            if isinstance(error, ImportFileError):
                service.refused(db.session.get(Import, import_id), instance_path)
                db.session.commit()
            return
        except Exception as error:  # the page must say why, whatever went wrong
            session.rollback()
            _failed(import_id, step, f"{type(error).__name__}: {error}")
            return
    if step == "commit":
        files.remove_all(instance_path, token)


def _reporter(import_id: int):
    def progress(done: int) -> None:
        set_progress(import_id, done)

    return progress


def _failed(import_id: int, step: str, message: str) -> None:
    record = db.session.get(Import, import_id)
    record.state = ImportState.PREVIEWED if step == "commit" else ImportState.UPLOADED
    record.error = message[:2000]
    db.session.commit()


@huey.periodic_task(crontab(minute="7"))
def sweep_uploads() -> None:
    """Every hour: remove uploads, previews and plans nobody booked within a day, also when
    nobody uploads anything (the upload screen sweeps too)."""
    with app_context() as app:
        files.sweep(app.instance_path)
