"""The Norwegian demo network: a cancer society's district offices and patient associations.

Names of municipalities, counties and hospitals are public; the rest is invented, and the
amounts are designed like the Dutch ones: each centre's structural agreements bring its
2025 structural share to `intended_share` (three at or above two-thirds). Amounts in NOK.
"""

from datetime import date
from decimal import Decimal as D

from schwifty import IBAN

from fundtrack.demo.tables import CentreRow, GiftRow
from fundtrack.demo.tables import agreement as _a
from fundtrack.income.models import FunderType as T

CODE = "no"
NETWORK = {
    "name": "Kreftnettverket – distriktskontorer og pasientforeninger (demo)",
    "currency": "NOK",
    "locale": "nb_NO",
}
REGIONS = [
    ("NORD", "Region Nord"),
    ("MIDT", "Region Midt"),
    ("VEST", "Region Vest"),
    ("SOROST", "Region Sør-Øst"),
]

# fmt: off
CENTRES = [
    #         code       name                                       municipality    region
    #                                                               2025 costs  2025 share
    CentreRow("DK-NORD", "Distriktskontor Nord",                    "Tromsø",       "NORD",
              D(3600000), D("0.7100")),
    CentreRow("DK-NLD",  "Distriktskontor Nordland",                "Bodø",         "NORD",
              D(2400000), D("0.5200")),
    CentreRow("PF-PKN",  "Prostatakreftforeningen Nord-Norge",      "Tromsø",       "NORD",
              D(420000),  D("0.3143")),
    CentreRow("DK-MIDT", "Distriktskontor Midt-Norge",              "Trondheim",    "MIDT",
              D(3200000), D("0.6000")),
    CentreRow("PF-BKT",  "Brystkreftforeningen Trøndelag",          "Trondheim",    "MIDT",
              D(480000),  D("0.7000")),
    CentreRow("PF-PKM",  "Prostatakreftforeningen Møre og Romsdal", "Molde",        "MIDT",
              D(360000),  D("0.2500")),
    CentreRow("DK-VEST", "Distriktskontor Vest",                    "Bergen",       "VEST",
              D(3800000), D("0.6916")),
    CentreRow("DK-ROG",  "Distriktskontor Rogaland",                "Stavanger",    "VEST",
              D(2600000), D("0.5492")),
    CentreRow("PF-LKV",  "Lymfekreftforeningen Vestland",           "Bergen",       "VEST",
              D(400000),  D("0.3500")),
    CentreRow("DK-OST",  "Distriktskontor Øst",                     "Oslo",         "SOROST",
              D(4400000), D("0.5782")),
    CentreRow("DK-SOR",  "Distriktskontor Sør",                     "Kristiansand", "SOROST",
              D(2200000), D("0.4691")),
    CentreRow("DK-INN",  "Distriktskontor Innlandet",               "Hamar",        "SOROST",
              D(2000000), D("0.4380")),
    CentreRow("PF-GKO",  "Gynkreftforeningen Oslo",                 "Oslo",         "SOROST",
              D(380000),  D("0.2842")),
    CentreRow("PF-TKA",  "Tarmkreftforeningen Agder",               "Kristiansand", "SOROST",
              D(340000),  D("0.2118")),
]
# fmt: on
TREASURER_CENTRE = "DK-SOR"
ACTUALS_2026 = ("DK-NORD", "DK-OST")
BUDGET_TREND = {2024: D("0.95"), 2025: D("0.98"), 2026: D("1.05")}
ACTUAL_TREND = {2024: D("0.95"), 2025: D("1.00"), 2026: D("1.05")}

