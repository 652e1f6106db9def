"""Donors and the incidental income of a centre: grants, sponsors, gifts, events, interest.

Structural income follows from the agreements in the country tables; this module fills
the rest of a year's income so that the centre roughly breaks even, from a random
generator seeded per centre and year, so every run books the same lines.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import ModuleType

from babel.dates import get_month_names
from sqlalchemy.orm import Session

from fundtrack.centres.models import Centre
from fundtrack.demo.agreements import book_agreement
from fundtrack.demo.ledger import IncomeBook, round_to
from fundtrack.demo.tables import AgreementRow
from fundtrack.income.models import (
    Donor,
    DonorKind,
    EarmarkedFund,
    Funder,
    FunderType,
    IncomeCategory,
)
from fundtrack.money import CENT

GIFT_SIZES = [10, 15, 20, 25, 25, 35, 50, 50, 75, 100, 100, 150, 250, 500]
PERIODIC_MONTHLY = [10, 15, 25]
PERIODIC_YEARLY = [150, 250, 300, 600]


@dataclass
class Donors:
    people: list[Donor]
    organisations: list[Donor]


@dataclass
class LocalFunders:
    sponsor: Funder
    club: Funder


def make_donors(session: Session, country: ModuleType, centre: Centre) -> Donors:
    """Ten people and two local businesses who give to the centre, with consent flags."""
    rng = random.Random(f"donors-{country.CODE}-{centre.code}")
    people = []
    for _ in range(10):
        first, surname = rng.choice(country.FIRST_NAMES), rng.choice(country.SURNAMES)
        people.append(_donor(rng, country, centre, DonorKind.PERSON, f"{first} {surname}"))
        people[-1].email = f"{_ascii(first)}.{_ascii(surname)}@example.org"
    organisations = [
        _donor(
            rng, country, centre, DonorKind.ORGANISATION, name.format(rng.choice(country.SURNAMES))
        )
        for name in rng.sample(country.ORGANISATION_TEMPLATES, 2)
    ]
    session.add_all(people + organisations)
    return Donors(people, organisations)


def _ascii(name: str) -> str:
    """An e-mail-friendly spelling: "Bjørn" -> "bjorn", "van der Meer" -> "vandermeer"."""
    name = name.lower().replace(" ", "").translate(str.maketrans({"ø": "o", "æ": "ae", "å": "a"}))
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _donor(rng, country, centre, kind, name) -> Donor:
    contact = rng.random() < 0.7
    newsletter = contact and rng.random() < 0.6
    recorded = datetime(2023, 1, 1, 10, tzinfo=UTC) + timedelta(days=rng.randint(0, 900))
    return Donor(
        centre=centre,
        kind=kind,
        name=name,
        address=f"{rng.choice(country.STREETS)} {rng.randint(1, 180)}",
        postcode=country.postcode(rng),
        city=centre.municipality,
        iban=country.iban(rng),
        consent_contact=contact,
        consent_newsletter=newsletter,
        consent_recorded_at=recorded if contact else None,
    )


def make_local_funders(session, country: ModuleType, centre: Centre, taken: set[str]):
    """A local company that sponsors the centre and a service club that raises money."""
    rng = random.Random(f"local-{country.CODE}-{centre.code}")
    sponsor = rng.choice(country.SPONSOR_TEMPLATES).format(rng.choice(country.SURNAMES))
    if sponsor in taken:
        sponsor = f"{sponsor} {centre.municipality}"
    # Two centres in one town each get a club of their own (funder names are unique).
    clubs = [t.format(centre.municipality) for t in country.CLUB_TEMPLATES]
    club = rng.choice(
        [name for name in clubs if name not in taken] or [f"{clubs[0]} {centre.code}"]
    )
    taken.update({sponsor, club})
    funders = LocalFunders(
        Funder(name=sponsor, type=FunderType.COMPANY), Funder(name=club, type=FunderType.OTHER)
    )
    session.add_all([funders.sponsor, funders.club])
    return funders


def book_incidental(
    book: IncomeBook,
    country: ModuleType,
    centre: Centre,
    year: int,
    costs: Decimal,
    donors: Donors,
    local: LocalFunders,
    foundations: dict[str, Funder],
) -> None:
    """Fill a year's income up to about its costs (a small surplus or deficit).

    The part not yet covered by agreements and one-off gifts is split: a third or so from a
    foundation's project grant (kept in an earmarked fund), then a sponsor, the service
    club, events, periodic and one-off gifts, and the rest as monthly online donations.
    """
    rng = random.Random(f"income-{country.CODE}-{centre.code}-{year}")
    words = country.WORDS
    target = costs * (1 + Decimal(rng.randint(-30, 40)) / 1000)
    plan = target - book.planned[centre.code, year]
    _project_grant(book, rng, country, centre, year, plan, foundations)

    sponsored = max(round_to(plan * Decimal("0.06"), 50), Decimal(250))
    book.add(
        centre,
        date(year, rng.randint(2, 5), rng.randint(1, 28)),
        sponsored,
        words["sponsor"].format(year=year),
        funder=local.sponsor,
    )
    if rng.random() < 0.7:
        raised = max(round_to(plan * Decimal("0.04"), 50), Decimal(250))
        book.add(
            centre,
            date(year, rng.randint(3, 11), rng.randint(1, 28)),
            raised,
            words["club"].format(club=local.club.name),
            funder=local.club,
            category=IncomeCategory.OTHER_NONPROFITS,
        )
    for description, month, day in country.EVENTS:
        share = Decimal(rng.randint(30, 60)) / 1000
        book.add(
            centre,
            date(year, month, day),
            round_to(plan * share, 1),
            description,
            category=IncomeCategory.OTHER,
            imported=False,
        )
    interest = (plan * Decimal("0.003")).quantize(CENT)
    book.add(
        centre,
        date(year, 12, 31),
        interest,
        words["interest"].format(year=year),
        category=IncomeCategory.OTHER,
    )
    _gifts(book, rng, country, centre, year, donors)

    _online_donations(book, rng, country, centre, year, target - book.planned[centre.code, year])


def _project_grant(book, rng, country, centre, year, plan, foundations) -> None:
    """A foundation's grant for one project, paid in two tranches into an earmarked fund."""
    project, purpose = rng.choice(country.PROJECTS)
    fund = EarmarkedFund(
        centre=centre, name=f"{project} {year}", purpose=purpose, end_date=date(year + 1, 12, 31)
    )
    book.session.add(fund)
    row = AgreementRow(
        centre.code,
        rng.choice(list(foundations)),
        country.WORDS["project_grant"].format(project=project, year=year),
        date(year, rng.randint(1, 4), 1),
        date(year, 12, 31),
        False,
        max(round_to(plan * Decimal("0.35"), 500), Decimal(2500)),
        "tranches",
    )
    book_agreement(book, row, centre, foundations[row.funder], (year,), fund)


