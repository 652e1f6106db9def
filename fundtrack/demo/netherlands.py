"""The Dutch demo network: walk-in centres for people living with and after cancer.

Municipalities, provinces, hospitals and insurers are public names; the rest is invented.
The amounts are made up but designed: each centre's structural agreements are chosen so
that its 2025 structural share (structural income / 2025 actual costs) comes to
`intended_share`: three centres at or above two-thirds, eleven below. Instalments are
whole euros that add up to the annual amounts.
"""

from datetime import date
from decimal import Decimal as D

from schwifty import IBAN

from fundtrack.demo.tables import CentreRow, GiftRow
from fundtrack.demo.tables import agreement as _a
from fundtrack.income.models import FunderType as T

CODE = "nl"
NETWORK = {"name": "Netwerk Inloophuizen bij Kanker (demo)", "currency": "EUR", "locale": "nl_NL"}
REGIONS = [("NOORD", "Regio Noord"), ("OOST", "Regio Oost"), ("WEST", "Regio West"),
           ("ZUID", "Regio Zuid")]  # fmt: skip

# fmt: off
CENTRES = [
    #         code   name                        municipality  region   2025 costs  2025 share
    CentreRow("GRN", "Inloophuis De Boei",       "Groningen",  "NOORD", D(148000), D("0.7216")),
    CentreRow("LWD", "Inloophuis Het Baken",     "Leeuwarden", "NOORD", D(96000),  D("0.4750")),
    CentreRow("ASN", "Inloophuis De Vlinder",    "Assen",      "NOORD", D(72000),  D("0.3500")),
    CentreRow("ZWL", "Inloophuis De Kaap",       "Zwolle",     "OOST",  D(118000), D("0.5695")),
    CentreRow("ENS", "Inloophuis Het Anker",     "Enschede",   "OOST",  D(134000), D("0.6985")),
    CentreRow("APD", "Inloophuis De Linde",      "Apeldoorn",  "OOST",  D(84000),  D("0.4143")),
    CentreRow("NMG", "Inloophuis De Waalkade",   "Nijmegen",   "OOST",  D(126000), D("0.6286")),
    CentreRow("AMS", "Inloophuis De Kade",       "Amsterdam",  "WEST",  D(182000), D("0.5209")),
    CentreRow("HLM", "Inloophuis Het Spaarne",   "Haarlem",    "WEST",  D(102000), D("0.4353")),
    CentreRow("DHG", "Inloophuis De Duinroos",   "Den Haag",   "WEST",  D(156000), D("0.6821")),
    CentreRow("UTR", "Inloophuis De Singel",     "Utrecht",    "WEST",  D(140000), D("0.5486")),
    CentreRow("EHV", "Inloophuis De Kempen",     "Eindhoven",  "ZUID",  D(128000), D("0.6000")),
    CentreRow("MST", "Inloophuis De Maasoever",  "Maastricht", "ZUID",  D(110000), D("0.3818")),
    CentreRow("BRD", "Inloophuis De Mattenbies", "Breda",      "ZUID",  D(92000),  D("0.2870")),
]
# fmt: on
# The treasurer login keeps the books of a centre whose subsidy changed in 2025.
TREASURER_CENTRE = "HLM"
# Centres that already book 2026 actual costs (through November); the rest have a budget.
ACTUALS_2026 = ("GRN", "AMS")
# Costs of each year relative to the 2025 actual costs.
BUDGET_TREND = {2024: D("0.95"), 2025: D("0.98"), 2026: D("1.04")}
ACTUAL_TREND = {2024: D("0.96"), 2025: D("1.00"), 2026: D("1.04")}

AFFILIATED = "Stichting Kankerfonds Nederland"
# The national charity is an affiliated organisation, not the network's own office: the
# year-end consolidation eliminates nothing.
NATIONAL_OFFICE = None
VWS = "Ministerie van Volksgezondheid, Welzijn en Sport"
LOTTERY = "Nationale Buurtloterij"
FOUNDATIONS = ["Fonds Samenkracht", "Stichting Het Lindefonds", "Van Wijngaarden Fonds",
               "Stichting Dorpskracht", "Fonds Nazorg en Herstel"]  # fmt: skip
PROVINCES = ["Groningen", "Fryslân", "Overijssel", "Gelderland", "Limburg"]
INSURERS = ["Menzis", "Zilveren Kruis", "CZ", "VGZ"]
HOSPITALS = ["UMCG", "Wilhelmina Ziekenhuis Assen", "Isala", "Medisch Spectrum Twente",
             "Gelre ziekenhuizen", "Radboudumc", "OLVG", "Spaarne Gasthuis",
             "Haaglanden Medisch Centrum", "UMC Utrecht", "Catharina Ziekenhuis",
             "Maastricht UMC+"]  # fmt: skip
