"""Erasing a donor reaches every copy of their data, not only the donor's row.

A donor's name, IBAN and e-mail also travel into other rows: the descriptions (and
references) of income lines, the names of uploaded files, the payers an import recorded
(keyed by IBAN or name, kept as the centre's remembered choices), what an undone import kept
of the lines it removed, the references of their recurring gifts, and the audit snapshots
of all of these. `erase_copies` scrubs them with Core statements (the audit hook would
otherwise copy the old values into new events) and then scrubs the audit events themselves.
A national identity number is deleted outright, and cleared from what the gift reports to
the tax office kept of it (fundtrack.giving.national_ids).
Amounts, dates and links are never touched, so every total stays as it was.
"""

import json
import re
from datetime import date

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from fundtrack.audit.models import AuditEvent
from fundtrack.giving.models import RecurringGift
from fundtrack.giving.national_ids import erase_national_id
from fundtrack.giving.sepa_models import Mandate
from fundtrack.giving.statement_models import GivingStatement
from fundtrack.imports.matching import MATCH_PREFIX, counterparty_key
from fundtrack.imports.models import Import, ImportProfile
from fundtrack.imports.onboarding.models import Onboarding
from fundtrack.income.models import Donor, IncomeLine

ERASED = "[erased]"
# Shorter values (a first name alone) would scrub unrelated words from other rows; the
# donor's own lines lose their whole description whatever the name's length.
MIN_NEEDLE = 4
# The columns of a row wholly the donor's (their own line, payer choice or recurring gift)
# that are erased outright in its audit snapshots; the rest is scrubbed of their values.
_WHOLLY = {
    "income_lines": ("description", "key", "value"),
    "import_profiles": ("description", "key", "value"),
    "recurring_gifts": ("reference",),
    "mandates": ("iban",),
    "donor_national_ids": ("last_digits",),
}
_ENTITIES = ("income_lines", "imports", "import_profiles", "onboardings", "recurring_gifts",
             "mandates", "donor_national_ids")  # fmt: skip


