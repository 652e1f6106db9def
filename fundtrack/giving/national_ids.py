"""A donor's national identity number: checked with python-stdnum, stored encrypted, shown
masked, read in full only by those who report gifts to the tax office.

Who reports: a centre's treasurer for the centre's own donors, and the national office
(`User.can_report_gifts`). Everybody else, admins and auditors included, sees the masked form
(`******95088` → `********088`), and no export but the file for the tax office carries a
number (docs/data-classification.md).
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError as NumberInvalid
from stdnum.nl import bsn
from stdnum.no import fodselsnummer, orgnr

from fundtrack.auth import sealed
from fundtrack.auth.models import User
from fundtrack.errors import NotAllowed, ValidationError
from fundtrack.giving.tax_models import DonorNationalId, GiftReportLine, NationalIdKind
from fundtrack.income.models import Donor
from fundtrack.labels import NATIONAL_ID_KIND_LABELS, label_of

SHOWN_DIGITS = 3
LENGTHS = {
    NationalIdKind.FODSELSNUMMER: 11,
    NationalIdKind.D_NUMBER: 11,
    NationalIdKind.ORGANISATION_NUMBER: 9,
    NationalIdKind.BSN: 9,
}
UNREADABLE = (
    "number",
    _l("the national identity number cannot be read with the configured keys"),
    "national_id_key_unknown",
)


def check_number(kind, value) -> tuple[NationalIdKind, str]:
    """The kind and the number without spaces, dots or dashes; a ValidationError naming
    `kind` or `number` otherwise. A fødselsnummer whose first digit is 4 to 7 is a D-number,
    whichever of the two was chosen."""
    try:
        kind = NationalIdKind(kind)
    except ValueError:
        raise ValidationError(
            "kind", _l("%(typed)s is not a kind of national identity number", typed=repr(kind)),
            code="unknown_national_id_kind",
        ) from None  # fmt: skip
    typed = str(value or "").strip()
    if not typed:
        raise ValidationError("number", _l("is required"), code="required")
    module = {NationalIdKind.ORGANISATION_NUMBER: orgnr, NationalIdKind.BSN: bsn}.get(
        kind, fodselsnummer
    )
    try:
        number = module.validate(typed)
    except NumberInvalid:
        raise ValidationError(
            "number",
            _l("%(typed)s is not a valid %(kind)s", typed=repr(typed),
               kind=label_of(NATIONAL_ID_KIND_LABELS, kind)),
            code="invalid_national_id",
        ) from None  # fmt: skip
    if module is fodselsnummer:
        d_number = number[0] in "4567"
        kind = NationalIdKind.D_NUMBER if d_number else NationalIdKind.FODSELSNUMMER
    return kind, number


def masked(kind, last_digits: str | None) -> str:
    """The number as everybody but the reporting roles sees it: stars and its last digits."""
    if not last_digits:
        return ""
    return "*" * (LENGTHS[NationalIdKind(kind)] - len(last_digits)) + last_digits


def shown(user: User, row: DonorNationalId) -> str:
    """The number in full for a user who reports this centre's gifts, masked for the rest."""
    if user.can_report_gifts(row.centre_id):
        return sealed.unseal(row.number_sealed, unreadable=UNREADABLE)
    return masked(row.kind, row.last_digits)


def of_donor(session: Session, donor_id: int) -> DonorNationalId | None:
    return session.scalars(
        select(DonorNationalId).where(DonorNationalId.donor_id == donor_id)
    ).first()


def require_reporter(user: User, centre_id: int) -> None:
    if not user.can_report_gifts(centre_id):
        raise NotAllowed(
            _l("only the centre's treasurer and the national office handle national identity "
               "numbers"),
            code="national_id_not_allowed",
        )  # fmt: skip


def set_national_id(session: Session, user: User, donor: Donor, values: dict) -> DonorNationalId:
    """Record or change a donor's number and their request that gifts be reported. An empty
    number keeps the stored one (the consent alone changes)."""
    require_reporter(user, donor.centre_id)
    row = of_donor(session, donor.id)
    typed = str(values.get("number") or "").strip()
    if row is None or typed:
        kind, number = check_number(values.get("kind"), typed)
    else:
        kind, number = row.kind, None
    if row is None:
        row = DonorNationalId(donor_id=donor.id, centre_id=donor.centre_id)
        session.add(row)
    if number is not None:
        row.number_sealed = sealed.seal(number)
        row.last_digits = number[-SHOWN_DIGITS:]
    row.kind = kind
    consent = bool(values.get("consent_to_report"))
    if consent and not row.consent_to_report:
        # When the donor asked is what the tax office may want to see; recorded as now.
        row.consent_recorded_on = date.today()
    elif not consent:
        row.consent_recorded_on = None
    row.consent_to_report = consent
    session.flush()
    return row


def clear_national_id(session: Session, user: User, donor: Donor) -> None:
    """Forget a donor's number (and with it their request to be reported)."""
    require_reporter(user, donor.centre_id)
    row = of_donor(session, donor.id)
    if row is not None:
        session.delete(row)
        session.flush()


def erase_national_id(session: Session, donor_id: int) -> set[int]:
    """Erasure (fundtrack.income.erasure): the donor's number is deleted, and cleared from
    what earlier reports kept of it; the ids of the deleted rows (for their audit events)."""
    ids = set(
        session.scalars(select(DonorNationalId.id).where(DonorNationalId.donor_id == donor_id))
    )
    session.execute(delete(DonorNationalId).where(DonorNationalId.donor_id == donor_id))
    session.execute(
        update(GiftReportLine)
        .where(GiftReportLine.donor_id == donor_id)
        .values(number_sealed=None, last_digits=None)
    )
    return ids


def reseal_all(session: Session) -> int:
    """Encrypt every stored number again with the first key; how many were."""
    count = 0
    for model in (DonorNationalId, GiftReportLine):
        for row in session.scalars(select(model).where(model.number_sealed.is_not(None))):
            row.number_sealed = sealed.reseal(row.number_sealed, unreadable=UNREADABLE)
            count += 1
    return count