AFFILIATED = "Kreftforeningen (sentralt)"
# The network's own central office, as a funder of the offices (its contributions are
# eliminated in the consolidated year-end statement).
NATIONAL_OFFICE = AFFILIATED
HDIR = "Helsedirektoratet"
LOTTERY = "Grasrotandelen"
VAT = "Lotteri- og stiftelsestilsynet"
FOUNDATIONS = [
    "Stiftelsen Kystlys",
    "Sparebankstiftelsen Fjordkysten",
    "Stiftelsen Frisk Bris",
    "Stiftelsen Nordlys Helse",
]
HOSPITALS = [
    "Universitetssykehuset Nord-Norge",
    "Nordlandssykehuset",
    "St. Olavs hospital",
    "Helse Møre og Romsdal",
    "Haukeland universitetssjukehus",
    "Stavanger universitetssjukehus",
    "Oslo universitetssykehus",
    "Sørlandet sykehus",
    "Sykehuset Innlandet",
]
COUNTIES = ["Troms", "Nordland", "Trøndelag", "Vestland", "Rogaland", "Agder", "Innlandet"]
FUNDERS = [
    *((f"{m} kommune", T.MUNICIPALITY) for m in dict.fromkeys(c.municipality for c in CENTRES)),
    *((f"{county} fylkeskommune", T.PROVINCE) for county in COUNTIES),
    (HDIR, T.NATIONAL_GOVERNMENT),
    (VAT, T.NATIONAL_GOVERNMENT),
    ("Storebrand Helseforsikring", T.HEALTH_INSURER),
    ("Gjensidige Helseforsikring", T.HEALTH_INSURER),
    *((name, T.CARE_PARTNER) for name in HOSPITALS),
    (AFFILIATED, T.AFFILIATED_NONPROFIT),
    *((name, T.FOUNDATION) for name in FOUNDATIONS),
    (LOTTERY, T.LOTTERY),
    ("Arv etter Ingrid Hansen", T.INDIVIDUAL),
]

KOMMUNE = "Kommunalt driftstilskudd"
FORENING = "Tilskudd til pasientforeninger"
HOSPITAL = "Samarbeidsavtale om likepersonsarbeid"
HDIR_GRANT = "Tilskudd til frivillig arbeid 2024-2026"
REGIONAL = "Regionalt tilskudd"
INSURED = "Avtale om rehabiliteringskurs 2024-2026"
STRUCTURAL_REASON = (
    "Flerårig driftsavtale 2024-2027 med fast årlig tilskudd til foreningens "
    "likepersonsarbeid; vedtatt av sentralstyret 6. februar 2024."
)
UNN, NLSH, STOLAV, HMR, HUS, SUS, OUS, SSHF, SI = HOSPITALS

