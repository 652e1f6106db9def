"""The yearly report of deductible gifts to the Norwegian tax office (skattefradrag for gaver
til frivillige organisasjoner, skatteloven § 6-50; RF-1310).

A centre, or the national office on behalf of the network's Norwegian centres, reports per
donor the year's total of gifts in NOK: only donors who asked for it (their consent on
`DonorNationalId`), only with a fødselsnummer, D-number or organisation number, only totals
of at least NOK 500. The deduction's maximum (NOK 25,000 a year since 2022) is the donor's
matter: the total is reported as it is. docs/gift-reporting.md says where the format comes
from and what of it could not be verified.

Every run is stored with what it reported. A second run for the same year is a correction:
it reports every donor again with today's total, and withdraws (amount 0) a number reported
before that is no longer reported, so that it holds whether the tax office replaces the
year's delivery or each donor's earlier amount.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from flask_babel import lazy_gettext as _l
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth import sealed
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, Network
from fundtrack.errors import Conflict, ValidationError
from fundtrack.giving.national_ids import UNREADABLE, masked, require_reporter
from fundtrack.giving.tax_models import (
    DonorNationalId,
    GiftReportKind,
    GiftReportLine,
    GiftReportRun,
    NationalIdKind,
)
from fundtrack.income.models import Donor, IncomeLine

# Skatteloven § 6-50: a donor's gifts to one organisation count from NOK 500 a year.
MINIMUM = Decimal("500")
CURRENCY = "NOK"
NORWEGIAN = (NationalIdKind.FODSELSNUMMER, NationalIdKind.D_NUMBER,
             NationalIdKind.ORGANISATION_NUMBER)  # fmt: skip
NAMESPACE = "urn:ske:fastsetting:innsamling:gavefrivilligorganisasjon:v2"
SCHEMA_FILE = "gavefrivilligorganisasjon_v2_0.xsd"
SOURCE_SYSTEM = "fundtrack"
CONTACT_LIMITS = {"contact_name": 100, "contact_phone": 20, "contact_email": 254,
                  "contact_sms": 20}  # fmt: skip


@dataclass
class Giver:
    """One line of the year's list: a number reported (gathering a person's donor rows of
    several centres when the network reports), or a donor left out and why."""

    name: str
    total: Decimal
    reason: str
    centres: list[str] = field(default_factory=list)
    donor_ids: list[int] = field(default_factory=list)
    kind: NationalIdKind | None = None
    number: str | None = None
    shown: str = ""
    before: int | None = None

    @property
    def amount(self) -> int:
        """The amount the file says: whole kroner, never more than was given."""
        return int(self.total.to_integral_value(rounding=ROUND_DOWN))


@dataclass
class Selection:
    year: int
    centre: Centre | None
    organisation_number: str
    organisation_name: str
    reported: list[Giver]
    left_out: list[Giver]
    runs: list[GiftReportRun]

    @property
    def kind(self) -> GiftReportKind:
        return GiftReportKind.CORRECTION if self.runs else GiftReportKind.ORDINARY


def _reporter(session: Session, user: User, centre: Centre | None) -> tuple[list[int], str, str]:
    """The centres a run covers and the reporting organisation's number and name."""
    require_reporter(user, centre.id if centre is not None else None)
    if centre is not None:
        if centre.currency != CURRENCY:
            raise ValidationError(
                "centre",
                _l("%(centre)s does not count in NOK: only Norwegian centres report gifts to the "
                   "Norwegian tax office", centre=centre.code),
                code="not_norwegian_centre",
            )  # fmt: skip
        ids, number, name = [centre.id], centre.organisation_number, centre.name
    else:
        network = session.get(Network, 1)
        ids = list(session.scalars(select(Centre.id).where(Centre.currency == CURRENCY)))
        number = network.organisation_number if network else ""
        name = network.name if network else ""
    if not number:
        raise ValidationError(
            "organisation_number",
            _l("the reporting organisation has no organisation number: give it in its settings"),
            code="no_reporter_number",
        )
    return ids, number, name


def _year_totals(session: Session, centre_ids: list[int], year: int):
    """Each donor's total of NOK gifts booked in the year, with their number's row."""
    return session.execute(
        select(
            Donor.id,
            Donor.name,
            Centre.code,
            func.sum(IncomeLine.amount),
            DonorNationalId.kind,
            DonorNationalId.number_sealed,
            DonorNationalId.last_digits,
            DonorNationalId.consent_to_report,
        )  # fmt: skip
        .join(Donor, Donor.id == IncomeLine.donor_id)
        .join(Centre, Centre.id == Donor.centre_id)
        .outerjoin(DonorNationalId, DonorNationalId.donor_id == Donor.id)
        .where(
            IncomeLine.centre_id.in_(centre_ids),
            IncomeLine.currency == CURRENCY,
            IncomeLine.booking_date >= date(year, 1, 1),
            IncomeLine.booking_date <= date(year, 12, 31),
        )
        .group_by(
            Donor.id,
            Donor.name,
            Centre.code,
            DonorNationalId.kind,
            DonorNationalId.number_sealed,
            DonorNationalId.last_digits,
            DonorNationalId.consent_to_report,
        )  # fmt: skip
        .order_by(Donor.name, Donor.id)
    ).all()


