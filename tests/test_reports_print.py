"""Every report kind, in every language, as a long and a short case, laid out so it prints:
no two words on top of each other, nothing past the side margins, no text under 8 pt
(tests/print_layout.py reads where each word stands in the PDF).

The long cases are the demo networks (14 Norwegian centres in NOK, the companion service over
8 district offices; the Dutch walk-in centres in EUR); the short ones are a network of two
centres with an amount as wide as NOK 10,000,000.00 and a centre where every figure is zero.
Renders are few and each test shares its data: WeasyPrint is slow.
"""

from datetime import date

import pytest
from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.auth.models import Role, User
from fundtrack.costs.models import CostKind
from fundtrack.demo import build_demo
from fundtrack.grants.models import Grant
from fundtrack.income.models import FunderType, IncomeCategory
from fundtrack.reports.centre_report import centre_pdf
from fundtrack.reports.grant_report import grant_pdf
from fundtrack.reports.national_report import national_pdf
from tests import factories, grant_report_example
from tests.print_layout import layout_faults
from tests.reports_helpers import keep


def assert_prints_cleanly(pdf: bytes, name: str, tmp_path) -> None:
    keep(pdf, name)
    path = tmp_path / name
    path.write_bytes(pdf)
    faults = layout_faults(path)
    assert not faults, f"{name}: " + "\n".join(faults[:20])


def _demo(session, country: str) -> User:
    with acting_as("test: demo"):
        build_demo(session, country)
    session.flush()
    return session.scalars(select(User).where(User.role == Role.NATIONAL)).one()


@pytest.mark.parametrize(
    ("country", "language", "centre"), [("no", "nb", "DK-NORD"), ("nl", "nl", "GRN")]
)
def test_the_demo_networks_reports_print_cleanly(session, tmp_path, country, language, centre):
    office = _demo(session, country)
    national = national_pdf(session, office, 2025, language)
    assert_prints_cleanly(national, f"print-national-{country}-{language}.pdf", tmp_path)
    assert_prints_cleanly(
        centre_pdf(session, office, centre, 2025, language),
        f"print-centre-{country}-{language}.pdf",
        tmp_path,
    )
    # The longest application: the companion service over 8 offices; in Dutch the first one.
    order = Grant.id.desc() if country == "no" else Grant.id
    grant = session.scalars(select(Grant).order_by(order)).first()
    assert_prints_cleanly(
        grant_pdf(session, office, grant.id, language=language),
        f"print-grant-{country}-{language}.pdf",
        tmp_path,
    )


@pytest.fixture
def wide_and_empty(session):
    """Two Norwegian centres: one whose figures are as wide as NOK 10,000,000.00 (and whose
    share, 120%, dwarfs the target), one where every figure is zero."""
    network = factories.network(session, name="Kreftforeningen", currency="NOK", locale="nb_NO")
    region = factories.region(session, code="NORD", name="Nord")
    big = factories.centre(session, code="DK-BIG", name="Distriktskontor med et svært langt navn "
                           "i Nord-Trøndelag", region=region, currency="NOK")  # fmt: skip
    empty = factories.centre(session, code="DK-NUL", name="Tomt", region=region, currency="NOK")
    municipality = factories.funder(session, type=FunderType.MUNICIPALITY, name="Kommunen")
    for year in (2024, 2025):
        factories.cost(session, big, "9999999.99", year=year, kind=CostKind.ACTUAL)
        agreement = factories.agreement(
            session, big, municipality, start_date=date(2020, 1, 1), annual_amount="12000000.00"
        )
        factories.income(session, big, "11999999.99", category=IncomeCategory.GOVERNMENT,
                         booking_date=date(year, 2, 1), agreement=agreement,
                         funder=municipality)  # fmt: skip
    return network, big, empty, factories.user(session, role="national")


def test_a_short_report_with_the_widest_amounts_and_all_zeros_prints_cleanly(
    session, tmp_path, wide_and_empty
):
    _network, _big, empty, office = wide_and_empty
    assert_prints_cleanly(
        national_pdf(session, office, 2025, "en"), "print-national-short-en.pdf", tmp_path
    )
    assert_prints_cleanly(
        centre_pdf(session, office, empty.code, 2025, "en"), "print-centre-zero-en.pdf", tmp_path
    )


@pytest.mark.parametrize(("norwegian", "language"), [(True, "en"), (False, "nl")])
def test_the_hand_worked_grant_report_prints_cleanly(session, tmp_path, norwegian, language):
    case = grant_report_example.build(session, norwegian=norwegian)
    pdf = grant_pdf(session, case.office, case.grant.id, language=language)
    assert_prints_cleanly(pdf, f"print-grant-short-{language}.pdf", tmp_path)