def _gifts(book, rng, country, centre, year, donors: Donors) -> None:
    words = country.WORDS
    monthly, *yearly = donors.people[:3]
    amount = rng.choice(PERIODIC_MONTHLY)
    for month in range(1, 13):
        book.add(
            centre,
            date(year, month, 25),
            Decimal(amount),
            words["periodic"].format(year=year),
            donor=monthly,
            category=IncomeCategory.INDIVIDUALS,
        )
    for index, donor in enumerate(yearly):
        book.add(
            centre,
            date(year, 1 + 5 * index, 28),
            Decimal(PERIODIC_YEARLY[index + 1]),
            words["periodic"].format(year=year),
            donor=donor,
            category=IncomeCategory.INDIVIDUALS,
        )
    for _ in range(rng.randint(12, 20)):
        day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        book.add(
            centre,
            day,
            Decimal(rng.choice(GIFT_SIZES)),
            words["gift"],
            donor=rng.choice(donors.people),
            category=IncomeCategory.INDIVIDUALS,
        )
    for donor in donors.organisations:
        day = date(year, rng.randint(1, 12), rng.randint(1, 28))
        book.add(
            centre,
            day,
            Decimal(rng.choice([250, 500, 750, 1000, 1500])),
            words["organisation_gift"],
            donor=donor,
            category=IncomeCategory.COMPANIES,
        )


def _online_donations(book, rng, country, centre, year, rest: Decimal) -> None:
    """What is left of the year's plan arrives as twelve monthly payouts of online gifts."""
    if rest < 12 * 50:
        return
    weights = [Decimal(rng.randint(70, 130)) for _ in range(12)]
    parts = [(rest * w / sum(weights)).quantize(CENT) for w in weights[:-1]]
    parts.append(rest.quantize(CENT) - sum(parts))
    months = get_month_names("wide", locale=book.network.locale)
    for month, amount in enumerate(parts, start=1):
        day = date(year, month, 28)
        text = country.WORDS["online"].format(month=months[month], year=year)
        book.add(centre, day, amount, text, category=IncomeCategory.INDIVIDUALS)