def _runs(session: Session, centre: Centre | None, year: int) -> list[GiftReportRun]:
    where = GiftReportRun.centre_id == centre.id if centre else GiftReportRun.centre_id.is_(None)
    stmt = select(GiftReportRun).where(where, GiftReportRun.year == year)
    return list(session.scalars(stmt.order_by(GiftReportRun.id)))


def _last_reported(runs: list[GiftReportRun]) -> dict[str, tuple[int, GiftReportLine]]:
    """Per number, the amount the latest run that named it reported (an erased donor's lines
    no longer hold their number and are left out)."""
    found = {}
    for run in runs:
        for line in run.lines:
            if line.number_sealed:
                number = sealed.unseal(line.number_sealed, unreadable=UNREADABLE)
                found[number] = (int(line.amount), line)
    return found


def selection(session: Session, user: User, centre: Centre | None, year: int) -> Selection:
    """Who the year's report names, who it leaves out and why, and the runs made before."""
    if year > date.today().year:
        raise ValidationError("year", _l("%(year)s has not begun", year=year), code="future_year")
    centre_ids, number, name = _reporter(session, user, centre)
    givers: dict[str, Giver] = {}
    left_out = []
    for donor_id, donor_name, code, total, kind, token, last, consent in _year_totals(
        session, centre_ids, year
    ):
        reason = (
            "no_national_id" if kind is None
            else "not_norwegian" if kind not in NORWEGIAN
            else "no_consent" if not consent
            else None
        )  # fmt: skip
        # Norwegian numbers are read even when left out: a donor who withdrew consent after
        # being reported is withdrawn by number.
        plain = sealed.unseal(token, unreadable=UNREADABLE) if kind in NORWEGIAN else None
        shown = masked(kind, last) if kind else ""
        if reason:
            left_out.append(
                Giver(donor_name, total, reason, [code], [donor_id], kind, plain, shown)
            )
            continue
        giver = givers.setdefault(
            plain, Giver(donor_name, Decimal(0), "included", [], [], kind, plain, shown)
        )
        giver.total += total
        giver.centres.append(code)
        giver.donor_ids.append(donor_id)
    runs = _runs(session, centre, year)
    before = _last_reported(runs)
    reported = []
    for plain, giver in givers.items():
        giver.before = before.get(plain, (None,))[0]
        if giver.total < MINIMUM:
            giver.reason = "under_minimum"
            left_out.append(giver)
        else:
            reported.append(giver)
    reported_numbers = {giver.number for giver in reported}
    for plain, (amount, line) in before.items():
        if not amount or plain in reported_numbers:
            continue
        reported.append(_withdrawal(session, left_out, plain, amount, line))
    reported.sort(key=lambda g: (g.name, g.shown))
    left_out.sort(key=lambda g: (g.name, g.shown))
    return Selection(year, centre, number, name, reported, left_out, runs)


def _withdrawal(session: Session, left_out: list[Giver], plain: str, amount: int, line) -> Giver:
    """A number reported before and no longer reported: named again with 0 (and no longer
    listed as left out)."""
    for giver in [g for g in left_out if g.number == plain]:
        left_out.remove(giver)
        return Giver(giver.name, Decimal(0), "withdrawn", giver.centres, giver.donor_ids,
                     giver.kind, plain, giver.shown, amount)  # fmt: skip
    donor = session.get(Donor, line.donor_id) if line.donor_id else None
    return Giver(donor.name if donor else "", Decimal(0), "withdrawn", [],
                 [donor.id] if donor else [], line.kind, plain,
                 masked(line.kind, line.last_digits), amount)  # fmt: skip


def check_contact(values: dict) -> dict:
    """The reporting organisation's contact person as the file carries it."""
    contact = {key: str(values.get(key) or "").strip() for key in CONTACT_LIMITS}
    for key in ("contact_name", "contact_phone", "contact_email"):
        if not contact[key]:
            raise ValidationError(key, _l("is required"), code="required")
    for key, limit in CONTACT_LIMITS.items():
        if len(contact[key]) > limit:
            raise ValidationError(
                key, _l("at most %(limit)s characters", limit=limit), code="too_long"
            )
    return contact