FUNDERS = [
    *((f"Gemeente {c.municipality}", T.MUNICIPALITY) for c in CENTRES),
    *((f"Provincie {name}", T.PROVINCE) for name in PROVINCES),
    (VWS, T.NATIONAL_GOVERNMENT),
    *((name, T.HEALTH_INSURER) for name in INSURERS),
    *((name, T.CARE_PARTNER) for name in HOSPITALS),
    (AFFILIATED, T.AFFILIATED_NONPROFIT),
    *((name, T.FOUNDATION) for name in FOUNDATIONS),
    (LOTTERY, T.LOTTERY),
    ("Nalatenschap mw. G. Bosma", T.INDIVIDUAL),
    ("Nalatenschap dhr. P.J. Verhoeven", T.INDIVIDUAL),
]

WMO = "Subsidie Wmo inloopfunctie"
CARE = "Samenwerkingsovereenkomst nazorg"
CONTRACT = "Contract psychosociale zorg 2024-2026"
STRUCTURAL_REASON = (
    "Vierjarige bijdrageovereenkomst 2024-2027 met een vaste jaarbijdrage voor de "
    "coördinator; besluit landelijk bureau van 14 februari 2024."
)

# Periods run from the first of the first month to the end of the last; "2019-01.." is
# open-ended. Structural are the municipal, provincial, national, insurer and hospital
# agreements that recur or run for more than a year, and DHG's overridden contribution.
# fmt: off
AGREEMENTS = [
    # centre  funder                  title  period  recurring  annual amount  paid
    _a("GRN", "Gemeente Groningen", WMO, "2019-01..", True, 57600, "monthly"),
    _a("GRN", "Provincie Groningen", "Meerjarige subsidie vrijwilligersnetwerk 2024-2026",
       "2024-01..2026-12", False, 14400, "quarterly"),
    _a("GRN", "Menzis", CONTRACT, "2024-01..2026-12", False, 19200, "quarterly"),
    _a("GRN", "UMCG", CARE, "2022-01..", True, 15600, "quarterly"),
    _a("LWD", "Gemeente Leeuwarden", WMO, "2020-01..", True, 31200, "monthly"),
    _a("LWD", "Provincie Fryslân", "Subsidie regionale inloopfunctie 2025-2027",
       "2025-01..2027-12", False, 9600, "quarterly"),
    _a("LWD", VWS, "Subsidie inloopvoorzieningen 2024-2027",
       "2024-01..2027-12", False, 4800, "half-yearly"),
    _a("ASN", "Gemeente Assen", WMO, "2021-01..", True, 21600, "monthly"),
    _a("ASN", "Wilhelmina Ziekenhuis Assen", CARE, "2023-01..", True, 3600, "quarterly"),
    _a("ZWL", "Gemeente Zwolle", WMO, "2020-01..", True, 43200, "monthly"),
    _a("ZWL", "Isala", CARE, "2024-01..", True, 12000, "quarterly"),
    _a("ZWL", "Provincie Overijssel", "Subsidie sociale basis 2024-2025",
       "2024-01..2025-12", False, 12000, "quarterly"),
    _a("ENS", "Gemeente Enschede", WMO, "2018-01..", True, 50400, "monthly"),
    _a("ENS", "Menzis", CONTRACT, "2024-01..2026-12", False, 16800, "quarterly"),
    _a("ENS", "Medisch Spectrum Twente", CARE, "2021-01..", True, 14400, "quarterly"),
    _a("ENS", "Provincie Overijssel", "Subsidie sociale basis 2024-2025",
       "2024-01..2025-12", False, 12000, "quarterly"),
    _a("APD", "Gemeente Apeldoorn", WMO, "2020-01..", True, 30000, "monthly"),
    _a("APD", "Gelre ziekenhuizen", CARE, "2023-01..", True, 4800, "quarterly"),
    # A one-off municipal grant: government money, but not structural.
    _a("APD", "Gemeente Apeldoorn", "Eenmalige subsidie lotgenotengroep jongeren 2025",
       "2025-03..2025-12", False, 6000, "tranches"),
    _a("NMG", "Gemeente Nijmegen", WMO, "2019-01..", True, 46800, "monthly"),
    _a("NMG", "CZ", CONTRACT, "2024-01..2026-12", False, 14400, "quarterly"),
    _a("NMG", "Radboudumc", CARE, "2022-01..", True, 12000, "quarterly"),
    _a("NMG", "Provincie Gelderland", "Subsidie vrijwillige inzet 2025-2027",
       "2025-01..2027-12", False, 6000, "quarterly"),
    _a("AMS", "Gemeente Amsterdam", WMO, "2017-01..", True, 66000, "monthly"),
    _a("AMS", "Zilveren Kruis", CONTRACT, "2024-01..2026-12", False, 18000, "quarterly"),
    _a("AMS", "OLVG", CARE, "2021-01..", True, 10800, "quarterly"),
    # Haarlem's subsidy ran until mid-2025; a new, larger one started on 1 July 2025.
    _a("HLM", "Gemeente Haarlem", "Subsidie Wmo 2022 - juni 2025",
       "2022-01..2025-06", False, 36000, "monthly"),
    _a("HLM", "Gemeente Haarlem", "Subsidie Wmo juli 2025 - 2028",
       "2025-07..2028-12", False, 43200, "monthly"),
    _a("HLM", "Spaarne Gasthuis", CARE, "2023-01..", True, 4800, "quarterly"),
    _a("DHG", "Gemeente Den Haag", WMO, "2016-01..", True, 60000, "monthly"),
    _a("DHG", "VGZ", CONTRACT, "2024-01..2026-12", False, 14400, "quarterly"),
    _a("DHG", "Haaglanden Medisch Centrum", CARE, "2022-01..", True, 12000, "quarterly"),
    # Without the override DHG would sit at 55 %; with it, at 68 %.
    _a("DHG", AFFILIATED, "Vierjarige bijdrage coördinatie 2024-2027",
       "2024-01..2027-12", True, 20000, "half-yearly",
       override=True, override_reason=STRUCTURAL_REASON),
    _a("UTR", "Gemeente Utrecht", WMO, "2018-01..", True, 54000, "monthly"),
    _a("UTR", "Zilveren Kruis", CONTRACT, "2024-01..2026-12", False, 12000, "quarterly"),
    _a("UTR", "UMC Utrecht", CARE, "2022-01..", True, 10800, "quarterly"),
    # Eindhoven's fixed-term subsidy ended mid-2025; an open-ended one followed.
    _a("EHV", "Gemeente Eindhoven", "Subsidie Wmo 2021 - juni 2025",
       "2021-01..2025-06", False, 48000, "monthly"),
    _a("EHV", "Gemeente Eindhoven", "Subsidie Wmo vanaf juli 2025",
       "2025-07..", True, 52800, "monthly"),
    _a("EHV", "CZ", CONTRACT, "2024-01..2026-12", False, 14400, "quarterly"),
    _a("EHV", "Catharina Ziekenhuis", CARE, "2022-01..", True, 12000, "quarterly"),
    _a("MST", "Gemeente Maastricht", WMO, "2019-01..", True, 33600, "monthly"),
    _a("MST", "Maastricht UMC+", CARE, "2023-01..", True, 8400, "quarterly"),
    _a("MST", "Provincie Limburg", "Projectsubsidie bewegen na kanker 2025",
       "2025-04..2025-12", False, 5000, "tranches"),
    _a("BRD", "Gemeente Breda", WMO, "2020-01..", True, 21600, "monthly"),
    _a("BRD", VWS, "Subsidie inloopvoorzieningen 2024-2027",
       "2024-01..2027-12", False, 4800, "half-yearly"),
    # The national charity's yearly contribution: incidental by the national office's rule.
    *(_a(c.code, AFFILIATED, "Jaarbijdrage inloopfunctie", "2020-01..", True, 7500,
         "half-yearly") for c in CENTRES if c.code != "DHG"),
]

