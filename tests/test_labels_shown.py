"""Screens, downloads and the audit trail say stored codes in words, in the reader's language,
and show every moment in the network's time zone."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale, refresh
from flask_login import login_user
from openpyxl import load_workbook

from fundtrack import labels
from fundtrack.audit.models import AuditEvent
from fundtrack.costs.models import CostCategory, CostKind
from fundtrack.grants import parts
from fundtrack.income.models import IncomeCategory
from tests import factories
from tests.grant_helpers import awarded


def words(kind: str, code: str, language: str) -> str:
    with force_locale(language):
        return labels.label(code, kind)


def _text(html: str) -> str:
    """What a reader sees: the page without its scripts, hidden data, tags and attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    html = re.sub(r'<div[^>]*class="d-none"[^>]*>.*?</div>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def own(session, network):
    return factories.centre(session, code="OWN")


@pytest.fixture
def a_grant(session, own):
    row = awarded(session, own)
    national = factories.user(session, role="national")
    for kind, due in (("interim", date(2025, 6, 30)), ("final", date(2026, 3, 31))):
        parts.add_obligation(session, national, row, {"kind": kind, "due_date": due})
    parts.add_budget_line(
        session, national, row, {"category": "volunteers", "amount": Decimal("500")}
    )
    factories.cost(
        session, own, "120.00", grant=row, category=CostCategory.VOLUNTEERS, kind=CostKind.ACTUAL
    )
    return row


@pytest.mark.parametrize("language", ["nl", "nb"])
def test_the_grant_page_shows_no_raw_code(client, session, own, a_grant, login_as, language):
    login_as("treasurer", own, locale=language)
    page = client.get(f"/grants/{a_grant.id}").get_data(as_text=True)
    shown = _text(page)
    for code in ("interim", "final", "volunteers", "actual", "awarded"):
        assert not re.search(rf"(?<![\w-]){code}(?![\w-])", shown), code
    assert words("report_kind", "final", language) in shown
    assert words("report_kind", "interim", language) in shown
    assert words("cost_category", "volunteers", language) in shown
    assert words("cost_kind", "actual", language) in shown
    assert words("grant_state", "awarded", language) in shown


def _audit_page(client, **query) -> str:
    return client.get("/admin/audit-events/", query_string=query).get_data(as_text=True)


@pytest.mark.parametrize("language", ["nl", "nb"])
def test_the_audit_trail_says_what_happened_in_words(client, session, network, login_as, language):
    treasurer = factories.user(session, role="treasurer", centre=factories.centre(session))
    client.post("/login", data={"email": treasurer.email, "password": "not the password"})
    refresh()  # the test's application context outlives a request: forget its language
    login_as("admin", locale=language)
    shown = _text(_audit_page(client))
    assert not re.search(r"(?<![\w-])sign-in-no(?![\w-])", shown)
    assert words("audit_action", "sign-in-no", language) in shown
    assert words("sign_in_refusal", "password", language) in shown


def _event_at(session, moment: datetime) -> AuditEvent:
    event = AuditEvent(
        at=moment,
        actor="anna@example.org",
        action="sign-out",
        entity="users",
        entity_id="-",
        before=None,
        after={"ip": "192.0.2.1"},
    )
    session.add(event)
    session.flush()
    return event


def test_a_moment_is_shown_in_the_networks_time_zone(app, client, session, network, login_as):
    from fundtrack.formatting import network_timezone

    # 11:00 UTC in January is 12:00 in Amsterdam and in Oslo.
    _event_at(session, datetime(2026, 1, 15, 11, 0, tzinfo=UTC))
    login_as("admin", locale="nl")
    row = _text(_audit_page(client, search="anna@example.org"))
    assert "12:00" in row and "11:00" not in row
    with app.test_request_context():
        assert network_timezone() == "Europe/Amsterdam"
    network.locale = "nb_NO"
    session.flush()
    with app.test_request_context():
        assert network_timezone() == "Europe/Oslo"


def test_an_operator_may_name_the_time_zone(app, client, session, network, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "FUNDTRACK_TIMEZONE", "America/New_York")
    _event_at(session, datetime(2026, 1, 15, 11, 0, tzinfo=UTC))
    login_as("auditor", locale="en")
    response = client.get("/admin/audit-events/download/csv/")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    mine = [row for row in rows if row[1] == "anna@example.org"]
    assert mine and "6:00" in mine[0][0] and "11:00" not in mine[0][0]


def _year_filter_arg(app, user, endpoint: str) -> str:
    from fundtrack.admin.lists import _YearEquals

    with app.test_request_context():
        login_user(user)
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
        index = next(i for i, f in enumerate(view._filters) if isinstance(f, _YearEquals))
        return view.get_filter_arg(index, view._filters[index])


@pytest.mark.parametrize("language", ["nl", "nb"])
def test_an_income_download_is_named_and_headed_in_the_readers_language(
    app, client, session, own, login_as, language
):
    factories.income(
        session, own, "250.00", booking_date=date(2026, 2, 1), category=IncomeCategory.COMPANIES
    )
    user = login_as("treasurer", own, locale=language)
    arg = _year_filter_arg(app, user, "admin_income_lines")
    response = client.get("/admin/income-lines/download/xlsx/", query_string={f"flt0_{arg}": 2026})
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    name = words("file_name", "income_lines", language).lower().replace(" ", "-")
    assert f"{name}-2026.xlsx" in disposition and "income" not in disposition
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    with force_locale(language):
        assert str(labels.COLUMN_LABELS["amount"]) in header
    values = [cell.value for cell in sheet[2]]
    assert words("income_category", "companies", language) in values
    assert "companies" not in values and Decimal("250.00") in values


@pytest.mark.parametrize("language", ["nl", "nb"])
def test_the_dashboard_download_names_its_rows_in_the_readers_language(
    client, session, own, login_as, language
):
    factories.income(session, own, "100.00", booking_date=date(2025, 3, 1))
    login_as("national", locale=language)
    response = client.get("/dashboard.csv", query_string={"year": 2025})
    assert response.status_code == 200
    name = words("file_name", "structural-funding", language).lower().replace(" ", "-")
    assert f"{name}-2025" in response.headers["Content-Disposition"]
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    kinds = {row[0] for row in rows[1:]}
    assert kinds == {words("row_kind", k, language) for k in ("centre", "region", "network")}


def test_an_admin_list_shows_a_moment_in_the_networks_time(client, session, network, login_as):
    from fundtrack.centres.models import FiscalYearLock

    session.add(FiscalYearLock(year=2020, locked_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC)))
    session.flush()
    login_as("national", locale="nl")
    shown = _text(client.get("/admin/fiscal-year-locks/").get_data(as_text=True))
    # 23:30 UTC is half past midnight the next day in Amsterdam.
    assert "16-01-2026" in shown and "00:30" in shown and "23:30" not in shown


