"""A donor's rights under the GDPR: access to their data, and erasure.

Erasure removes the personal data from the donor's row and from the audit events about that
row, and from every copy elsewhere (`erasure`: income line descriptions, import file names,
recorded payer choices, their audit events); it keeps the row itself (so income lines keep
their donor and every total stays as it was), and records the erasure in the audit log
without the erased data.
"""

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed, require_manage
from fundtrack.auth.models import User
from fundtrack.giving.national_ids import masked, of_donor
from fundtrack.giving.tax_report import reported_by_year
from fundtrack.income.erasure import erase_copies
from fundtrack.income.merge_models import DonorMerge
from fundtrack.income.models import Donor, IncomeLine

PERSONAL = ("name", "email", "phone", "address", "postcode", "city", "iban")
CONSENTS = ("consent_contact", "consent_newsletter", "consent_recorded_at")
ERASED = "[erased]"


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return getattr(value, "value", value)


def _national_id(session: Session, donor: Donor) -> dict | None:
    """The donor's number masked (the export leaves the reporting roles' screens: the donor
    knows their number; the file must not become a copy of it), their request to be reported
    and what the reports to the tax office said per year."""
    row = of_donor(session, donor.id)
    years = reported_by_year(session, donor.id)
    reported = {str(year): str(amount) for year, amount in years.items()}
    if row is None and not reported:
        return None
    return {
        "kind": row.kind.value if row else None,
        "number": masked(row.kind, row.last_digits) if row else None,
        "consent_to_report": row.consent_to_report if row else False,
        "consent_recorded_on": _plain(row.consent_recorded_on) if row else None,
        "reported_to_tax_office": reported,
    }


def access_export(session: Session, user: User, donor: Donor) -> dict:
    """Everything fundtrack holds about a donor: the row, their national identity number
    (masked) and the gifts booked for them."""
    if not user.can_view(donor.centre_id):
        raise NotAllowed(_l("your role may not read this centre's donors"))
    lines = session.scalars(
        select(IncomeLine).where(IncomeLine.donor_id == donor.id).order_by(IncomeLine.booking_date)
    )
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "controller": donor.centre.name,
        "donor": {
            column: _plain(getattr(donor, column))
            for column in ("kind", *PERSONAL, *CONSENTS, "created_at")
        },
        "national_id": _national_id(session, donor),
        "gifts": [
            {
                "date": line.booking_date.isoformat(),
                "amount": str(line.amount),
                "currency": line.currency,
                "reference": line.reference,
                "description": line.description,
            }
            for line in lines
        ],
    }


def _scrubbed(snapshot: dict | None) -> dict | None:
    if snapshot is None:
        return None
    return {
        column: (ERASED if column in PERSONAL and value is not None else value)
        for column, value in snapshot.items()
    }


def erase_donor(session: Session, user: User, donor: Donor) -> None:
    """Erase a donor's personal data; their gifts and every total stay."""
    require_manage(user, donor.centre_id)
    # The copies first: the donor's values are what is looked for in them.
    erase_copies(session, donor)
    values = {column: None for column in PERSONAL if column != "name"}
    values |= {
        "name": f"{ERASED} #{donor.id}",
        "consent_contact": False,
        "consent_newsletter": False,
        "consent_recorded_at": None,
    }
    # A Core UPDATE: the ORM's audit hook would copy the old values into a new event.
    session.execute(update(Donor).where(Donor.id == donor.id).values(**values))
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "donors", AuditEvent.entity_id == str(donor.id)
        )
    )
    for event in events:
        event.before = _scrubbed(event.before)
        event.after = _scrubbed(event.after)
    actor = current_actor()
    session.execute(
        insert(AuditEvent),
        [
            {
                "user_id": actor[0] if actor[0] is not None else user.id,
                "actor": actor[1],
                "action": "erase",
                "entity": "donors",
                "entity_id": str(donor.id),
                "centre_id": donor.centre_id,
                "before": None,
                "after": {"erased": ", ".join(PERSONAL)},
            }
        ],
    )
    _erase_merges(session, user, donor)
    session.flush()
    session.expire(donor)


def _erase_merges(session: Session, user: User, donor: Donor) -> None:
    """The donors merged into this one are the same person: erased too. The merge records
    keep the survivor's replaced values for an undo: those are erased as well."""
    for merged in session.scalars(select(Donor).where(Donor.merged_into_id == donor.id)).all():
        erase_donor(session, user, merged)
    records = session.scalars(
        select(DonorMerge).where(
            or_(DonorMerge.survivor_id == donor.id, DonorMerge.merged_id == donor.id)
        )
    )
    for record in records:
        record.survivor_before = _scrubbed(record.survivor_before)
        record.survivor_after = _scrubbed(record.survivor_after)