GIFTS = [
    GiftRow("ZWL", LOTTERY, date(2024, 5, 14), D(15000), "Bijdrage inrichting stilteruimte",
            "Inrichting stilteruimte", "Meubilair en aankleding van de nieuwe stilteruimte"),
    GiftRow("AMS", LOTTERY, date(2025, 4, 8), D(25000), "Bijdrage programma jonge naasten",
            "Programma jonge naasten", "Activiteiten voor kinderen en jongeren als naaste"),
    GiftRow("BRD", LOTTERY, date(2025, 9, 23), D(10000), "Bijdrage tuinproject",
            "Tuinproject", "Aanleg en onderhoud van de ontmoetingstuin"),
    GiftRow("NMG", LOTTERY, date(2026, 3, 17), D(12500), "Bijdrage wandelprogramma",
            "Wandelprogramma", "Begeleide wandelgroepen in het voor- en najaar"),
    GiftRow("GRN", "Nalatenschap mw. G. Bosma", date(2025, 5, 12), D(12500),
            "Nalatenschap, vrij besteedbaar"),
    GiftRow("MST", "Nalatenschap dhr. P.J. Verhoeven", date(2024, 10, 2), D(8000),
            "Nalatenschap, vrij besteedbaar"),
]
# fmt: on

USER_NAMES = {
    "admin": "Beheerder (demo)",
    "national": "Landelijk bureau (demo)",
    "treasurer": "Penningmeester Het Spaarne (demo)",
    "auditor": "Accountant (demo)",
}

