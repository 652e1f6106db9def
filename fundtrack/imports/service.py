"""An import from upload to booking: the steps every screen, job and command takes.

receive (kept under a random name, typed by content) → for spreadsheets, the column mapping
confirmed → preview (the plan as plain data, nothing written to the books) → corrections →
commit (the plan booked in one transaction) → perhaps undo. Each step checks that the user
manages the import's centre.
"""

import gc
from contextlib import contextmanager
from pathlib import Path

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import Conflict, Label, ValidationError
from fundtrack.imports import files, kept
from fundtrack.imports.booking import book_plan, remember, remember_choices
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.mapping import FIELDS, check_mapping, guess, header_key
from fundtrack.imports.matching import CHOICE_KINDS, Counterparties
from fundtrack.imports.models import Import, ImportProfile, ImportState
from fundtrack.imports.parsers import read_entries, table_head
from fundtrack.imports.plan import Planner
from fundtrack.imports.summary import Summary, count_into

COLUMNS_PREFIX = "columns:"


def receive(
    session: Session,
    user: User,
    centre: Centre,
    stream,
    filename: str,
    instance_path: str,
    limit: int,
) -> Import:
    """Keep the uploaded file under a random name and register it; flushed.

    Raises ImportFileError (and keeps nothing) for a file too big, empty, or of a kind
    that is not a camt.053 or MT940 statement, a CSV or an XLSX workbook.
    """
    require_manage(user, centre.id)
    token, size, sha256 = files.store(instance_path, stream, limit)
    path = files.stored_path(instance_path, token)
    try:
        with open(path, "rb") as head:
            kind = files.detect_kind(head.read(8192), path)
        options: dict = {}
        if kind in (files.CSV, files.XLSX):
            header, sample = table_head(path, kind, options)
            remembered = session.scalar(
                select(ImportProfile.value).where(
                    ImportProfile.centre_id == centre.id,
                    ImportProfile.key == COLUMNS_PREFIX + header_key(header),
                )
            )
            options["mapping"] = remembered or guess(header, sample)
            options["mapping_remembered"] = remembered is not None
            # Kept so that confirming the mapping need not open a big workbook again.
            options["header"] = header
    except BaseException:
        files.remove(instance_path, token)
        raise
    earlier = session.scalar(
        select(Import.id).where(
            Import.centre_id == centre.id,
            Import.sha256 == sha256,
            Import.state == ImportState.BOOKED,
        )
    )
    if earlier is not None:
        options["same_file_as"] = earlier
    record = Import(
        centre=centre,
        user_id=user.id,
        filename=files.display_name(filename),
        kind=kind,
        sha256=sha256,
        size=size,
        token=token,
        options=options,
        state=ImportState.UPLOADED,
    )
    session.add(record)
    session.flush()
    return record


def upload_path(record: Import, instance_path: str) -> Path:
    if not record.token:
        raise _not_kept()
    path = files.stored_path(instance_path, record.token)
    if not path.exists():
        raise _not_kept()
    return path


def _not_kept() -> Conflict:
    return Conflict(
        "state", _l("the file of this import is no longer kept; upload it again"),
        code="file_not_kept",
    )  # fmt: skip


def head(record: Import, instance_path: str) -> tuple[list, list[list]]:
    """A spreadsheet's header and first rows, for the mapping screen."""
    options = dict(record.options or {})
    return table_head(upload_path(record, instance_path), record.kind, options)


def set_mapping(
    session: Session, user: User, record: Import, mapping: dict, instance_path: str
) -> Import:
    """Confirm which column holds what; remembered for the centre's files with this header."""
    require_manage(user, record.centre_id)
    _waiting(record)
    options = dict(record.options or {})
    same_dialect = all(
        mapping.get(name) in (None, "", options.get(name)) for name in ("encoding", "delimiter")
    )
    header = options.get("header") if same_dialect else None
    if header is None:
        header, _sample = head(record, instance_path)
    columns = {f: i for f, i in (mapping.get("columns") or {}).items() if i is not None}
    clean = {"columns": columns, "decimal": mapping.get("decimal")}
    problems = check_mapping(clean, len(header))
    if problems:
        said = LazyString(lambda: "; ".join(str(problem) for problem in problems))
        raise ValidationError("mapping", said, code="mapping_incomplete")
    options["header"] = header
    for name in ("encoding", "delimiter"):
        if mapping.get(name):
            options[name] = mapping[name]
    options["mapping"] = clean
    options["mapping_confirmed"] = True
    record.options = options
    remember(session, record.centre_id, COLUMNS_PREFIX + header_key(header), clean)
    session.flush()
    return record


def set_choices(session: Session, user: User, record: Import, choices: dict) -> Import:
    """The user's corrections: which donor, funder or agreement a payer is (or leave out)."""
    require_manage(user, record.centre_id)
    _waiting(record)
    chosen = {}
    for key, choice in choices.items():
        kind = (choice or {}).get("kind")
        if kind in (None, "", "auto"):
            continue
        if kind not in CHOICE_KINDS:
            raise ValidationError(
                "choices", _l("%(typed)s is not a choice", typed=repr(kind)), code="unknown_choice"
            )
        if kind in ("donor", "funder", "agreement") and not isinstance(choice.get("id"), int):
            raise ValidationError(
                "choices",
                _l("choose which %(kind)s", kind=Label("MATCH_KIND_LABELS", kind)),
                code="choice_incomplete",
            )
        chosen[str(key)[:300]] = {
            k: v for k, v in choice.items() if k in ("kind", "id", "donor_kind")
        }
    options = dict(record.options or {})
    options["choices"] = chosen
    record.options = options
    session.flush()
    return record