# Periods run from the first of the first month to the end of the last; "2019-01.." is
# open-ended. Structural are the municipal, county, national, insurer and hospital
# agreements that recur or run for more than a year, and PF-BKT's overridden contribution.
# fmt: off
AGREEMENTS = [
    # centre      funder                     title  period  recurring  annual amount  paid
    _a("DK-NORD", "Tromsø kommune", KOMMUNE, "2018-01..", True, 1200000, "monthly"),
    _a("DK-NORD", "Troms fylkeskommune", f"{REGIONAL} 2024-2027",
       "2024-01..2027-12", False, 240000, "quarterly"),
    _a("DK-NORD", HDIR, HDIR_GRANT, "2024-01..2026-12", False, 480000, "half-yearly"),
    _a("DK-NORD", UNN, HOSPITAL, "2021-01..", True, 636000, "quarterly"),
    _a("DK-NLD", "Bodø kommune", KOMMUNE, "2019-01..", True, 720000, "monthly"),
    # Nordland's county grant ran until mid-2025; a new one started on 1 July 2025.
    _a("DK-NLD", "Nordland fylkeskommune", f"{REGIONAL} 2023 - juni 2025",
       "2023-01..2025-06", False, 240000, "monthly"),
    _a("DK-NLD", "Nordland fylkeskommune", f"{REGIONAL} juli 2025 - 2028",
       "2025-07..2028-12", False, 288000, "monthly"),
    _a("DK-NLD", NLSH, HOSPITAL, "2022-01..", True, 264000, "quarterly"),
    _a("PF-PKN", "Tromsø kommune", FORENING, "2020-01..", True, 60000, "yearly"),
    _a("PF-PKN", HDIR, HDIR_GRANT, "2024-01..2026-12", False, 72000, "half-yearly"),
    _a("DK-MIDT", "Trondheim kommune", KOMMUNE, "2017-01..", True, 1080000, "monthly"),
    _a("DK-MIDT", "Trøndelag fylkeskommune", f"{REGIONAL} 2024-2026",
       "2024-01..2026-12", False, 360000, "quarterly"),
    _a("DK-MIDT", STOLAV, HOSPITAL, "2020-01..", True, 480000, "quarterly"),
    _a("PF-BKT", "Trondheim kommune", FORENING, "2021-01..", True, 48000, "yearly"),
    # Without the override PF-BKT would sit at 20 %; with it, at 70 %.
    _a("PF-BKT", AFFILIATED, "Flerårig driftsavtale 2024-2027",
       "2024-01..2027-12", True, 240000, "half-yearly",
       override=True, override_reason=STRUCTURAL_REASON),
    _a("PF-BKT", HDIR, HDIR_GRANT, "2024-01..2026-12", False, 48000, "half-yearly"),
    _a("PF-PKM", "Molde kommune", FORENING, "2022-01..", True, 36000, "yearly"),
    _a("PF-PKM", HMR, HOSPITAL, "2023-01..", True, 54000, "quarterly"),
    _a("DK-VEST", "Bergen kommune", KOMMUNE, "2016-01..", True, 1440000, "monthly"),
    _a("DK-VEST", "Vestland fylkeskommune", f"{REGIONAL} 2024-2027",
       "2024-01..2027-12", False, 360000, "quarterly"),
    _a("DK-VEST", HUS, HOSPITAL, "2019-01..", True, 528000, "quarterly"),
    _a("DK-VEST", "Gjensidige Helseforsikring", INSURED,
       "2024-01..2026-12", False, 300000, "quarterly"),
    _a("DK-ROG", "Stavanger kommune", KOMMUNE, "2019-01..", True, 960000, "monthly"),
    _a("DK-ROG", SUS, HOSPITAL, "2022-01..", True, 216000, "quarterly"),
    _a("DK-ROG", "Rogaland fylkeskommune", f"{REGIONAL} 2025-2027",
       "2025-01..2027-12", False, 252000, "quarterly"),
    _a("PF-LKV", "Bergen kommune", FORENING, "2020-01..", True, 60000, "yearly"),
    _a("PF-LKV", HDIR, HDIR_GRANT, "2024-01..2026-12", False, 80000, "half-yearly"),
    _a("DK-OST", "Oslo kommune", KOMMUNE, "2015-01..", True, 1560000, "monthly"),
    _a("DK-OST", OUS, HOSPITAL, "2020-01..", True, 624000, "quarterly"),
    _a("DK-OST", "Storebrand Helseforsikring", INSURED,
       "2024-01..2026-12", False, 360000, "quarterly"),
    # A one-off municipal project grant: public money, but not structural.
    _a("DK-OST", "Oslo kommune", "Prosjekttilskudd seniornettverk 2025",
       "2025-03..2025-11", False, 150000, "tranches"),
    # Kristiansand's fixed-term grant ended mid-2025; an open-ended one followed.
    _a("DK-SOR", "Kristiansand kommune", "Driftstilskudd 2022 - juni 2025",
       "2022-01..2025-06", False, 600000, "monthly"),
    _a("DK-SOR", "Kristiansand kommune", "Driftstilskudd fra juli 2025",
       "2025-07..", True, 672000, "monthly"),
    _a("DK-SOR", SSHF, HOSPITAL, "2021-01..", True, 192000, "quarterly"),
    _a("DK-SOR", "Agder fylkeskommune", f"{REGIONAL} 2024-2026",
       "2024-01..2026-12", False, 204000, "quarterly"),
    _a("DK-INN", "Hamar kommune", KOMMUNE, "2020-01..", True, 600000, "monthly"),
    _a("DK-INN", SI, HOSPITAL, "2022-01..", True, 168000, "quarterly"),
    _a("DK-INN", "Innlandet fylkeskommune", f"{REGIONAL} 2024-2026",
       "2024-01..2026-12", False, 108000, "quarterly"),
    _a("PF-GKO", "Oslo kommune", FORENING, "2021-01..", True, 48000, "yearly"),
    _a("PF-GKO", HDIR, HDIR_GRANT, "2024-01..2026-12", False, 60000, "half-yearly"),
    _a("PF-TKA", "Kristiansand kommune", FORENING, "2022-01..", True, 36000, "yearly"),
    _a("PF-TKA", SSHF, "Likepersonsavtale tarmkreft", "2023-01..", True, 36000, "quarterly"),
    # The society's yearly contribution: incidental by the national office's rule.
    *(_a(c.code, AFFILIATED, "Driftstilskudd fra Kreftforeningen", "2019-01..", True,
         480000 if c.code.startswith("DK") else 60000, "half-yearly")
      for c in CENTRES if c.code != "PF-BKT"),
]

