"""The auditor reads the rules; the dashboard's chart ranks by share; a region's headline
names the region; the dashboard's CSV follows the user's language."""

import csv
import io

import pytest

from tests import share_network


@pytest.fixture
def net(session):
    return share_network.build(session)


def test_the_auditor_reads_the_rules_and_is_offered_no_change(client, login_as, net):
    login_as("auditor")
    response = client.get("/rules")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="rule-form"' not in page and 'id="override-form"' not in page
    assert client.post("/rules", data={"funder_type": "municipality"}).status_code == 403


def test_a_treasurer_still_may_not_read_the_rules(client, login_as, net):
    login_as("treasurer", centre=net.a)
    assert client.get("/rules").status_code == 403


def test_the_share_chart_ranks_centres_by_share(client, login_as, net):
    login_as("national")
    page = client.get("/dashboard?year=2025").get_data(as_text=True)
    chart = page[page.index("Structural share per centre") :]
    chart = chart[: chart.index("</svg>")]
    # Drawn bottom-up: D (no costs), C (0%), A (53.3%), B (80%) at the top.
    positions = [chart.index(f"{code} Centre {code}") for code in "DCAB"]
    assert positions == sorted(positions)


def test_the_headline_names_the_region_when_filtered(client, login_as, net):
    login_as("national")
    page = client.get("/dashboard?year=2025&region=NORTH").get_data(as_text=True)
    assert "Region NORTH share" in page and "Network share" not in page


def test_the_dutch_dashboard_csv_uses_semicolons_and_decimal_commas(client, login_as, net):
    login_as("national", locale="nl")
    text = client.get("/dashboard.csv?year=2025").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    a = next(row for row in rows if row[1] == "A")
    assert "90000,00" in a and "0,533333" in a
