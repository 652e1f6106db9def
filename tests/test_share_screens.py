"""The funding monitor's screens and exports on the hand-worked network of share_network.py.

Money is written as the Dutch network writes it: "€ 48.000,00" with a no-break space.
The expected figures are those worked out by hand in tests/test_share.py.
"""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fundtrack import create_app
from fundtrack.audit.models import AuditEvent
from fundtrack.costs.models import CostKind
from fundtrack.income.models import IncomeCategory
from tests import factories, share_network

NETWORK_ROLES = ["national", "admin", "auditor"]


def eur(text: str) -> str:
    return "€\xa0" + text


@pytest.fixture
def net(session):
    return share_network.build(session)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=response.mimetype.startswith("text/"))


def row(html: str, attribute: str, value: str) -> str:
    found = re.search(rf'<tr[^>]* {attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no row {attribute}={value}"
    return found.group(1)


def cells(html_row: str) -> list[str]:
    # Collapse the markup's own whitespace only: money keeps its no-break spaces.
    raw = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html_row, re.S)
    text = (unescape(re.sub(r"<[^>]+>", " ", cell)) for cell in raw)
    return [re.sub(r"[ \t\r\n]+", " ", cell).strip() for cell in text]


def test_dashboard_shows_each_centre_with_the_service_figures_formatted(client, login_as, net):
    login_as("national")
    html = page(client, "/dashboard?year=2025")
    assert cells(row(html, "data-centre", "A")) == [
        "A Centre A", "NORTH", eur("90.000,00"), "actual costs", eur("48.000,00"), "53,3%",
        "✘ below target", eur("12.000,00"), eur("48.000,00"), "53,3%",
    ]  # fmt: skip
    assert cells(row(html, "data-centre", "B")) == [
        "B Centre B", "NORTH", eur("30.000,00"), "budget", eur("24.000,00"), "80,0%",
        "⚠ Check: the share moved more than 25 points from last year's 42,9%; is a structural"
        " income line booked in the wrong year, or did an agreement start or end?",
        eur("0,00"), eur("12.000,00"), "40,0%",
    ]  # fmt: skip
    assert cells(row(html, "data-centre", "C"))[5:8] == ["0,0%", "✘ below target", eur("33.333,33")]
    assert cells(row(html, "data-centre", "D"))[2:8] == [
        eur("0,00"), "no costs", eur("9.000,00"), "no costs", "no costs", eur("0,00"),
    ]  # fmt: skip


def test_dashboard_rolls_up_regions_and_the_network_and_counts_centres_at_target(
    client, login_as, net
):
    login_as("national")
    html = page(client, "/dashboard?year=2025")
    assert cells(row(html, "data-region", "NORTH")) == [
        "NORTH North", "1 of 2", eur("120.000,00"), "actual and budget", eur("72.000,00"),
        "60,0%", eur("12.000,00"), eur("60.000,00"),
    ]  # fmt: skip
    assert cells(row(html, "data-region", "SOUTH"))[1:7] == [
        "0 of 2", eur("50.000,00"), "actual and budget", eur("9.000,00"), "18,0%",
        eur("33.333,33"),
    ]  # fmt: skip
    assert cells(row(html, "data-region", "network")) == [
        "Network total", "1 of 4", eur("170.000,00"), "actual and budget", eur("81.000,00"),
        "47,6%", eur("45.333,33"), eur("72.000,00"),
    ]  # fmt: skip
    assert '<strong id="at-target-count">1 of 4</strong>' in html
    assert "target 66,7%" in html and html.count("<svg") == 2 and "<script" not in html


def test_dashboard_filters_by_region_and_sorts_by_share(client, login_as, net):
    login_as("national")
    html = page(client, "/dashboard?year=2025&region=SOUTH")
    assert re.findall(r'data-centre="(\w+)"', html) == ["C", "D"]
    assert cells(row(html, "data-region", "network"))[:3] == [
        "Total shown",
        "0 of 2",
        eur("50.000,00"),
    ]
    html = page(client, "/dashboard?year=2025&sort=-share")
    assert re.findall(r'data-centre="(\w+)"', html) == ["B", "A", "C", "D"]  # no costs last
    page(client, "/dashboard?region=NOWHERE", 404)