def test_the_audit_trail_names_a_language_not_its_code(client, session, network, login_as):
    user = factories.user(session, role="auditor")
    user.locale = "nb"
    session.flush()
    login_as("admin", locale="nl")
    shown = _text(_audit_page(client))
    assert "Norsk bokmål" in shown and not re.search(r"→\s*nb\b", shown)


def test_a_report_is_issued_on_the_networks_day(app, session, network, monkeypatch):
    from fundtrack import formatting

    class Late(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 15, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(formatting, "datetime", Late)
    with app.test_request_context():
        assert formatting.network_today() == date(2026, 1, 16)


@pytest.mark.parametrize("language", ["nl", "nb"])
def test_an_admin_row_shows_its_codes_in_words(client, session, own, login_as, language):
    line = factories.income(session, own, "75.00", category=IncomeCategory.COMPANIES)
    login_as("treasurer", own, locale=language)
    for path in ("/admin/income-lines/", f"/admin/income-lines/details/?id={line.id}"):
        shown = _text(client.get(path).get_data(as_text=True))
        assert words("income_category", "companies", language) in shown, path
        assert not re.search(r"\b(COMPANIES|companies|MANUAL|manual)\b", shown), path


def _filter_arg(app, user, endpoint: str, kind) -> str:
    with app.test_request_context():
        login_user(user)
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
        index = next(i for i, f in enumerate(view._filters) if type(f) is kind)
        return view.get_filter_arg(index, view._filters[index])


def test_the_audit_trails_month_is_the_networks_month(app, client, session, network, login_as):
    from fundtrack.admin.lists import MonthFilter, _CalendarYear

    # 23:30 UTC on 31 December 2025 is 00:30 on 1 January 2026 in Amsterdam.
    _event_at(session, datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    user = login_as("admin", locale="nl")
    month = _filter_arg(app, user, "admin_audit_events", MonthFilter)
    year = _filter_arg(app, user, "admin_audit_events", _CalendarYear)

    def listed(arg, value) -> bool:
        query = {"search": "anna@example.org", f"flt0_{arg}": value}
        return "01-01-2026" in _text(_audit_page(client, **query))

    assert listed(month, "2026-01") and not listed(month, "2025-12")
    assert listed(year, "2026") and not listed(year, "2025")
