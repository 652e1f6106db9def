"""Every filter of every admin list, with every value its own dropdown offers, and every bulk
action answer without a 5xx, for each role, on SQLite and PostgreSQL alike."""

from datetime import date

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from fundtrack.income.models import Donor, IncomeLine, IncomeSource
from tests import factories
from tests.grant_helpers import grant

# Sample values for filters without a dropdown, by the widget Flask-Admin draws.
TYPED = {
    "datepicker": "2025-03-01",
    "daterangepicker": "2025-01-01 to 2025-12-31",
    "datetimepicker": "2025-03-01 10:00:00",
    "datetimerangepicker": "2025-01-01 00:00:00 to 2025-12-31 23:59:59",
    "timepicker": "10:00:00",
    "timerangepicker": "10:00:00 to 11:00:00",
    "select2-tags": "1",
}


@pytest.fixture
def books(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    other = factories.centre(session, code="OTH", name="Inloophuis Ander")
    funder = factories.funder(session, name="Gemeente Haarlem")
    agreement = factories.agreement(session, own, funder)
    donor = factories.donor(session, own, name="Jansen")
    fund = factories.fund(session, own, name="Busje")
    application = grant(session, own, funder=funder)
    factories.income(session, own, funder=funder, agreement=agreement, reference="subsidy")
    factories.income(session, own, donor=donor, earmarked_fund=fund, source=IncomeSource.API)
    factories.income(session, own, grant_id=application.id, source=IncomeSource.IMPORT)
    factories.income(session, other, reference="their-gift")
    factories.cost(session, own, earmarked_fund_id=fund.id, grant_id=application.id)
    factories.cost(session, other)
    return own, other


def _admin(app):
    return app.extensions["admin"][0]


def _list_views(app):
    return [view for view in _admin(app)._views if hasattr(view, "_filters")]


def _filter_urls(app, user):
    """Every (url) a user can reach by picking a filter and one of its dropdown's values."""
    urls = []
    with app.test_request_context():
        login_user(user)
        for view in _list_views(app):
            if not view.is_accessible():
                continue
            base = f"/admin/{view.url.strip('/').removeprefix('admin/')}/"
            for _group, filters in (view._get_filter_groups() or {}).items():
                for flt in filters:
                    values = [value for value, _label in flt["options"] or []]
                    if not values:
                        values = [TYPED.get(flt["type"], "1")]
                    urls += [(base, f"flt0_{flt['arg']}", value) for value in values]
    return urls


@pytest.mark.parametrize("role", ["admin", "national", "auditor", "treasurer"])
def test_every_filter_with_every_offered_value_answers(app, client, login_as, books, role):
    user = login_as(role, centre=books[0] if role == "treasurer" else None)
    urls = _filter_urls(app, user)
    assert len(urls) > 50
    failures = []
    for base, arg, value in urls:
        response = client.get(base, query_string={arg: value})
        if response.status_code >= 500 or response.status_code == 400:
            failures.append((base, arg, value, response.status_code))
    assert failures == []


def test_filtering_by_the_dropdowns_own_value_narrows_the_list(app, client, login_as, books):
    user = login_as("national")
    with app.test_request_context():
        login_user(user)
        view = next(v for v in _list_views(app) if v.endpoint == "admin_income_lines")
        groups = view._get_filter_groups()
    source = next(f for f in groups["Source"])
    api = client.get("/admin/income-lines/", query_string={f"flt0_{source['arg']}": "api"})
    text = api.get_data(as_text=True)
    assert api.status_code == 200
    assert "subsidy" not in text and "their-gift" not in text
    assert 'id="list-count">1 line' in text


def _bulk_delete(client, screen: str, ids) -> int:
    response = client.post(
        f"/admin/{screen}/action/",
        data={"action": "delete", "rowid": [str(i) for i in ids], "url": f"/admin/{screen}/"},
    )
    return response.status_code


@pytest.mark.parametrize("role", ["admin", "national", "treasurer", "auditor"])
def test_bulk_delete_answers_on_every_list_for_every_role(
    app, client, session, login_as, books, role
):
    login_as(role, centre=books[0] if role == "treasurer" else None)
    failures = []
    for view in _list_views(app):
        screen = view.url.strip("/").removeprefix("admin/")
        ids = list(session.scalars(select(view.model.id).limit(3))) or [1]
        status = _bulk_delete(client, screen, ids)
        if status >= 500:
            failures.append((screen, status))
    assert failures == []


def test_bulk_delete_removes_the_lines_through_the_operations(client, session, login_as, books):
    own, _other = books
    login_as("treasurer", centre=own)
    lines = [factories.income(session, own, reference=f"bulk-{n}") for n in range(3)]
    assert _bulk_delete(client, "income-lines", [line.id for line in lines]) == 302
    left = session.scalar(
        select(func.count()).select_from(IncomeLine).where(IncomeLine.reference.like("bulk-%"))
    )
    assert left == 0


def test_bulk_delete_leaves_other_centres_lines_alone(client, session, login_as, books):
    own, other = books
    login_as("treasurer", centre=own)
    theirs = factories.first(session, IncomeLine, reference="their-gift")
    _bulk_delete(client, "income-lines", [theirs.id])
    session.expire_all()
    assert session.get(IncomeLine, theirs.id) is not None


def test_bulk_delete_of_a_closed_years_line_is_refused_and_said(client, session, login_as, books):
    from fundtrack.centres.models import FiscalYearLock

    own, _other = books
    line = factories.income(session, own, booking_date=date(2023, 5, 1), reference="old")
    session.add(FiscalYearLock(year=2023))
    session.flush()
    login_as("treasurer", centre=own)
    client.post(
        "/admin/income-lines/action/",
        data={"action": "delete", "rowid": [str(line.id)], "url": "/admin/income-lines/"},
    )
    page = client.get("/admin/income-lines/").get_data(as_text=True)
    assert "closed" in page
    session.expire_all()
    assert session.get(IncomeLine, line.id) is not None


def test_a_bad_id_in_a_bulk_action_is_not_a_server_error(client, login_as, books):
    login_as("national")
    assert _bulk_delete(client, "income-lines", ["x"]) < 500
    assert _bulk_delete(client, "donors", ["1 OR 1=1"]) < 500


def test_a_donors_filter_offers_only_the_treasurers_own_donors(app, login_as, session, books):
    own, other = books
    factories.donor(session, other, name="Somebody Else")
    user = login_as("treasurer", centre=own)
    with app.test_request_context():
        login_user(user)
        view = next(v for v in _list_views(app) if v.endpoint == "admin_income_lines")
        donors = view._get_filter_groups()["Donor"][0]["options"]
    names = {label for _value, label in donors}
    assert names == {d.name for d in session.scalars(select(Donor).where(Donor.centre == own))}
