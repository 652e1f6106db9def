"""A donor's national identity number: checked, sealed at rest, masked for everybody but the
centre's treasurer and the national office, left out of the donor's export in full, erased
with the donor, and resealed when the key rotates."""

from datetime import date

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text
from stdnum.no import fodselsnummer

from fundtrack.audit.models import AuditEvent
from fundtrack.auth import sealed
from fundtrack.errors import NotAllowed, ValidationError
from fundtrack.giving import national_ids
from fundtrack.giving.tax_models import DonorNationalId, NationalIdKind
from fundtrack.income import gdpr
from tests import factories

ORGNR = "988077917"
BSN = "111222333"


def birth_number(day_month_year: str, d_number: bool = False) -> str:
    """A valid fødselsnummer (or D-number) born on `day_month_year` ("150586")."""
    if d_number:
        day_month_year = str(int(day_month_year[0]) + 4) + day_month_year[1:]
    for individual in range(100, 500):
        number = f"{day_month_year}{individual}"
        number += fodselsnummer.calc_check_digit1(number)
        number += fodselsnummer.calc_check_digit2(number)
        if len(number) == 11 and fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid number")


FNR = birth_number("150586")


@pytest.fixture
def w(session, network):
    centre = factories.centre(session, code="OSL", currency="NOK", organisation_number=ORGNR)
    donor = factories.donor(session, centre, name="Kari Nordmann")
    return {
        "centre": centre,
        "donor": donor,
        "treasurer": factories.user(session, role="treasurer", centre=centre),
        "national": factories.user(session, role="national"),
        "admin": factories.user(session, role="admin"),
        "auditor": factories.user(session, role="auditor"),
        "other": factories.user(session, role="treasurer", centre=factories.centre(session)),
    }


def _set(session, w, **values):
    values = {"kind": "fodselsnummer", "number": FNR, "consent_to_report": True} | values
    return national_ids.set_national_id(session, w["treasurer"], w["donor"], values)


def test_the_number_is_sealed_at_rest_and_masked_for_all_but_the_reporters(session, w):
    row = _set(session, w, number=f"{FNR[:6]} {FNR[6:]}")
    raw = session.execute(
        text("SELECT number_sealed, last_digits FROM donor_national_ids WHERE id = :id"),
        {"id": row.id},
    ).one()
    assert raw.number_sealed != FNR and FNR not in raw.number_sealed
    assert raw.last_digits == FNR[-3:]
    assert sealed.unseal(raw.number_sealed) == FNR
    assert national_ids.shown(w["treasurer"], row) == FNR
    assert national_ids.shown(w["national"], row) == FNR
    for who in ("admin", "auditor", "other"):
        assert national_ids.shown(w[who], row) == "********" + FNR[-3:], who
    assert row.consent_to_report and row.consent_recorded_on == date.today()


def test_a_d_number_is_told_apart_and_other_kinds_are_checked_by_their_register(session, w):
    row = _set(session, w, number=birth_number("150586", d_number=True))
    assert row.kind == NationalIdKind.D_NUMBER
    row = _set(session, w, kind="organisation_number", number="988 077 917")
    assert row.kind == NationalIdKind.ORGANISATION_NUMBER and row.last_digits == "917"
    assert national_ids.masked(row.kind, row.last_digits) == "******917"
    row = _set(session, w, kind="bsn", number=BSN, consent_to_report=False)
    assert row.kind == NationalIdKind.BSN and row.consent_recorded_on is None
    assert (
        session.scalar(select(DonorNationalId.id).where(DonorNationalId.donor_id == w["donor"].id))
        == row.id
    )


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"number": FNR[:-1] + str((int(FNR[-1]) + 1) % 10)}, "number", "invalid_national_id"),
        ({"kind": "organisation_number", "number": "988077918"}, "number", "invalid_national_id"),
        ({"kind": "bsn", "number": "111222334"}, "number", "invalid_national_id"),
        ({"number": " "}, "number", "required"),
        ({"kind": "passport"}, "kind", "unknown_national_id_kind"),
    ],
)
def test_a_refusal_names_the_field(session, w, values, field, code):
    with pytest.raises(ValidationError) as refused:
        _set(session, w, **values)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert national_ids.of_donor(session, w["donor"].id) is None


def test_only_the_centres_treasurer_and_the_national_office_set_a_number(session, w):
    for who in ("admin", "auditor", "other"):
        with pytest.raises(NotAllowed):
            national_ids.set_national_id(
                session, w[who], w["donor"], {"kind": "bsn", "number": BSN}
            )
    national_ids.set_national_id(session, w["national"], w["donor"], {"kind": "bsn", "number": BSN})
    with pytest.raises(NotAllowed):
        national_ids.clear_national_id(session, w["admin"], w["donor"])
    national_ids.clear_national_id(session, w["treasurer"], w["donor"])
    assert national_ids.of_donor(session, w["donor"].id) is None


def test_the_consent_changes_alone_and_the_audit_trail_never_holds_the_number(session, w):
    row = _set(session, w, consent_to_report=False)
    national_ids.set_national_id(session, w["treasurer"], w["donor"], {"consent_to_report": True})
    assert row.consent_to_report and sealed.unseal(row.number_sealed) == FNR
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "donor_national_ids"))
    snapshots = [str(e.before) + str(e.after) for e in events]
    assert snapshots and not any(FNR in s or row.number_sealed in s for s in snapshots)


def test_the_donors_own_export_shows_the_number_masked(session, w):
    _set(session, w)
    exported = gdpr.access_export(session, w["treasurer"], w["donor"])
    assert exported["national_id"]["number"] == "********" + FNR[-3:]
    assert exported["national_id"]["consent_to_report"] is True
    assert FNR not in str(exported)


def test_erasing_the_donor_erases_the_number_and_its_audit_copies(session, w):
    row_id = _set(session, w).id
    gdpr.erase_donor(session, w["treasurer"], w["donor"])
    assert national_ids.of_donor(session, w["donor"].id) is None
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "donor_national_ids", AuditEvent.entity_id == str(row_id)
        )
    ).all()
    assert events and all(FNR[-3:] not in str(e.after) for e in events)


def test_a_new_key_put_first_reseals_every_number(app, session, w):
    row = _set(session, w)
    old = app.config["TOTP_SECRET_KEYS"]
    new = Fernet.generate_key().decode()
    app.config["TOTP_SECRET_KEYS"] = [new, *old]
    try:
        assert national_ids.reseal_all(session) == 1
        assert sealed.unseal(row.number_sealed, [new]) == FNR
    finally:
        app.config["TOTP_SECRET_KEYS"] = old
    with pytest.raises(ValidationError) as unreadable:
        national_ids.shown(w["treasurer"], row)
    assert unreadable.value.code == "national_id_key_unknown"