def refused(record: Import, instance_path: str) -> None:
    """The file was refused as a whole (ImportFileError): nothing of it is kept on disk and
    the import has failed; the user uploads a mended file as a new import."""
    files.remove_all(instance_path, record.token)
    record.token = None
    record.state = ImportState.FAILED


def _waiting(record: Import) -> None:
    if record.state not in (ImportState.UPLOADED, ImportState.PREVIEWED):
        raise Conflict(
            "state",
            _l("import %(id)s is %(state)s", id=record.id,
               state=Label("IMPORT_STATE_LABELS", record.state)),
            code="wrong_state",
        )  # fmt: skip


def needs_mapping(record: Import) -> bool:
    return record.kind in (files.CSV, files.XLSX) and not (record.options or {}).get(
        "mapping_confirmed"
    )


def write_plan(
    session: Session, user: User, record: Import, instance_path: str, progress=None
) -> tuple[Counterparties, Summary]:
    """Plan every row of the file with the import's mapping and choices, streaming the plan
    into the file the commit books from (`kept`); what the preview shows of it."""
    require_manage(user, record.centre_id)
    options = dict(record.options or {})
    known = Counterparties.load(session, user, record.centre)
    path = upload_path(record, instance_path)
    planner = Planner(session, known, options.get("choices", {}))
    writer = kept.PlanWriter(
        kept.plan_path(instance_path, record.token), kept.key(record.sha256, options)
    )
    summary = Summary()
    try:
        for row in planner.plan(read_entries(path, record.kind, options), progress):
            writer.write(row)
            summary.add(row)
        summary.settle(planner.settle_reversals(writer.rows))
        writer.finish(summary.meta())
    except BaseException:
        writer.abandon()
        raise
    return known, summary


@contextmanager
def _collector_spared():
    """Python's cycle collector would walk every object the process holds (the IBAN
    registry, the password lists, the models) again and again while an import makes
    millions of short-lived ones: a tenth of a big import's time. Those objects are
    moved out of its sight for the import and given back after."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def preview(
    session: Session, user: User, record: Import, instance_path: str, progress=None
) -> dict:
    """The plan as plain data, kept beside the upload; the books are not touched."""
    _waiting(record)
    if needs_mapping(record):
        raise Conflict(
            "mapping", _l("confirm which column holds what first"), code="mapping_unconfirmed"
        )
    with _collector_spared():
        known, summary = write_plan(session, user, record, instance_path, progress)
    data = summary.data(record, known.centre.currency) | {"format": kept.FORMAT}
    files.save_preview(instance_path, record.token, data)
    count_into(record, summary.counts, summary.rows_total)
    record.new_donors = summary.new_donor_count
    record.state = ImportState.PREVIEWED
    record.error = ""
    session.flush()
    return data


def commit(
    session: Session, user: User, record: Import, instance_path: str, progress=None
) -> Import:
    """Book the plan the preview kept (planned again first when the choices or the mapping
    changed since, or when it is gone); flushed, the caller commits (and removes the kept
    files once committed: `files.remove_all`)."""
    _waiting(record)
    if needs_mapping(record):
        raise Conflict(
            "mapping", _l("confirm which column holds what first"), code="mapping_unconfirmed"
        )
    require_manage(user, record.centre_id)
    if not record.token:
        raise _not_kept()
    path = kept.plan_path(instance_path, record.token)
    plan_key = kept.key(record.sha256, dict(record.options or {}))
    with _collector_spared():
        meta = kept.meta(path, plan_key)
        if meta is None:
            write_plan(session, user, record, instance_path)
            meta = kept.meta(path, plan_key)
        known = Counterparties.load(session, user, record.centre)
        rows = kept.rows(path, meta["overrides"])
        book_plan(session, user, record, known, meta, rows, progress)
    remember_choices(session, record.centre_id, (record.options or {}).get("choices", {}))
    return record


def import_file(
    session: Session,
    user: User,
    centre: Centre,
    path: Path,
    instance_path: str,
    *,
    limit: int,
    mapping: dict | None = None,
    dry_run: bool = False,
    progress=None,
) -> tuple[Import, dict]:
    """The command line's import: receive, preview and (unless a dry run) book in one go.

    A spreadsheet takes the mapping given, else the centre's remembered one, else the guess.
    """
    with open(path, "rb") as stream:
        record = receive(session, user, centre, stream, path.name, instance_path, limit)
    token = record.token
    try:
        if record.kind in (files.CSV, files.XLSX):
            chosen = mapping or record.options["mapping"]
            set_mapping(session, user, record, chosen, instance_path)
        data = preview(session, user, record, instance_path, progress)
        if not dry_run:
            commit(session, user, record, instance_path, progress)
    finally:
        files.remove_all(instance_path, token)
    return record, data


__all__ = ["FIELDS", "ImportFileError", "commit", "import_file", "preview", "receive"]