def test_dashboard_defaults_to_the_latest_year_on_record_and_offers_the_others(
    client, login_as, net, session
):
    # Next year's budget is on record, but the year to show is the latest one begun (2025).
    factories.cost(session, net.a, "99000.00", kind=CostKind.BUDGET, year=date.today().year + 1)
    login_as("auditor")
    html = page(client, "/dashboard")
    assert "<h1>Structural funding 2025</h1>" in html
    assert '<option value="2024">2024</option>' in html
    html = page(client, "/dashboard?year=2024")
    assert cells(row(html, "data-centre", "A"))[2:6] == [
        eur("80.000,00"), "actual costs", eur("40.000,00"), "50,0%"
    ]  # fmt: skip


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_every_screen_opens_for_the_roles_that_see_all_centres(client, login_as, net, role):
    login_as(role)
    for url in (
        "/dashboard?year=2025",
        "/centres/C?year=2025",
        "/centres/C/lines?year=2025",
        "/dashboard.csv?year=2025",
        "/dashboard.xlsx?year=2025",
        "/centres/C/figures.csv",
    ):
        page(client, url)
    page(client, "/rules", 200)  # the auditor reads the rules, changes none


def test_a_treasurer_sees_only_their_own_centre_on_every_screen_and_export(client, login_as, net):
    login_as("treasurer", centre=net.a)
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-centre")
    html = page(client, "/my-centre?year=2025")
    assert "<h1>A Centre A</h1>" in html and "Centre B" not in html
    page(client, "/centres/A?year=2025")
    page(client, "/centres/A/lines?year=2025")
    page(client, "/centres/A/figures.xlsx")
    for url in (
        "/centres/B",
        "/centres/B/lines?year=2025",
        "/centres/B/figures.csv",
        "/centres/ZZ",
    ):
        page(client, url, 404)
    page(client, "/dashboard.csv", 403)
    page(client, "/dashboard.xlsx?year=2025", 403)
    page(client, "/rules", 403)
    assert client.post("/rules", data={"funder_type": "foundation"}).status_code == 403


def test_centre_page_shows_the_mix_and_the_share_and_gap_over_the_years(client, login_as, net):
    login_as("treasurer", centre=net.a)
    html = page(client, "/my-centre?year=2025")
    assert cells(row(html, "data-category", "government_subsidies")) == [
        "Government subsidies", eur("48.000,00"), "65,8%",  # 48,000 of 73,000 income
    ]  # fmt: skip
    assert cells(row(html, "data-category", "individuals"))[1:] == [eur("5.000,00"), "6,8%"]
    assert 'data-category="companies"' not in html  # no income there: no row
    assert cells(row(html, "data-year", "2024")) == [
        # 2/3 x 80,000 = 53,333.33; less 40,000 structural.
        "2024", eur("80.000,00"), "actual costs", eur("40.000,00"), "50,0%", "✘ below target",
        eur("13.333,33"), eur("48.000,00"),
    ]  # fmt: skip
    assert cells(row(html, "data-year", "2025"))[1:7] == [
        eur("90.000,00"), "actual costs", eur("48.000,00"), "53,3%", "✘ below target",
        eur("12.000,00"),
    ]  # fmt: skip
    assert html.count("<svg") == 3 and "target 66,7%" in html
    assert ">2024<" in html and eur("13.333,33") in html  # the gap chart prints its values


def test_lines_show_what_made_income_structural(client, login_as, net):
    login_as("national")
    html = page(client, "/centres/A/lines?year=2025&structural=yes")
    assert "4 lines, together <strong>" + eur("48.000,00") + "</strong>" in html
    income_table = html.split('id="secured"')[0]  # A1 is listed again as secured for 2026
    assert income_table.count("structural: municipality income is structural by default") == 4
    html = page(client, "/centres/A/lines?year=2025&category=individuals")
    assert "2 lines, together <strong>" + eur("5.000,00") + "</strong>" in html
    assert html.count("incidental: no funding agreement") == 2
    assert "2 lines, together <strong>" + eur("90.000,00") in html  # the actual cost lines
    page(client, "/centres/A/lines?year=2025&category=lottery_tickets", 400)


