"""The demo networks' year-end statements of 2025 print cleanly in every language: no words on
top of each other, nothing past the side margins, no text under 8 pt (tests/print_layout.py);
the Norwegian consolidation eliminates the central office's contributions."""

import pytest
from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.auth.models import Role, User
from fundtrack.demo import build_demo
from fundtrack.yearend.documents import statement_pdf
from fundtrack.yearend.statement import statement
from tests.test_reports_print import assert_prints_cleanly


def _demo(session, country: str) -> User:
    with acting_as("test: demo"):
        build_demo(session, country)
    session.flush()
    return session.scalars(select(User).where(User.role == Role.NATIONAL)).one()


@pytest.mark.parametrize(
    ("country", "languages", "centre"),
    [("no", ("nb", "en"), "DK-NORD"), ("nl", ("nl",), "GRN")],
)
def test_the_demo_statements_print_cleanly(session, tmp_path, country, languages, centre):
    office = _demo(session, country)
    for language in languages:
        network = statement_pdf(session, office, 2025, language)
        assert_prints_cleanly(network, f"yearend-network-{country}-{language}.pdf", tmp_path)
    own = statement_pdf(session, office, 2025, languages[0], centre_code=centre)
    assert_prints_cleanly(own, f"yearend-centre-{country}-{languages[0]}.pdf", tmp_path)
    result = statement(session, office, 2025)
    if country == "no":
        # Every office but PF-BKT gets the society's yearly contribution: all eliminated.
        assert result.eliminations and result.line("other_grants").actual >= 0
        eliminated = sum(line.actual for line in result.eliminations)
        summed = next(line for line in result.sum_of_centres if line.key == "income_total")
        assert result.line("income_total").actual == summed.actual - eliminated
    else:
        assert result.eliminations == []
