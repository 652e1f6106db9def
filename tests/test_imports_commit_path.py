"""The commit's fast path: entries kept by the preview, lines inserted in bulk with their
audit rows, and both held to what the slow path (the file, the session hooks) gives."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import Conflict, ValidationError, from_stored
from fundtrack.imports import kept, plan, service
from fundtrack.imports.models import ImportState
from fundtrack.income.models import IncomeLine
from tests import factories
from tests import test_imports_booking as booking
from tests.test_imports_booking import lines, receive

books = booking.books  # the same centre, treasurer, donor and agreement


def _events(session, line_ids) -> dict:
    found = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "income_lines",
            AuditEvent.entity_id.in_([str(i) for i in line_ids]),
        )
    )
    return {event.entity_id: event for event in found}


def test_every_imported_line_has_the_audit_row_the_session_hook_writes(session, books):
    by_hand = factories.income(session, books["centre"], "12.00", reference="BY-HAND")
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    service.commit(session, books["user"], record, books["instance"])
    imported = [line for line in lines(session, books["centre"]) if line.import_id == record.id]
    events = _events(session, [by_hand.id, *(line.id for line in imported)])
    hook = events.pop(str(by_hand.id))
    assert len(events) == len(imported) == 2
    for line in imported:
        event = events[str(line.id)]
        assert (event.action, event.centre_id, event.before) == ("create", line.centre_id, None)
        assert (event.user_id, event.actor) == (hook.user_id, hook.actor)
        assert event.after.keys() == hook.after.keys()
        assert event.after["amount"] == str(line.amount)
        assert event.after["booking_date"] == line.booking_date.isoformat()
        assert event.after["fiscal_year"] == line.fiscal_year == 2025
        assert (event.after["category"], event.after["source"]) == (
            line.category.value, "import")  # fmt: skip
        assert event.after["import_id"] == record.id and event.after["id"] == line.id


def test_the_commit_books_the_plan_its_preview_kept(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    assert kept.plan_path(books["instance"], record.token).exists()
    # The upload is no longer read: what the preview showed is what gets booked.
    service.upload_path(record, books["instance"]).write_bytes(b"<Document/>")
    service.commit(session, books["user"], record, books["instance"])
    assert [line.amount for line in lines(session, books["centre"])] == [
        Decimal("250.00"), Decimal("12500.00")]  # fmt: skip


def test_a_plan_made_with_another_mapping_or_other_choices_is_not_used(session, books):
    record = receive(session, books, "dnb_no.csv")
    mapping = record.options["mapping"] | {"decimal": ","}
    service.set_mapping(session, books["user"], record, mapping, books["instance"])
    service.preview(session, books["user"], record, books["instance"])
    path = kept.plan_path(books["instance"], record.token)
    assert kept.meta(path, kept.key(record.sha256, record.options)) is not None
    changed = dict(mapping, decimal=".")
    assert kept.meta(path, kept.key(record.sha256, dict(record.options, mapping=changed))) is None
    chosen = dict(record.options, choices={"name:x": {"kind": "skip"}})
    assert kept.meta(path, kept.key(record.sha256, chosen)) is None
    assert kept.meta(path, kept.key("0" * 64, record.options)) is None


def test_a_plan_cut_off_before_its_end_is_never_booked(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    path = kept.plan_path(books["instance"], record.token)
    path.with_suffix(".meta.json").unlink()
    assert kept.meta(path, kept.key(record.sha256, record.options)) is None
    # The commit plans the file again rather than trusting a plan without its end.
    service.commit(session, books["user"], record, books["instance"])
    assert [line.amount for line in lines(session, books["centre"])] == [
        Decimal("250.00"), Decimal("12500.00")]  # fmt: skip


def test_a_year_closed_between_preview_and_commit_refuses_the_bulk_insert(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    session.add(FiscalYearLock(year=2025))
    session.flush()
    with pytest.raises((Conflict, ValidationError), match="2025 is closed"):
        service.commit(session, books["user"], record, books["instance"])
    assert record.state == ImportState.PREVIEWED
    assert session.scalars(select(IncomeLine).where(IncomeLine.import_id == record.id)).all() == []


def test_a_reversal_cancels_a_credit_of_an_earlier_window(session, books, monkeypatch):
    # One row per window: the credit is written out before its reversal is read.
    monkeypatch.setattr(plan, "WINDOW", 1)
    session.get(type(books["centre"]), books["centre"].id).currency = "NOK"
    record = receive(session, books, "camt053_v08.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    assert [(row["row"], row["status"]) for row in data["rows"]] == [
        (1, "book"), (2, "book"), (3, "skipped"), (4, "skipped"), (5, "book")]  # fmt: skip
    assert said(data["rows"][2]["reason"]) == "reversed by row 4"
    assert data["counts"] == {"book": 3, "duplicate": 0, "skipped": 2, "reverse": 0,
                              "error": 0, "collected": 0, "returned": 0}  # fmt: skip
    assert data["total"] == "1300.00"
    service.commit(session, books["user"], record, books["instance"])
    assert sum(line.amount for line in lines(session, books["centre"])) == Decimal("1300.00")
    assert (record.rows_booked, record.rows_skipped, record.new_donors) == (3, 2, 3)


def test_a_line_booked_since_the_preview_with_a_reference_of_the_file_refuses_it(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    by_hand = factories.income(session, books["centre"], "250.00", reference="GIFT-2025-03-JDV")
    with pytest.raises(Conflict, match=f"income line {by_hand.id} .* booked since the preview"):
        service.commit(session, books["user"], record, books["instance"])


def test_a_line_booked_since_the_preview_with_an_external_id_of_the_file_refuses_it(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    factories.income(session, books["centre"], "9.00", external_id="ABN-20250303-0001")
    with pytest.raises(Conflict, match="booked since the preview .*same external id"):
        service.commit(session, books["user"], record, books["instance"])


def test_previewed_again_the_line_booked_since_is_a_duplicate_and_the_rest_books(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    factories.income(session, books["centre"], "250.00", reference="GIFT-2025-03-JDV")
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["rows"][0]["status"] == "duplicate"
    service.commit(session, books["user"], record, books["instance"])
    assert (record.rows_booked, record.rows_duplicate) == (1, 1)
    amounts = sorted(line.amount for line in lines(session, books["centre"]))
    assert amounts == [Decimal("250.00"), Decimal("12500.00")]


def test_a_donor_removed_since_the_preview_refuses_the_commit(session, books):
    record = receive(session, books, "camt053_v02.xml")
    service.preview(session, books["user"], record, books["instance"])
    session.delete(books["donor"])
    session.flush()
    with pytest.raises(Conflict, match="row 1: donor .* is gone since the preview"):
        service.commit(session, books["user"], record, books["instance"])
    assert lines(session, books["centre"]) == []


def test_a_treasurer_cannot_book_a_row_to_another_centres_donor_by_its_id(session, books):
    record = receive(session, books, "camt053_v02.xml")
    data = service.preview(session, books["user"], record, books["instance"])
    elsewhere = factories.centre(session, code="ZWL")
    stranger = factories.donor(session, elsewhere, name="Donor of Zwolle")
    key = data["rows"][0]["key"]
    service.set_choices(session, books["user"], record, {key: {"kind": "donor", "id": stranger.id}})
    data = service.preview(session, books["user"], record, books["instance"])
    assert data["rows"][0]["status"] == "error"
    assert said_errors(data["rows"][0]["errors"]) == [
        ["name", "the donor, funder or agreement chosen is not this centre's"]
    ]
    with pytest.raises(ValidationError, match="row 1"):
        service.commit(session, books["user"], record, books["instance"])
    assert lines(session, books["centre"]) == []


def said(message) -> str:
    """A reason or refusal the plan keeps (msgid and parameters), in English words."""
    return str(from_stored(message))


def said_errors(errors) -> list:
    return [[column, said(message)] for column, message in errors]