def test_secured_next_year_links_to_the_agreements_behind_it(client, login_as, net):
    login_as("treasurer", centre=net.b)
    html = page(client, "/my-centre?year=2025")
    assert 'href="/centres/B/lines?year=2025#secured"' in html
    html = page(client, "/centres/B/lines?year=2025")
    # B1 runs to 30 June 2026: 6 whole months of 2026, 24,000 x 6 / 12 = 12,000.
    assert "Secured for 2026: 1 structural agreement, together <strong>" + eur("12.000,00") in html
    assert cells(row(html, "data-secured", str(net.b1.id)))[1:6] == [
        "B1", "Insurer", eur("24.000,00"), "6", eur("12.000,00"),
    ]  # fmt: skip
    page(client, "/centres/A/lines?year=2025", 404)


def test_lines_page_through_long_lists(client, login_as, net, session):
    for _line in range(101):
        factories.income(session, net.d, "1.00", category=IncomeCategory.OTHER)
    login_as("national")
    html = page(client, "/centres/D/lines?year=2025&category=other")
    assert html.count("<tr data-line=") == 100 and "next 100" in html
    html = page(client, "/centres/D/lines?year=2025&category=other&offset=100")
    assert html.count("<tr data-line=") == 1 and "previous 100" in html


def test_dashboard_csv_matches_the_table_cell_by_cell(client, login_as, net):
    login_as("national")
    response = client.get("/dashboard.csv?year=2025&sort=-gap")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=structural-funding-2025.csv"
    )
    # A byte order mark first, so that Excel reads the accents as UTF-8.
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:15] == [
        "Row", "Code", "Name", "Region", "At target", "Centres", "Centres at target",
        "Costs (EUR)", "Costs basis", "Structural income (EUR)", "Incidental income (EUR)",
        "Structural share", "Gap to target (EUR)", "Secured next year (EUR)", "Secured share",
    ]  # fmt: skip
    assert [r[:15] for r in rows[1:]] == [
        ["Centre", "C", "Centre C", "SOUTH", "no", "", "", "50000.00", "actual costs", "0.00",
         "29000.00", "0.000000", "33333.33", "0.00", "0.000000"],
        ["Centre", "A", "Centre A", "NORTH", "no", "", "", "90000.00", "actual costs",
         "48000.00", "25000.00", "0.533333", "12000.00", "48000.00", "0.533333"],
        ["Centre", "B", "Centre B", "NORTH", "yes", "", "", "30000.00", "budget", "24000.00",
         "0.00", "0.800000", "0.00", "12000.00", "0.400000"],
        ["Centre", "D", "Centre D", "SOUTH", "no", "", "", "0.00", "no costs", "9000.00",
         "0.00", "", "0.00", "12000.00", ""],
        ["Region", "NORTH", "North", "NORTH", "", "2", "1", "120000.00", "actual and budget",
         "72000.00", "25000.00", "0.600000", "12000.00", "60000.00", "0.500000"],
        ["Region", "SOUTH", "South", "SOUTH", "", "2", "0", "50000.00", "actual and budget",
         "9000.00", "29000.00", "0.180000", "33333.33", "12000.00", "0.240000"],
        ["Network", "", "Network total", "", "", "4", "1", "170000.00", "actual and budget",
         "81000.00", "54000.00", "0.476471", "45333.33", "72000.00", "0.423529"],
    ]  # fmt: skip
    individuals = rows[0].index("Individuals (EUR)")
    assert [r[individuals] for r in rows[1:]] == [
        "10000.00", "5000.00", "0.00", "0.00", "5000.00", "10000.00", "15000.00"
    ]  # fmt: skip