def report_xml(chosen: Selection, contact: dict, reference: str) -> bytes:
    """The file for the tax office (gavefrivilligorganisasjon v2, as docs/gift-reporting.md
    establishes it): one delivery (leveranse) of the year with one task (oppgave) per number."""
    ns = f"{{{NAMESPACE}}}"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element(f"{ns}melding", nsmap={None: NAMESPACE, "xsi": xsi})
    root.set(f"{{{xsi}}}schemaLocation", f"{NAMESPACE} {SCHEMA_FILE}")

    def add(parent, tag: str, text=None):
        element = etree.SubElement(parent, ns + tag)
        if text is not None:
            element.text = str(text)
        return element

    delivery = add(root, "leveranse")
    add(delivery, "kildesystem", SOURCE_SYSTEM)
    giver = add(delivery, "oppgavegiver")
    add(giver, "organisasjonsnummer", chosen.organisation_number)
    add(giver, "organisasjonsnavn", chosen.organisation_name[:100])
    person = add(giver, "kontaktinformasjon")
    add(person, "navn", contact["contact_name"])
    add(person, "telefonnummer", contact["contact_phone"])
    add(person, "varselEpostadresse", contact["contact_email"])
    if contact.get("contact_sms"):
        add(person, "varselSmsMobilnummer", contact["contact_sms"])
    add(delivery, "inntektsaar", chosen.year)
    add(delivery, "oppgavegiversLeveranseReferanse", reference)
    add(delivery, "leveransetype", "ordinaer" if chosen.reported else "ingenoppgaver")
    for one in chosen.reported:
        task = add(delivery, "oppgave")
        owner = add(task, "oppgaveeier")
        tag = "organisasjonsnummer" if one.kind == NationalIdKind.ORGANISATION_NUMBER else (
            "foedselsnummer"
        )  # fmt: skip
        add(owner, tag, one.number)
        add(owner, "navn", (one.name or "-")[:100])
        add(task, "beloep", one.amount)
    summary = add(delivery, "oppgaveoppsummering")
    add(summary, "antallOppgaver", len(chosen.reported))
    add(summary, "sumBeloep", sum(one.amount for one in chosen.reported))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _refuse_the_other_scope(session: Session, centre: Centre | None, year: int) -> None:
    """A year is reported by each centre or by the network for them, never both: a donor
    would be reported twice, under two organisation numbers."""
    other = (
        GiftReportRun.centre_id.is_(None) if centre is not None
        else GiftReportRun.centre_id.is_not(None)
    )  # fmt: skip
    if session.scalar(select(GiftReportRun.id).where(other, GiftReportRun.year == year).limit(1)):
        message = (
            _l("%(year)s was reported by the network for its centres", year=year)
            if centre is not None
            else _l("%(year)s was reported by centres themselves", year=year)
        )
        raise Conflict("year", message, code="reported_by_other")


def produce(
    session: Session, user: User, centre: Centre | None, year: int, values: dict
) -> tuple[GiftReportRun, bytes]:
    """Make the year's file (a correction when the year was reported before) and store the
    run with what it reported; the file itself is not kept, only its SHA-256."""
    contact = check_contact(values)
    chosen = selection(session, user, centre, year)
    _refuse_the_other_scope(session, centre, year)
    reference = f"fundtrack-{chosen.organisation_number}-{year}-{len(chosen.runs) + 1}"
    body = report_xml(chosen, contact, reference)
    run = GiftReportRun(
        centre_id=centre.id if centre else None, year=year, kind=chosen.kind,
        organisation_number=chosen.organisation_number, reference=reference,
        donors=len(chosen.reported), total=Decimal(sum(g.amount for g in chosen.reported)),
        currency=CURRENCY, file_sha256=hashlib.sha256(body).hexdigest(), produced_by_id=user.id,
    )  # fmt: skip
    for one in chosen.reported:
        run.lines.append(
            GiftReportLine(
                donor_id=one.donor_ids[0] if one.donor_ids else None,
                kind=one.kind,
                number_sealed=sealed.seal(one.number),
                last_digits=one.number[-3:],
                amount=Decimal(one.amount),
            )  # fmt: skip
        )
    session.add(run)
    session.flush()
    return run, body


def reported_by_year(session: Session, donor_id: int) -> dict[int, Decimal]:
    """What the reports of each year last said of a donor (for the donor's own data)."""
    rows = session.execute(
        select(GiftReportRun.year, GiftReportLine.amount)
        .join(GiftReportRun, GiftReportRun.id == GiftReportLine.run_id)
        .where(GiftReportLine.donor_id == donor_id)
        .order_by(GiftReportRun.id)
    )
    found: dict[int, Decimal] = defaultdict(Decimal)
    for year, amount in rows:
        found[year] = amount
    return dict(found)
