"""What a funder's auditor reads through the API: a grant's budget lines sum to its spending
(spending with no budget line too), income and cost lines filtered by grant, the funder's
auditor threshold, and a centre's report in the network's language unless `lang` says."""

from decimal import Decimal

import pytest

from fundtrack.costs.models import CostCategory, CostKind
from tests import factories, grant_report_example
from tests.api_helpers import ApiCaller
from tests.reports_helpers import pdf_text


@pytest.fixture
def api(client, session):
    return ApiCaller(client, session)


@pytest.fixture
def example(session):
    # Staff 390,000.50 and activities 262,000.00 spent on budget lines; add 1,234.56 of
    # housing, which the budget left out: 653,235.06 spent in all.
    case = grant_report_example.build(session, norwegian=True)
    factories.cost(session, case.centre, "1234.56", kind=CostKind.ACTUAL,
                   category=CostCategory.HOUSING, grant=case.grant, year=2025)  # fmt: skip
    return case


def test_the_budget_lists_unbudgeted_spending_and_sums_to_what_was_spent(api, example):
    national = api.as_("national")
    rows = national.get(f"/grants/{example.grant.id}/budget").json
    by_category = {r["category"]: r for r in rows}
    assert by_category["housing"] == {"id": None, "category": "housing", "description": "",
                                      "amount": "0.00", "spent": "1234.56"}  # fmt: skip
    assert by_category["staff"]["spent"] == "390000.50" and by_category["staff"]["id"]
    total = sum(Decimal(r["spent"]) for r in rows)
    assert total == Decimal("653235.06")
    assert national.get(f"/grants/{example.grant.id}").json["spent"] == "653235.06"


def test_income_and_cost_lists_filter_by_grant(api, example):
    national = api.as_("national")
    # The centre's 540,000 from the municipality is not booked on the grant.
    income = national.get(f"/income?grant={example.grant.id}").json["items"]
    assert sorted(Decimal(i["amount"]) for i in income) == [
        Decimal("400.00"), Decimal("600.00"), Decimal("50000.00"), Decimal("260000.00"),
        Decimal("325000.00"),
    ]  # fmt: skip
    costs = national.get(f"/costs?grant={example.grant.id}").json["items"]
    assert sum(Decimal(c["amount"]) for c in costs) == Decimal("653235.06")
    assert national.get("/costs?grant=999999").json["items"] == []


def test_a_funders_auditor_threshold_is_readable(api, example):
    funder = api.as_("national").get(f"/funders/{example.funder.id}").json
    assert funder["auditor_statement_threshold"] == "500000.00"
    municipality = api.as_("national").get(f"/funders/{example.municipality.id}").json
    assert municipality["auditor_statement_threshold"] is None


def test_a_centres_report_comes_in_the_networks_language_unless_lang_says(api, example):
    national = api.as_("national")
    norwegian = national.get("/centres/OSL/report.pdf?year=2025")
    assert norwegian.status_code == 200 and "Finansieringsrapport 2025" in pdf_text(norwegian.data)
    english = national.get("/centres/OSL/report.pdf?year=2025&lang=en")
    assert "Funding report 2025" in pdf_text(english.data)