GIFTS = [
    GiftRow("PF-PKN", LOTTERY, date(2025, 3, 12), D(18400), "Grasrotandelen 2024"),
    GiftRow("PF-GKO", LOTTERY, date(2024, 3, 14), D(12600), "Grasrotandelen 2023"),
    GiftRow("PF-TKA", LOTTERY, date(2026, 3, 11), D(9800), "Grasrotandelen 2025"),
    GiftRow("DK-NORD", VAT, date(2024, 12, 10), D(85000), "Momskompensasjon 2024"),
    GiftRow("DK-MIDT", VAT, date(2025, 12, 9), D(92000), "Momskompensasjon 2025"),
    GiftRow("DK-VEST", "Arv etter Ingrid Hansen", date(2025, 6, 3), D(250000),
            "Arv, øremerket følgetjenesten", "Følgetjenesten (arv)",
            "Arv testamentert til følgetjenesten i Bergen"),
]
# fmt: on

USER_NAMES = {
    "admin": "Administrator (demo)",
    "national": "Sentralt kontor (demo)",
    "treasurer": "Kasserer Distriktskontor Sør (demo)",
    "auditor": "Revisor (demo)",
}
PROJECTS = [
    ("Følgetjenesten", "Frivillige følgere for pasienter som bor alene, inntil seks måneder"),
    ("Likepersonstreff", "Månedlige treff for pasienter og pårørende"),
    ("Trening etter kreft", "Ukentlige treningsgrupper med fysioterapeut"),
    ("Mestringskurs", "Kurs i å leve med kreft, med helsepersonell og likepersoner"),
    ("Pårørendegruppe", "Samtalegrupper for pårørende og etterlatte"),
]
EVENTS = [("Loppemarked", 5, 30), ("Innsamling Rosa sløyfe", 10, 20), ("Julemarked", 12, 5)]
SPONSOR_TEMPLATES = ["{} Bygg AS", "{} Elektro AS", "Advokatfirmaet {}", "{} Regnskap AS",
                     "{} Bil AS"]  # fmt: skip
CLUB_TEMPLATES = ["Lions Club {}", "Rotary {}", "Sanitetsforeningen i {}", "Inner Wheel {}"]
ORGANISATION_TEMPLATES = ["Bakeriet {}", "{} Blomster", "Fysioterapeut {}", "Tannlege {}"]
WORDS = {
    "project_grant": "Prosjekttilskudd {project} {year}",
    "sponsor": "Sponsoravtale {year}",
    "club": "Inntekt fra aksjon, {club}",
    "interest": "Renteinntekter {year}",
    "periodic": "Fast givertjeneste {year}",
    "gift": "Gave",
    "organisation_gift": "Gave fra lokal bedrift",
    "online": "Vipps-gaver {month} {year} (utbetaling)",
    "cost_staff": "Lønn og sosiale kostnader",
    "cost_housing": "Husleie, strøm og renhold",
    "cost_activities": "Aktiviteter og tilbud",
    "cost_volunteers": "Frivillige: kurs, reiser og oppmerksomhet",
    "cost_communication": "Nettside, trykksaker og annonser",
    "cost_administration": "Regnskap, forsikring og bankgebyrer",
    "cost_other": "Andre kostnader",
}

# fmt: off
FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Per", "Astrid", "Knut", "Solveig",
               "Erik", "Hilde", "Bjørn", "Marit", "Arne", "Liv", "Trond", "Randi", "Nils",
               "Anne", "Jon"]
SURNAMES = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
            "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
            "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Lund",
            "Halvorsen"]
STREETS = ["Storgata", "Kirkegata", "Skolegata", "Strandveien", "Fjellveien", "Parkveien",
           "Sjøgata", "Nygata"]
# fmt: on
BANKS = ["1503", "1506", "1254", "3000", "4200", "1822", "3910", "4312", "4730", "8601"]


def postcode(rng) -> str:
    return f"{rng.randint(1, 9999):04}"


def iban(rng) -> str:
    """A valid Norwegian IBAN; account numbers whose MOD 11 check digit would be 10 do
    not exist, so another is drawn."""
    while True:
        try:
            account = f"{rng.randint(0, 999_999):06}"
            return str(IBAN.generate("NO", bank_code=rng.choice(BANKS), account_code=account))
        except ValueError:
            continue
