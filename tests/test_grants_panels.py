"""Grant panels on the landing pages: reports due, the pipeline and next year's forecast."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fundtrack.grants import parts
from fundtrack.grants.operations import move_grant
from fundtrack.grants.panels import landing_panels
from fundtrack.income.models import FunderType, StructuralRule
from tests import factories
from tests.grant_helpers import awarded, grant

D = Decimal
ON = date(2025, 4, 15)


@pytest.fixture
def national(session, network):
    return factories.user(session, role="national")


@pytest.fixture
def hlm(session, network):
    return factories.centre(session, code="HLM")


def _forecast_network(session, national, hlm):
    """HLM: costs 120,000 in 2025, 36,000 secured for 2026, and a recurring municipal
    application (24,000 a year from July 2026, 60 %) pending: 7,200 weighted."""
    session.merge(StructuralRule(funder_type=FunderType.MUNICIPALITY, structural_by_default=True))
    municipality = factories.funder(session, type=FunderType.MUNICIPALITY)
    factories.cost(session, hlm, "120000.00", year=2025)
    factories.agreement(session, hlm, municipality, annual_amount=D("36000.00"),
                        start_date=date(2024, 1, 1), end_date=None)  # fmt: skip
    pending = grant(
        session, hlm, funder=municipality, recurring=True, chance=60, project_name="Wmo 2026",
        amount_requested=D("24000"), start=date(2026, 7, 1), end=date(2028, 6, 30),
    )  # fmt: skip
    move_grant(session, national, pending, "submitted")
    return pending


def test_a_centres_panels_on_a_fixed_date(session, national, hlm):
    row = grant(session, hlm)
    for due in (date(2025, 3, 1), date(2025, 6, 14), date(2025, 6, 15)):
        parts.add_obligation(session, national, row, {"kind": "interim", "due_date": due})
    other = grant(session, factories.centre(session, code="OTH"))
    parts.add_obligation(session, national, other, {"kind": "final", "due_date": date(2025, 1, 1)})
    pending = _forecast_network(session, national, hlm)
    awarded(session, hlm, amount="6000.00", amount_requested=D("8000"))

    treasurer = factories.user(session, role="treasurer", centre=hlm)
    panels = landing_panels(session, treasurer, ON, 2025, centre_code="HLM")

    assert [o.due_date for o in panels.due.overdue] == [date(2025, 3, 1)]
    assert [o.due_date for o in panels.due.due] == [date(2025, 6, 14)]
    [year_2025, year_2026] = panels.pipeline
    assert (year_2025.network.asked, year_2025.network.awarded) == (D("8000.00"), D("6000.00"))
    # 24,000 asked for 2026 at 60 %: 14,400 expected.
    assert (year_2026.network.asked, year_2026.network.expected) == (D("24000.00"), D("14400.00"))
    forecast = panels.forecast
    assert (forecast.secured, forecast.pending, forecast.forecast) == (
        D("36000.00"), D("7200.00"), D("43200.00"),
    )  # fmt: skip
    assert forecast.forecast_share == D("0.360000")
    assert [a.grant for a in forecast.applications] == [pending]
    # The national office's dashboard: every centre's reports.
    network_wide = landing_panels(session, national, ON, 2025)
    assert len(network_wide.due.overdue) == 2
    centres = network_wide.pipeline_year.centres
    assert centres["HLM"].asked == D("8000.00") and centres["OTH"].asked == D("0.00")  # a draft


def test_another_centres_panels_are_refused(session, national, hlm):
    treasurer = factories.user(session, role="treasurer", centre=hlm)
    factories.centre(session, code="OTH")
    with pytest.raises(LookupError):
        landing_panels(session, treasurer, ON, 2025, centre_code="OTH")


def test_the_centre_page_and_the_dashboard_show_reports_pipeline_and_forecast(
    client, session, national, hlm, login_as
):
    pending = _forecast_network(session, national, hlm)
    row = grant(session, hlm, project_name="Lotgenoten")
    soon = date.today() + timedelta(days=10)
    parts.add_obligation(session, national, row, {"kind": "interim", "due_date": soon})
    late = date.today() - timedelta(days=3)
    parts.add_obligation(session, national, row, {"kind": "final", "due_date": late})
    login_as("treasurer", hlm)

    page = client.get("/centres/HLM?year=2025").get_data(as_text=True)
    assert 'id="reports-due"' in page and page.count("Lotgenoten") == 2
    assert 'id="share-forecast"' in page and 'id="pipeline"' in page
    link = "/grants/forecast?year=2025&amp;centre=HLM"
    assert link in page
    traced = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'data-grant="{pending.id}"' in traced and "Wmo 2026" in traced
    assert client.get("/grants/forecast?year=2025&centre=OTH").status_code == 404

    login_as("national")
    dashboard = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert 'id="reports-due"' in dashboard and 'id="pipeline-parts"' in dashboard
    assert 'data-centre="HLM"' in dashboard


def _two_regions_with_overdue_reports(session, national):
    """Region NORD's centre and region ZUID's centre, each with a grant whose final report
    is overdue, and a national office application with one too."""
    rows = {}
    for region_code, project in (("NORD", "Noorderlicht"), ("ZUID", "Zuiderzon")):
        region = factories.region(session, code=region_code, name=f"Region {region_code}")
        centre = factories.centre(session, code=f"{region_code}1", region=region)
        rows[region_code] = grant(session, centre, project_name=project)
    rows[None] = grant(session, None, project_name="Landelijk")
    for row in rows.values():
        parts.add_obligation(session, national, row, {"kind": "final", "due_date": ON})
    return rows


def test_a_regions_panels_hold_only_its_centres_reports(session, national):
    rows = _two_regions_with_overdue_reports(session, national)

    panels = landing_panels(session, national, ON + timedelta(days=1), 2025, region_code="NORD")

    assert [o.grant for o in panels.due.overdue] == [rows["NORD"]]
    network_wide = landing_panels(session, national, ON + timedelta(days=1), 2025)
    assert {o.grant.project_name for o in network_wide.due.overdue} == {
        "Noorderlicht", "Zuiderzon", "Landelijk",
    }  # fmt: skip


def test_a_regions_dashboard_lists_its_overdue_report_and_not_another_regions(
    client, session, national, login_as
):
    rows = _two_regions_with_overdue_reports(session, national)
    for row in rows.values():
        row.obligations[0].due_date = date.today() - timedelta(days=3)
    session.flush()
    login_as("national")

    page = client.get("/dashboard?year=2025&region=NORD").get_data(as_text=True)

    assert 'id="reports-due"' in page and "Noorderlicht" in page
    assert "Zuiderzon" not in page and "Landelijk" not in page
    network_wide = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert "Noorderlicht" in network_wide and "Zuiderzon" in network_wide
