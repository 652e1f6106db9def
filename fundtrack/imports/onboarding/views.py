"""The onboarding workbook's screens: the template to download, upload, preview per sheet,
commit, and the committed workbooks with their undo. National office and admins only (403
for everyone else).

The upload waits under its random token in instance/imports/ beside a small file saying
who sent it, its name as shown, its SHA-256 and where it stands; only the user who sent it
may see its preview or commit it (404 otherwise). A workbook above
FUNDTRACK_ONBOARDING_INLINE_BYTES is previewed and committed by a background job
(`jobs`) while its page refreshes itself.
"""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from fundtrack.auth.access import NotAllowed, load_visible
from fundtrack.downloads import download
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.imports import bp, files
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.onboarding import jobs
from fundtrack.imports.onboarding import operations as workbook
from fundtrack.imports.onboarding.models import Onboarding
from fundtrack.imports.onboarding.sheets import SHEET_BY_CODE, template
from fundtrack.imports.onboarding.undo import (
    booked_workbooks,
    undo_onboarding,
    what_undo_removes,
)


def _require_office() -> None:
    if not current_user.can_manage_network:
        abort(403)


def _locale() -> str:
    return str(get_locale() or "en")


def _kept(token: str) -> dict:
    """The kept upload's facts, if it is this user's; 404 otherwise."""
    try:
        meta = files.load_preview(current_app.instance_path, token)
        path = files.stored_path(current_app.instance_path, token)
    except ImportFileError:
        abort(404)
    if not meta or meta.get("kind") != "onboarding" or meta.get("user_id") != current_user.id:
        abort(404)
    if meta.get("state") != jobs.BOOKED and not path.exists():
        abort(404)
    return meta | {"path": path}


@bp.route("/onboarding/template.xlsx")
@login_required
def onboarding_template():
    _require_office()
    return download(template(), "fundtrack-onboarding", kind="xlsx")


@bp.route("/onboarding", methods=["GET"])
@login_required
def onboarding():
    _require_office()
    limit = files.max_bytes(current_app.config)
    return render_template(
        "imports/onboarding.html", limit=limit, booked=booked_workbooks(db.session)
    )


@bp.route("/onboarding", methods=["POST"])
@login_required
def onboarding_upload():
    _require_office()
    limit = files.max_bytes(current_app.config)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(gettext("Choose a file to import."), "error")
        return redirect(url_for("imports.onboarding"), 303)
    instance = current_app.instance_path
    token = None
    try:
        token, size, sha256 = files.store(instance, upload.stream, limit)
        path = files.stored_path(instance, token)
        with open(path, "rb") as head:
            if files.detect_kind(head.read(8192), path) != files.XLSX:
                raise workbook.not_a_workbook()
        meta = {
            "kind": "onboarding", "user_id": current_user.id, "size": size, "sha256": sha256,
            "filename": files.display_name(upload.filename),
        }  # fmt: skip
        if jobs.runs_in_background(size):
            jobs.start(instance, token, meta, "preview", _locale())
            return redirect(url_for("imports.onboarding_show", token=token), 303)
        data = workbook.preview(db.session, current_user, path, _locale())
    except (ImportFileError, DomainError) as error:
        db.session.rollback()
        files.remove_all(instance, token)
        why = str(error) if isinstance(error, ImportFileError) else error.message
        flash(gettext("The file cannot be imported: %(why)s", why=why), "error")
        return redirect(url_for("imports.onboarding"), 303)
    earlier = jobs.earlier(db.session, sha256)
    db.session.rollback()
    files.save_preview(instance, token, meta | {
        "state": jobs.PREVIEWED, "preview": data, "earlier": earlier,
    })  # fmt: skip
    return redirect(url_for("imports.onboarding_show", token=token), 303)


@bp.route("/onboarding/<token>")
@login_required
def onboarding_show(token: str):
    _require_office()
    meta = _kept(token)
    state = meta.get("state", jobs.PREVIEWED)
    if state == jobs.BOOKED:
        files.remove_all(current_app.instance_path, token)
        flash(gettext("Imported: %(count)s rows created.", count=meta.get("created", 0)), "ok")
        return redirect(url_for("imports.onboarding"), 303)
    busy = state in (jobs.PREVIEWING, jobs.COMMITTING)
    return render_template(
        "imports/onboarding_show.html", token=token, meta=meta, data=meta.get("preview"),
        sheets=SHEET_BY_CODE, state=state, busy=busy,
        progress=jobs.progress_of(token) if busy else {},
    )  # fmt: skip


@bp.route("/onboarding/<token>/commit", methods=["POST"])
@login_required
def onboarding_commit(token: str):
    _require_office()
    meta = _kept(token)
    if meta.get("state", jobs.PREVIEWED) != jobs.PREVIEWED:
        return redirect(url_for("imports.onboarding_show", token=token), 303)
    if jobs.runs_in_background(meta["size"]):
        kept = {key: value for key, value in meta.items() if key != "path"}
        jobs.start(current_app.instance_path, token, kept, "commit", _locale())
        return redirect(url_for("imports.onboarding_show", token=token), 303)
    try:
        data = workbook.commit(
            db.session, current_user, meta["path"], _locale(),
            filename=meta["filename"], sha256=meta["sha256"],
        )  # fmt: skip
    except (ImportFileError, DomainError) as error:
        db.session.rollback()
        why = str(error) if isinstance(error, ImportFileError) else error.message
        flash(gettext("Nothing was imported: %(why)s", why=why), "error")
        return redirect(url_for("imports.onboarding_show", token=token), 303)
    db.session.commit()
    files.remove_all(current_app.instance_path, token)
    flash(gettext("Imported: %(count)s rows created.", count=data["counts"]["create"]), "ok")
    return redirect(url_for("imports.onboarding"), 303)


@bp.route("/onboarding/<token>/abandon", methods=["POST"])
@login_required
def onboarding_abandon(token: str):
    _require_office()
    _kept(token)
    files.remove_all(current_app.instance_path, token)
    return redirect(url_for("imports.onboarding"), 303)


def _booked(onboarding_id: int) -> Onboarding:
    return load_visible(db.session, Onboarding, onboarding_id, current_user)


@bp.route("/onboarding/booked/<int:onboarding_id>")
@login_required
def onboarding_booked(onboarding_id: int):
    """What a committed workbook created, and the button that undoes it."""
    _require_office()
    record = _booked(onboarding_id)
    return render_template(
        "imports/onboarding_undo.html",
        record=record,
        sheets=SHEET_BY_CODE,
        removes=what_undo_removes(db.session, record),
    )


@bp.route("/onboarding/booked/<int:onboarding_id>/undo", methods=["POST"])
@login_required
def onboarding_undo(onboarding_id: int):
    _require_office()
    record = _booked(onboarding_id)
    try:
        undo_onboarding(db.session, current_user, record)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        flash(gettext("The workbook cannot be undone: %(why)s", why=error.message), "error")
        return redirect(url_for("imports.onboarding_booked", onboarding_id=onboarding_id), 303)
    db.session.commit()
    flash(gettext("Undone: nothing the workbook created is left."), "ok")
    return redirect(url_for("imports.onboarding"), 303)