def needles(donor: Donor) -> list[str]:
    """The donor's values to look for in other rows, longest first."""
    found = {donor.name, donor.email, donor.phone, donor.address}
    if donor.iban:
        iban = donor.iban.replace(" ", "")
        found |= {iban, " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))}
    values = {" ".join(v.split()) for v in found if v and len(v.strip()) >= MIN_NEEDLE}
    return sorted(values, key=len, reverse=True)


def _pattern(values: list[str]) -> re.Pattern | None:
    if not values:
        return None
    # Any run of spaces in a value matches any run of spaces in the text.
    parts = [r"\s+".join(re.escape(word) for word in value.split()) for value in values]
    return re.compile("|".join(parts), re.IGNORECASE)


def scrub(value, pattern: re.Pattern | None):
    """`value` (text, or JSON made of dicts, lists and text) with every match replaced,
    dictionary keys included."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {scrub(key, pattern): scrub(item, pattern) for key, item in value.items()}
    return value


def _found(value, pattern: re.Pattern | None) -> bool:
    return pattern is not None and bool(pattern.search(json.dumps(value, ensure_ascii=False)))


def erase_copies(session: Session, donor: Donor) -> None:
    """Scrub the donor's data from every row that copied it, and from those rows' audit
    events; call before the donor's own row is erased (its values are what is looked for)."""
    pattern = _pattern(needles(donor))
    # In the donor's own lines each word of the name counts too ("Jansen/2025").
    words = [word for word in (donor.name or "").split() if len(word) >= MIN_NEEDLE]
    own_pattern = _pattern(needles(donor) + sorted(words, key=len, reverse=True))
    own = set(session.scalars(select(IncomeLine.id).where(IncomeLine.donor_id == donor.id)))
    _income_lines(session, donor, pattern, own, own_pattern)
    _imports(session, donor, pattern)
    profiles = _payer_choices(session, donor, pattern)
    wholly = {"recurring_gifts": _recurring_gifts(session, donor),
              "mandates": _mandates(session, donor),
              "donor_national_ids": erase_national_id(session, donor.id)}  # fmt: skip
    _audit_events(session, donor, pattern, own, profiles, own_pattern, wholly)
    _statements(session, donor, pattern)


def _statements(session: Session, donor: Donor, pattern) -> None:
    """The giving statements' PDFs carry the donor's name and address: they go; the hash,
    the amounts and the gifts covered stay, and so does a void statement's reason, scrubbed."""
    rows = session.execute(
        select(GivingStatement.id, GivingStatement.void_reason).where(
            GivingStatement.donor_id == donor.id
        )
    )
    for statement_id, reason in rows.all():
        session.execute(
            update(GivingStatement)
            .where(GivingStatement.id == statement_id)
            .values(pdf=None, void_reason=scrub(reason, pattern))
        )


def _income_lines(session: Session, donor: Donor, pattern, own: set[int], own_pattern) -> None:
    rows = session.execute(
        select(IncomeLine.id, IncomeLine.description, IncomeLine.reference).where(
            IncomeLine.centre_id == donor.centre_id
        )
    )
    for line_id, description, reference in rows.all():
        new_description = ERASED if line_id in own and description else scrub(description, pattern)
        new_reference = scrub(reference, own_pattern if line_id in own else pattern)
        if (new_description, new_reference) != (description, reference):
            session.execute(
                update(IncomeLine)
                .where(IncomeLine.id == line_id)
                .values(description=new_description, reference=new_reference)
            )


def _without_own_lines(outcome, donor_id: int):
    """An undone import's copies of the lines it removed: the donor's lose their words."""
    if not isinstance(outcome, dict) or not isinstance(outcome.get("reversed"), list):
        return outcome
    kept = []
    for line in outcome["reversed"]:
        if isinstance(line, dict) and line.get("donor") == donor_id:
            line = line | {"description": ERASED, "reference": ERASED}
        kept.append(line)
    return outcome | {"reversed": kept}


def _imports(session: Session, donor: Donor, pattern) -> None:
    rows = session.execute(
        select(Import.id, Import.filename, Import.options, Import.outcome).where(
            Import.centre_id == donor.centre_id
        )
    )
    for import_id, filename, options, outcome in rows.all():
        values = {
            "filename": scrub(filename, pattern),
            "options": scrub(options, pattern),
            "outcome": scrub(_without_own_lines(outcome, donor.id), pattern),
        }
        if values != {"filename": filename, "options": options, "outcome": outcome}:
            session.execute(update(Import).where(Import.id == import_id).values(**values))
    for onboarding_id, filename in session.execute(select(Onboarding.id, Onboarding.filename)):
        if _found(filename, pattern):
            session.execute(
                update(Onboarding)
                .where(Onboarding.id == onboarding_id)
                .values(filename=scrub(filename, pattern))
            )


def _payer_choices(session: Session, donor: Donor, pattern) -> set[int]:
    """Forget the payers recorded as this donor, or under their IBAN or name; their ids."""
    keys = {MATCH_PREFIX + counterparty_key(None, donor.name or "")}
    if donor.iban:
        keys.add(MATCH_PREFIX + counterparty_key(donor.iban.replace(" ", ""), ""))
    rows = session.execute(
        select(ImportProfile.id, ImportProfile.key, ImportProfile.value).where(
            ImportProfile.centre_id == donor.centre_id,
            ImportProfile.key.startswith(MATCH_PREFIX),
        )
    )
    gone = {
        profile_id
        for profile_id, key, value in rows.all()
        if key in keys
        or _found(key, pattern)
        or (
            isinstance(value, dict) and value.get("kind") == "donor" and value.get("id") == donor.id
        )
    }
    if gone:
        session.execute(delete(ImportProfile).where(ImportProfile.id.in_(gone)))
    return gone


def _recurring_gifts(session: Session, donor: Donor) -> set[int]:
    """The donor's recurring gifts lose their reference (the donor's own words); their ids."""
    gifts = set(session.scalars(select(RecurringGift.id).where(RecurringGift.donor_id == donor.id)))
    if gifts:
        session.execute(
            update(RecurringGift)
            .where(RecurringGift.id.in_(gifts), RecurringGift.reference != "")
            .values(reference=ERASED)
        )
    return gifts


def _mandates(session: Session, donor: Donor) -> set[int]:
    """The donor's mandates lose their IBAN and are revoked (nothing is collected from an
    account nobody knows any more); their ids."""
    mandates = set(session.scalars(select(Mandate.id).where(Mandate.donor_id == donor.id)))
    if mandates:
        session.execute(update(Mandate).where(Mandate.id.in_(mandates)).values(iban=ERASED))
        session.execute(
            update(Mandate)
            .where(Mandate.id.in_(mandates), Mandate.revoked_on.is_(None))
            .values(revoked_on=date.today())
        )
    return mandates


def _audit_events(
    session: Session,
    donor: Donor,
    pattern,
    own: set[int],
    profiles: set[int],
    own_pattern,
    wholly: dict[str, set[int]],
):
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity.in_(_ENTITIES),
            or_(AuditEvent.centre_id == donor.centre_id, AuditEvent.centre_id.is_(None)),
        )
    )
    for event in events:
        erase_all = (
            (event.entity == "income_lines" and int(event.entity_id) in own)
            or (event.entity == "import_profiles" and int(event.entity_id) in profiles)
            or int(event.entity_id) in wholly.get(event.entity, ())
        )
        for side in ("before", "after"):
            snapshot = getattr(event, side)
            if not isinstance(snapshot, dict):
                continue
            if erase_all:
                snapshot = {
                    column: (ERASED if column in _WHOLLY.get(event.entity, ()) and value else value)
                    for column, value in snapshot.items()
                }
            if event.entity == "imports" and "outcome" in snapshot:
                snapshot = snapshot | {"outcome": _without_own_lines(snapshot["outcome"], donor.id)}
            snapshot = scrub(snapshot, own_pattern if erase_all else pattern)
            if snapshot != getattr(event, side):
                setattr(event, side, snapshot)
