"""Deep pages of a big list: OFFSET reads and drops every row before the page, so a page
starts at most PAGE_DEPTH_CAP rows in; deeper addresses ask for a narrower filter."""

import re
from datetime import date

import pytest

from fundtrack.admin import lists
from tests import factories


@pytest.fixture
def ledger(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    for day in range(1, 8):
        factories.income(
            session, own, "10.00", booking_date=date(2025, 3, day), reference=f"r{day}"
        )
    return own


def _references(page: str) -> set[str]:
    return set(re.findall(r"\br\d\b", page))


def test_a_page_past_the_depth_cap_asks_for_a_narrower_filter(
    client, login_as, ledger, monkeypatch
):
    monkeypatch.setattr(lists, "PAGE_DEPTH_CAP", 4)
    login_as("national")
    first = client.get("/admin/income-lines/?page_size=20").get_data(as_text=True)
    assert _references(first) == {f"r{day}" for day in range(1, 8)}
    assert 'id="list-too-deep"' not in first
    deep = client.get("/admin/income-lines/?page=2&page_size=20").get_data(as_text=True)
    assert 'id="list-too-deep"' in deep
    assert _references(deep) == set()
    # The count and totals still speak of every filtered line.
    assert 'id="list-count">7 lines' in deep


def test_the_pager_offers_only_pages_within_the_cap(client, login_as, ledger, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_DEPTH_CAP", 4)
    login_as("national")
    # 7 lines at 20 a page is one page anyway; at a page size of 2 the cap leaves pages 1-2.
    view = lists.ListFeatures()
    view.page_size = 2
    assert view.pages_offered(4, 2) == 2
    assert view.pages_offered(1, 2) == 1
    page = client.get("/admin/income-lines/?page=1&page_size=20").get_data(as_text=True)
    assert 'id="list-too-deep"' in page
