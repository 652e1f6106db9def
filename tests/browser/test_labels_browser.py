"""A Dutch reader of the national office sees words, never stored codes, on a grant's page and
in the audit trail, on a laptop and on a phone; the downloads are named in Dutch."""

import re

import requests
from selenium.webdriver.common.by import By

from tests.browser.steps import fits, signed_in_dutch
from tests.browser.test_batch_entry import _shot

# Stored codes a page once showed as they are (grant states, report and cost kinds, cost
# categories, audit actions).
CODES = re.compile(
    r"(?<![\w-])(interim|final|volunteers|partly_awarded|sign-in-no|sign-in|sess-end|mfa-reset"
    r"|income_lines|cost_lines|funding_agreements)(?![\w-])"
)


def _grant_links(browser) -> list[str]:
    links = browser.find_elements(By.CSS_SELECTOR, "main a[href*='/grants/']")
    return [
        href
        for href in (link.get_attribute("href") for link in links)
        if re.search(r"/grants/\d+$", href or "")
    ]


def _looked_at(browser, name: str, content: str = "main") -> str:
    text = browser.find_element(By.TAG_NAME, content).text
    for width, height in ((1366, 900), (390, 844)):
        browser.set_window_size(width, height)
        _shot(browser, f"{name}-{width}")
        assert fits(browser), name
    browser.set_window_size(1366, 900)
    return text


def test_a_dutch_reader_sees_words_on_a_grant_and_in_the_audit_trail(browser, live_server):
    with signed_in_dutch(browser, live_server, "national"):
        browser.get(live_server + "/grants")
        grants = _grant_links(browser)
        assert grants
        for href in grants[:8]:
            browser.get(href)
            text = browser.find_element(By.TAG_NAME, "main").text
            assert not CODES.search(text), (href, CODES.search(text))
        browser.get(grants[0])
        text = _looked_at(browser, "labels-grant")
        assert "Status" in text

        browser.get(live_server + "/admin/audit-events/")
        text = _looked_at(browser, "labels-audit-trail", "body")
        assert not CODES.search(text), CODES.search(text)

        cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
        response = requests.get(
            live_server + "/admin/income-lines/download/csv/", cookies=cookies, timeout=60
        )
        assert response.status_code == 200
        assert "inkomsten" in response.headers["Content-Disposition"]
        header = response.content.decode("utf-8-sig").splitlines()[0]
        assert "Bedrag" in header and "amount" not in header
