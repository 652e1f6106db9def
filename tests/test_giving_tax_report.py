"""The Norwegian yearly gift report: who is in it (consent, a Norwegian number, NOK 500 at
least) and who is left out and why, the file's structure as docs/gift-reporting.md
establishes it (the tax office's XSD could not be had offline: see there), the runs stored,
and a correction that reports everybody again and withdraws a dropped number with 0."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from fundtrack.centres.models import Network
from fundtrack.errors import Conflict, NotAllowed, ValidationError
from fundtrack.giving import national_ids, tax_report
from fundtrack.giving.tax_models import GiftReportKind
from tests import factories
from tests.test_giving_national_ids import BSN, ORGNR, birth_number

NS = {"g": tax_report.NAMESPACE}
CONTACT = {"contact_name": "Kari Kasserer", "contact_phone": "80080000",
           "contact_email": "kasserer@example.org"}  # fmt: skip
YEAR = 2025
DONOR_ORG = "923609016"


@pytest.fixture
def w(session, network):
    centre = factories.centre(session, code="OSL", name="Kreftforeningen Oslo", currency="NOK",
                              organisation_number=ORGNR)  # fmt: skip
    treasurer = factories.user(session, role="treasurer", centre=centre)
    return {"centre": centre, "treasurer": treasurer, "session": session,
            "national": factories.user(session, role="national")}  # fmt: skip


def _donor(w, name, gifts, kind=None, number=None, consent=True, centre=None):
    centre = centre or w["centre"]
    donor = factories.donor(w["session"], centre, name=name)
    for amount in gifts:
        factories.income(w["session"], centre, amount, donor=donor,
                         booking_date=date(YEAR, 6, 1))  # fmt: skip
    if number:
        national_ids.set_national_id(w["session"], w["national"], donor,
                                     {"kind": kind, "number": number,
                                      "consent_to_report": consent})  # fmt: skip
    return donor


def _everyone(w):
    return {
        "reported": _donor(w, "Astrid", ["300.00", "200.00"], "fodselsnummer",
                           birth_number("010170")),
        "company": _donor(w, "Bedrift AS", ["1000.50"], "organisation_number", DONOR_ORG),
        "small": _donor(w, "Cecilie", ["499.99"], "fodselsnummer", birth_number("020270")),
        "silent": _donor(w, "Dag", ["1000.00"], "fodselsnummer", birth_number("030370"),
                         consent=False),
        "anonymous": _donor(w, "Eva", ["800.00"]),
        "dutch": _donor(w, "Frits", ["900.00"], "bsn", BSN),
    }  # fmt: skip


def test_only_consenting_donors_with_a_norwegian_number_and_500_or_more_are_reported(w):
    _everyone(w)
    chosen = tax_report.selection(w["session"], w["treasurer"], w["centre"], YEAR)
    assert [(g.name, g.amount, g.reason) for g in chosen.reported] == [
        ("Astrid", 500, "included"),
        ("Bedrift AS", 1000, "included"),
    ]
    assert {g.name: g.reason for g in chosen.left_out} == {
        "Cecilie": "under_minimum", "Dag": "no_consent", "Eva": "no_national_id",
        "Frits": "not_norwegian",
    }  # fmt: skip
    assert chosen.kind == GiftReportKind.ORDINARY


def test_the_file_has_the_documented_structure_and_the_run_is_stored(w):
    people = _everyone(w)
    run, body = tax_report.produce(w["session"], w["treasurer"], w["centre"], YEAR, CONTACT)
    root = etree.fromstring(body)
    assert root.tag == f"{{{tax_report.NAMESPACE}}}melding"
    delivery = root.find("g:leveranse", NS)
    assert [etree.QName(c).localname for c in delivery] == [
        "kildesystem", "oppgavegiver", "inntektsaar", "oppgavegiversLeveranseReferanse",
        "leveransetype", "oppgave", "oppgave", "oppgaveoppsummering",
    ]  # fmt: skip
    assert delivery.findtext("g:oppgavegiver/g:organisasjonsnummer", namespaces=NS) == ORGNR
    assert delivery.findtext("g:oppgavegiver/g:kontaktinformasjon/g:navn", namespaces=NS) == (
        "Kari Kasserer"
    )
    assert delivery.findtext("g:inntektsaar", namespaces=NS) == str(YEAR)
    assert delivery.findtext("g:leveransetype", namespaces=NS) == "ordinaer"
    tasks = delivery.findall("g:oppgave", NS)
    person = national_ids.shown(
        w["treasurer"], national_ids.of_donor(w["session"], people["reported"].id)
    )
    assert tasks[0].findtext("g:oppgaveeier/g:foedselsnummer", namespaces=NS) == person
    assert tasks[0].findtext("g:beloep", namespaces=NS) == "500"
    assert tasks[1].findtext("g:oppgaveeier/g:organisasjonsnummer", namespaces=NS) == DONOR_ORG
    assert tasks[1].findtext("g:beloep", namespaces=NS) == "1000"
    assert delivery.findtext("g:oppgaveoppsummering/g:antallOppgaver", namespaces=NS) == "2"
    assert delivery.findtext("g:oppgaveoppsummering/g:sumBeloep", namespaces=NS) == "1500"
    assert run.file_sha256 == hashlib.sha256(body).hexdigest()
    assert (run.year, run.kind, run.donors, run.total) == (YEAR, GiftReportKind.ORDINARY, 2,
                                                           Decimal("1500"))  # fmt: skip
    assert run.produced_by_id == w["treasurer"].id and run.produced_at is not None
    assert [line.amount for line in run.lines] == [Decimal("500"), Decimal("1000")]
    assert all(line.number_sealed and person not in line.number_sealed for line in run.lines)


def test_a_year_without_reportable_gifts_says_so(w):
    _donor(w, "Cecilie", ["100.00"], "fodselsnummer", birth_number("020270"))
    _run, body = tax_report.produce(w["session"], w["treasurer"], w["centre"], YEAR, CONTACT)
    delivery = etree.fromstring(body).find("g:leveranse", NS)
    assert delivery.findtext("g:leveransetype", namespaces=NS) == "ingenoppgaver"
    assert delivery.findall("g:oppgave", NS) == []


def test_a_correction_reports_everyone_again_and_withdraws_a_dropped_number(w):
    people = _everyone(w)
    first, _body = tax_report.produce(w["session"], w["treasurer"], w["centre"], YEAR, CONTACT)
    factories.income(w["session"], w["centre"], "10.00", donor=people["small"],
                     booking_date=date(YEAR, 12, 1))  # fmt: skip
    national_ids.set_national_id(w["session"], w["treasurer"], people["reported"],
                                 {"consent_to_report": False})  # fmt: skip
    chosen = tax_report.selection(w["session"], w["treasurer"], w["centre"], YEAR)
    assert chosen.kind == GiftReportKind.CORRECTION
    assert [(g.name, g.amount, g.reason, g.before) for g in chosen.reported] == [
        ("Astrid", 0, "withdrawn", 500),
        ("Bedrift AS", 1000, "included", 1000),
        ("Cecilie", 509, "included", None),
    ]
    assert "Astrid" not in {g.name for g in chosen.left_out}
    second, body = tax_report.produce(w["session"], w["treasurer"], w["centre"], YEAR, CONTACT)
    assert second.kind == GiftReportKind.CORRECTION and second.reference != first.reference
    amounts = [t.findtext("g:beloep", namespaces=NS) for t in etree.fromstring(body).iter(
        f"{{{tax_report.NAMESPACE}}}oppgave")]  # fmt: skip
    assert amounts == ["0", "1000", "509"]
    third = tax_report.selection(w["session"], w["treasurer"], w["centre"], YEAR)
    assert [g.name for g in third.reported] == ["Bedrift AS", "Cecilie"]


def test_the_network_reports_a_person_once_for_gifts_to_several_centres(w):
    number = birth_number("040480")
    other = factories.centre(w["session"], code="BRG", currency="NOK")
    _donor(w, "Geir", ["300.00"], "fodselsnummer", number)
    _donor(w, "Geir H.", ["250.00"], "fodselsnummer", number, centre=other)
    _donor(w, "Hanne", ["300.00"], "fodselsnummer", birth_number("050580"))
    w["session"].get(Network, 1).organisation_number = DONOR_ORG
    alone = tax_report.selection(w["session"], w["treasurer"], w["centre"], YEAR)
    assert alone.reported == [] and {g.reason for g in alone.left_out} == {"under_minimum"}
    chosen = tax_report.selection(w["session"], w["national"], None, YEAR)
    assert [(g.amount, sorted(g.centres)) for g in chosen.reported] == [(550, ["BRG", "OSL"])]
    assert chosen.organisation_number == DONOR_ORG
    with pytest.raises(NotAllowed):
        tax_report.selection(w["session"], w["treasurer"], None, YEAR)
    tax_report.produce(w["session"], w["national"], None, YEAR, CONTACT)
    with pytest.raises(Conflict) as twice:
        tax_report.produce(w["session"], w["treasurer"], w["centre"], YEAR, CONTACT)
    assert (twice.value.field, twice.value.code) == ("year", "reported_by_other")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (lambda w: setattr(w["centre"], "organisation_number", ""), "organisation_number",
         "no_reporter_number"),
        (lambda w: setattr(w["centre"], "currency", "EUR"), "centre", "not_norwegian_centre"),
        (lambda w: None, "contact_name", "required"),
        (lambda w: None, "year", "future_year"),
    ],
)  # fmt: skip
def test_a_refusal_names_the_field(w, change, field, code):
    contact = dict(CONTACT)
    year = date.today().year + 1 if field == "year" else YEAR
    if field == "contact_name":
        contact.pop("contact_name")
    change(w)
    with pytest.raises(ValidationError) as refused:
        tax_report.produce(w["session"], w["treasurer"], w["centre"], year, contact)
    assert (refused.value.field, refused.value.code) == (field, code)
