"""Import screens in the books: upload, confirm the columns, check the preview, correct who
paid, book, and undo. Every route loads the import through the access rules: another
centre's import is answered 404, like anything else of another centre."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fundtrack.auth.access import load_visible, may_change, visible
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError, from_stored
from fundtrack.extensions import db
from fundtrack.imports import bp, files, jobs, kept, service
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.mapping import FIELDS
from fundtrack.imports.matching import Counterparties
from fundtrack.imports.models import Import, ImportState
from fundtrack.income.batch_rows import fund_names
from fundtrack.labels import (
    CATEGORY_LABELS,
    IMPORT_FIELD_LABELS,
    IMPORT_STATE_LABELS,
    MATCH_KIND_LABELS,
    MATCHED_BY_LABELS,
    field_label,
    label_of,
)


def said(message) -> str:
    """A reason or refusal the plan kept (errors.stored), in the reader's words."""
    return str(from_stored(message))


bp.add_app_template_filter(said, "import_words")
bp.add_app_template_filter(field_label, "field_words")
bp.add_app_template_filter(lambda state: label_of(IMPORT_STATE_LABELS, state), "import_state")


def _centres():
    rows = db.session.scalars(
        visible(Centre, current_user).where(Centre.active.is_(True)).order_by(Centre.code)
    )
    return [c for c in rows if current_user.can_manage(c.id)]


def _centre(code: str | None) -> Centre:
    centres = _centres()
    if not centres:
        abort(403)
    own = current_user.centre.code if current_user.centre else None
    wanted = code or own
    return next((c for c in centres if c.code == wanted), centres[0])


def _own(import_id: int) -> Import:
    record = load_visible(db.session, Import, import_id, current_user)
    if not may_change(current_user, record):
        abort(404)  # these screens change the books: one the user may not change is unknown
    return record


