"""The national office reads the year-end statements in Dutch: from the dashboard to the
network's consolidation, from a centre's page to its own statement, and its mapping page; every
page fits a 1366 px screen and a 390 px phone without sideways scrolling, under the CSP."""

import os

from selenium.webdriver.common.by import By

from tests.browser.steps import fits, loads, recording_violations, signed_in_dutch, violations

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")


def _looked_at(browser, name: str) -> None:
    for width, height, size in ((1366, 900, "1366"), (390, 844, "390")):
        browser.set_window_size(width, height)
        assert fits(browser), f"{name} at {size} px scrolls sideways"
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            browser.save_screenshot(os.path.join(SHOTS, f"yearend-{name}-{size}.png"))
    browser.set_window_size(1400, 1000)
    assert violations(browser) == []


def test_the_office_reads_the_statements_in_dutch_on_a_screen_and_a_phone(browser, live_server):
    with signed_in_dutch(browser, live_server, "national"), recording_violations(browser):
        browser.get(f"{live_server}/dashboard?year=2025")
        loads(browser, browser.find_element(By.ID, "statement-link"))
        assert "2025" in browser.find_element(By.TAG_NAME, "h1").text
        total = browser.find_element(By.CSS_SELECTOR, "[data-line=income_total]").text
        assert "Totaal baten" in total and "€" in total  # Dutch words, Dutch money
        assert browser.find_element(By.CSS_SELECTOR, "[data-line=result]").is_displayed()
        _looked_at(browser, "network")
        loads(browser, browser.find_element(By.CSS_SELECTOR, "#centre-results a"))
        assert browser.find_element(By.ID, "journal-csv").is_displayed()
        _looked_at(browser, "centre")
        browser.get(f"{live_server}/centres/GRN?year=2025")
        loads(browser, browser.find_element(By.ID, "statement-link"))
        assert "GRN" in browser.find_element(By.CSS_SELECTOR, "p.lead").text
        browser.get(f"{live_server}/statement/settings")
        _looked_at(browser, "mapping")