def test_dashboard_xlsx_has_numeric_money_and_honours_the_region_filter(client, login_as, net):
    login_as("auditor")
    response = client.get("/dashboard.xlsx?year=2025&region=NORTH")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == "attachment; filename=structural-funding-2025-NORTH.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    costs, share, gap = (header.index(h) + 1 for h in ("Costs (EUR)", "Structural share",
                                                        "Gap to target (EUR)"))  # fmt: skip
    assert [sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)] == [
        "A",
        "B",
        "NORTH",
        None,
    ]
    assert [sheet.cell(r, costs).value for r in range(2, 6)] == [90000, 30000, 120000, 120000]
    assert [sheet.cell(r, gap).value for r in range(2, 6)] == [12000, 0, 12000, 12000]
    assert sheet.cell(2, share).value == 0.533333 and sheet.cell(2, share).number_format == "0.0%"
    assert (
        sheet.cell(2, costs).data_type == "n" and sheet.cell(2, costs).number_format == "#,##0.00"
    )
    assert sheet.cell(5, 1).value == "Network" and sheet.cell(5, 1).font.bold


def test_a_treasurer_exports_their_own_centres_years(client, login_as, net):
    login_as("treasurer", centre=net.b)
    rows = list(csv.reader(io.StringIO(page(client, "/centres/B/figures.csv").lstrip("\ufeff"))))
    assert [r[:7] for r in rows] == [
        ["Year", "At target", "Costs (EUR)", "Costs basis", "Structural income (EUR)",
         "Incidental income (EUR)", "Structural share"],
        ["2024", "no", "28000.00", "actual costs", "12000.00", "0.00", "0.428571"],
        ["2025", "yes", "30000.00", "budget", "24000.00", "0.00", "0.800000"],
    ]  # fmt: skip


def test_changing_a_rule_changes_the_dashboard_and_is_audited(client, login_as, net, session):
    user = login_as("national", email="office@example.org")
    html = page(client, "/rules")
    assert cells(row(html, "data-funder-type", "affiliated_nonprofit"))[1] == "incidental"
    response = client.post(
        "/rules",
        data={"funder_type": "affiliated_nonprofit", "structural_by_default": "yes",
              "note": "the charity's contribution is agreed every year"},
    )  # fmt: skip
    assert response.status_code == 302
    html = page(client, "/rules")
    assert "now counts as structural by default" in html
    assert cells(row(html, "data-funder-type", "affiliated_nonprofit"))[1:3] == [
        "structural", "the charity's contribution is agreed every year",
    ]  # fmt: skip
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "structural_rules", AuditEvent.entity_id == "affiliated_nonprofit"
        )
    ).one()
    assert (event.actor, event.user_id, event.action) == ("office@example.org", user.id, "update")
    # C2 (6,000 a year, open-ended, recurring) now counts: 6,000 / 50,000; 33,333.33 - 6,000.
    centre_c = cells(row(page(client, "/dashboard?year=2025"), "data-centre", "C"))
    assert centre_c[4:8] == [eur("6.000,00"), "12,0%", "✘ below target", eur("27.333,33")]


def test_overriding_an_agreement_changes_the_figures_and_needs_a_reason(
    client, login_as, net, session
):
    login_as("admin", email="admin@example.org")
    response = client.post(
        "/rules/agreements",
        data={"agreement_id": net.c1.id, "structural": "yes", "reason": ""},
    )
    assert response.status_code == 400
    assert "Reason: required when overriding the rule" in response.get_data(as_text=True)
    response = client.post(
        "/rules/agreements", data={"agreement_id": 999999, "structural": "yes", "reason": "x"}
    )
    assert response.status_code == 400
    assert "Agreement number: no agreement with this number" in response.get_data(as_text=True)
    response = client.post(
        "/rules/agreements",
        data={"agreement_id": net.c1.id, "structural": "yes", "reason": "renewed every year"},
    )
    assert response.status_code == 302
    html = page(client, "/rules?centre=C")
    assert (
        "structural: override by the national office: renewed every year"
        in cells(row(html, "data-agreement", str(net.c1.id)))[-1]
    )
    centre_c = cells(row(page(client, "/dashboard?year=2025"), "data-centre", "C"))
    assert centre_c[4:8] == [eur("8.000,00"), "16,0%", "✘ below target", eur("25.333,33")]
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "funding_agreements", AuditEvent.entity_id == str(net.c1.id)
        )
    ).all()[-1]
    assert event.actor == "admin@example.org" and event.after["structural_override"] is True