def _whole(text: str) -> int | None:
    """A whole number as a form posts it, or None: "²" and 5,000 digits are no number."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _problem(error) -> str:
    if isinstance(error, ImportFileError):
        return str(error)  # with its row and column
    return str(getattr(error, "message", error))


@bp.route("/", methods=["GET"])
@login_required
def index():
    centre = _centre(request.args.get("centre"))
    recent = db.session.scalars(
        select(Import)
        .where(Import.centre_id == centre.id)
        .order_by(Import.created_at.desc(), Import.id.desc())
        .limit(30)
    ).all()
    limit = files.max_bytes(current_app.config)
    return render_template(
        "imports/index.html", centre=centre, centres=_centres(), recent=recent, limit=limit
    )


@bp.route("/", methods=["POST"])
@login_required
def upload():
    limit = files.max_bytes(current_app.config)
    centre = _centre(request.form.get("centre"))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(gettext("Choose a file to import."), "error")
        return redirect(url_for("imports.index", centre=centre.code))
    try:
        record = service.receive(
            db.session, current_user, centre, upload.stream, upload.filename,
            current_app.instance_path, limit,
        )  # fmt: skip
    except ImportFileError as error:
        db.session.rollback()
        flash(gettext("The file cannot be imported: %(why)s", why=str(error)), "error")
        return redirect(url_for("imports.index", centre=centre.code)), 303
    db.session.commit()
    if service.needs_mapping(record):
        return redirect(url_for("imports.columns", import_id=record.id), 303)
    return _run(record, "preview")


def _run(record: Import, step: str):
    if jobs.runs_in_background(record):
        jobs.start(record, step)
        return redirect(url_for("imports.show", import_id=record.id), 303)
    token = record.token
    try:
        if step == "preview":
            service.preview(db.session, current_user, record, current_app.instance_path)
        else:
            service.commit(db.session, current_user, record, current_app.instance_path)
    except (DomainError, ImportFileError) as error:
        db.session.rollback()
        record = db.session.get(Import, record.id)
        record.error = _problem(error)[:2000]
        if isinstance(error, ImportFileError):
            service.refused(record, current_app.instance_path)
        db.session.commit()
        return redirect(url_for("imports.show", import_id=record.id), 303)
    db.session.commit()
    if step == "commit":
        files.remove_all(current_app.instance_path, token)
        flash(
            ngettext("Imported: %(num)s line booked.", "Imported: %(num)s lines booked.",
                     record.rows_booked),
            "ok",
        )  # fmt: skip
    return redirect(url_for("imports.show", import_id=record.id), 303)


@bp.route("/<int:import_id>/columns", methods=["GET", "POST"])
@login_required
def columns(import_id: int):
    record = _own(import_id)
    problem = None
    if request.method == "POST":
        mapping = {"columns": {}, "decimal": request.form.get("decimal")}
        for field in FIELDS:
            column = _whole(request.form.get(f"col-{field}", ""))
            if column is not None:
                mapping["columns"][field] = column
        for name in ("encoding", "delimiter"):
            if request.form.get(name):
                mapping[name] = request.form[name].replace("\\t", "\t")
        try:
            service.set_mapping(db.session, current_user, record, mapping,
                                current_app.instance_path)  # fmt: skip
            db.session.commit()
            return _run(record, "preview")
        except (DomainError, ImportFileError) as error:
            db.session.rollback()
            problem = _problem(error)
            record = _own(import_id)
    try:
        header, sample = service.head(record, current_app.instance_path)
    except (DomainError, ImportFileError) as error:
        flash(_problem(error), "error")
        return redirect(url_for("imports.index", centre=record.centre.code))
    return render_template(
        "imports/columns.html", record=record, header=header, sample=sample,
        mapping=(record.options or {}).get("mapping", {}), fields=FIELDS,
        labels=IMPORT_FIELD_LABELS, problem=problem,
    )  # fmt: skip


@bp.route("/<int:import_id>")
@login_required
def show(import_id: int):
    record = _own(import_id)
    data = files.load_preview(current_app.instance_path, record.token)
    if data is not None and data.get("format") != kept.FORMAT:
        # Kept (a day at most) from before its reasons were stored as msgids: not shown.
        flash(gettext("This preview was made by an earlier version; upload the file again."))
        data = None
    busy = record.state in (ImportState.PREVIEWING, ImportState.BOOKING)
    known = Counterparties.load(db.session, current_user, record.centre) if data else None
    # Per payer, its funder's agreements (those running on its day first), offered first.
    offers = {
        payer["key"]: known.offered_to(payer.get("match"), _day(payer.get("day")))
        for payer in (data or {}).get("payers", [])
    }
    return render_template(
        "imports/show.html", record=record, data=data, busy=busy,
        progress=jobs.progress_of(record.id) if busy else {},
        choices=(record.options or {}).get("choices", {}), known=known, offers=offers,
        categories=CATEGORY_LABELS, kinds=MATCH_KIND_LABELS, matched_by=MATCHED_BY_LABELS,
        # A funds column's parts by the funds' names (imports.fund_parts).
        fund_names={v: k for k, v in fund_names(db.session, record.centre).items()} if data else {},
    )  # fmt: skip


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@bp.route("/<int:import_id>/choices", methods=["POST"])
@login_required
def choices(import_id: int):
    """Who a payer is, as the user corrected it; then the preview again."""
    record = _own(import_id)
    chosen = {}
    for name, value in request.form.items():
        if not name.startswith("choice-") or not value or value == "auto":
            continue
        key = request.form.get("key-" + name.removeprefix("choice-"), "")
        kind, _, row_id = value.partition(":")
        choice = {"kind": kind}
        if _whole(row_id) is not None:
            choice["id"] = _whole(row_id)
        elif row_id:
            choice["donor_kind"] = row_id
        chosen[key] = choice
    try:
        service.set_choices(db.session, current_user, record, chosen)
    except DomainError as error:
        db.session.rollback()
        flash(_problem(error), "error")
        return redirect(url_for("imports.show", import_id=import_id), 303)
    db.session.commit()
    return _run(record, "preview")


@bp.route("/<int:import_id>/commit", methods=["POST"])
@login_required
def commit(import_id: int):
    record = _own(import_id)
    if record.state != ImportState.PREVIEWED:
        abort(409)
    return _run(record, "commit")


@bp.route("/<int:import_id>/undo", methods=["GET", "POST"])
@login_required
def undo(import_id: int):
    """The question first (how many lines, what total), then the undo once confirmed."""
    from fundtrack.imports.booking import undo_import, what_undo_removes

    record = _own(import_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        if record.state != ImportState.BOOKED:
            return redirect(url_for("imports.show", import_id=import_id), 303)
        removes = what_undo_removes(db.session, record)
        return render_template("imports/undo.html", record=record, removes=removes)
    try:
        undo_import(db.session, current_user, record)
    except DomainError as error:
        db.session.rollback()
        flash(gettext("The import cannot be undone: %(why)s", why=_problem(error)), "error")
        return redirect(url_for("imports.show", import_id=import_id), 303)
    db.session.commit()
    flash(gettext("Undone: the lines of this import are gone from the books."), "ok")
    return redirect(url_for("imports.show", import_id=import_id), 303)


@bp.route("/<int:import_id>/abandon", methods=["POST"])
@login_required
def abandon(import_id: int):
    record = _own(import_id)
    if record.state in (ImportState.UPLOADED, ImportState.PREVIEWED, ImportState.FAILED):
        files.remove_all(current_app.instance_path, record.token)
        record.state, record.token = ImportState.ABANDONED, None
        db.session.commit()
    return redirect(url_for("imports.index", centre=record.centre.code), 303)