# What the incidental income is made of (fundtrack.demo.incidental).
PROJECTS = [
    ("Herstel en balans", "Beweeg- en leefstijlprogramma voor mensen na de behandeling"),
    ("Lotgenotengroep jonge mensen", "Maandelijkse groep voor mensen tussen 18 en 40 jaar"),
    ("Creatief atelier", "Schilder- en boetseerlessen onder leiding van een kunstenaar"),
    ("Mindfulness na kanker", "Achtweekse training door een gecertificeerde trainer"),
    ("Naasten en nabestaanden", "Gespreksgroepen voor partners, kinderen en nabestaanden"),
    ("Vrijwilligersacademie", "Scholing van gastvrouwen en gastheren"),
]
EVENTS = [("Opbrengst sponsorloop", 6, 14), ("Verkoop kaarten en boeken", 10, 4),
          ("Opbrengst kerstmarkt", 12, 13)]  # fmt: skip
SPONSOR_TEMPLATES = ["Bouwbedrijf {} B.V.", "Installatiebedrijf {}", "Notariskantoor {}",
                     "Accountantskantoor {} & Partners", "Autobedrijf {}",
                     "Drukkerij {}"]  # fmt: skip
CLUB_TEMPLATES = ["Rotary Club {}", "Lions Club {}", "Soroptimistclub {}", "Ronde Tafel {}"]
ORGANISATION_TEMPLATES = ["Bakkerij {}", "Bloemenzaak {}", "Fysiotherapie {}",
                          "Tandartspraktijk {}", "Kapsalon {}"]  # fmt: skip
WORDS = {
    "project_grant": "Projectbijdrage {project} {year}",
    "sponsor": "Sponsorbijdrage {year}",
    "club": "Opbrengst actie {club}",
    "interest": "Rente spaarrekening {year}",
    "periodic": "Periodieke gift {year} (vijfjarige overeenkomst)",
    "gift": "Gift",
    "organisation_gift": "Gift van een lokale ondernemer",
    "online": "Online donaties {month} {year} (uitbetaling betaalprovider)",
    "cost_staff": "Coördinator en ondersteuning (loonkosten)",
    "cost_housing": "Huur, energie en schoonmaak",
    "cost_activities": "Activiteiten en programma",
    "cost_volunteers": "Vrijwilligersvergoedingen, scholing en attenties",
    "cost_communication": "Website, drukwerk en folders",
    "cost_administration": "Administratie, verzekeringen en bankkosten",
    "cost_other": "Overige kosten",
}

# fmt: off
FIRST_NAMES = ["Anna", "Bram", "Carla", "Daan", "Els", "Femke", "Gerrit", "Hanneke", "Ineke",
               "Jan", "Karin", "Lotte", "Marieke", "Nico", "Pieter", "Renske", "Sanne",
               "Tineke", "Willem", "Yvonne", "Joost", "Mirjam", "Kees", "Aaltje", "Sjoerd"]
SURNAMES = ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
            "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
            "Brouwer", "de Wit", "Dijkstra", "Kuipers", "Postma", "Hoekstra", "van der Meer",
            "Verhoeven", "Claessens", "Janssens"]
STREETS = ["Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Schoolstraat",
           "Julianalaan", "Beatrixstraat", "Lindelaan", "Kastanjelaan", "Prinses Irenestraat"]
# fmt: on
BANKS = ["ABNA", "INGB", "RABO", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ"]


def postcode(rng) -> str:
    letters = rng.choice("ABCEGHJKLMNPRTVWXZ") + rng.choice("ABCEGHJKLMNPRTVWXZ")
    return f"{rng.randint(1000, 9999)} {letters}"


def iban(rng) -> str:
    """A valid Dutch IBAN: a bank code and a ten-digit account number."""
    account = f"{rng.randint(0, 9_999_999_999):010}"
    return str(IBAN.generate("NL", bank_code=rng.choice(BANKS), account_code=account))