def test_a_rule_form_names_the_field_it_refuses(client, login_as, net):
    login_as("national")
    response = client.post(
        "/rules",
        data={"funder_type": "astrologer", "structural_by_default": "yes"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert (
        '<span class="error field-error" data-field="funder_type">'
        "Funder type: Not a valid choice.</span>"
    ) in response.get_data(as_text=True)


def test_rule_forms_refuse_a_post_without_csrf_token(app, session, net):
    csrf_app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x",
            "SERVER_NAME": "fundtrack.test",
        }
    )
    session.commit()  # the other app shares this session; its request end must not drop the rows
    client = csrf_app.test_client()
    factories.enrol_mfa(session, net.national)
    factories.signed_in(client, session, net.national)
    data = {"funder_type": "foundation", "structural_by_default": "yes", "note": ""}
    assert client.post("/rules", data=data).status_code == 400
    assert client.post("/rules/agreements", data={"agreement_id": 1}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page(client, "/rules"))
    assert client.post("/rules", data=data | {"csrf_token": token.group(1)}).status_code == 302


def test_home_page_links_the_national_office_to_the_dashboard_and_the_rules(client, login_as):
    login_as("national")
    html = page(client, "/")
    assert 'href="/dashboard"' in html and 'href="/rules"' in html


def test_dashboard_statements_do_not_grow_with_the_number_of_centres(
    client, login_as, net, session, count_queries
):
    login_as("national")
    page(client, "/dashboard?year=2025")  # warm up: first-request work is not the page's
    with count_queries() as before:
        page(client, "/dashboard?year=2025")
    region = factories.region(session, code="EAST", name="East")
    for n in range(6):
        extra = factories.centre(session, code=f"E{n}", region=region)
        factories.cost(session, extra, "1000.00", kind=CostKind.ACTUAL)
        factories.income(session, extra, "500.00", booking_date=date(2025, 2, 1))
        factories.agreement(session, extra, net.municipality)
    with count_queries() as after:
        html = page(client, "/dashboard?year=2025")
    assert html.count("<tr data-centre=") == 10
    assert len(after) == len(before), (len(before), len(after))
    # + 4 for the grant panels: reports due, the pipeline's centres and sums, the forecast.
    assert len(after) <= 18, after


def test_a_norwegian_network_reads_kroner_with_the_sign_first(client, login_as, net, network):
    network.locale, network.currency = "nb_NO", "NOK"
    login_as("national")
    html = page(client, "/dashboard?year=2025")
    assert cells(row(html, "data-centre", "A"))[2:6] == [
        "kr\xa090\xa0000,00", "actual costs", "kr\xa048\xa0000,00", "53,3\xa0%",
    ]  # fmt: skip
    assert "target 66,7\xa0%" in html


def test_a_region_without_centres_shows_an_empty_table(client, login_as, net, session):
    factories.region(session, code="EMPTY", name="Empty")
    login_as("national")
    html = page(client, "/dashboard?region=EMPTY")
    assert "No centres in this region." in html and "0 of 0" in html


def test_the_running_year_is_marked_as_income_so_far(client, login_as, session, network):
    from datetime import date

    from tests import factories as f

    centre = f.centre(session, code="RUN")
    running = network.fiscal_year_of(date.today())
    f.cost(session, centre, year=running, kind="budget", amount="1000.00")
    login_as("treasurer", centre=centre)
    page = client.get(f"/centres/RUN?year={running}").get_data(as_text=True)
    assert "This fiscal year is still running" in page
    assert f"{running} (so far)" in page
    earlier = client.get(f"/centres/RUN?year={running - 1}").get_data(as_text=True)
    assert "This fiscal year is still running" not in earlier


def test_a_closed_centre_without_figures_still_has_its_page(client, session, login_as, net):
    net.d.active = False  # D has no cost lines; in 2024 no income either
    session.flush()
    login_as("treasurer", centre=net.d)
    assert client.get("/my-centre?year=2024").status_code == 200
    login_as("national")
    assert client.get("/centres/D?year=2024").status_code == 200
    assert 'data-centre="D"' not in page(client, "/dashboard?year=2024")  # it drops out there
