"""A Dutch treasurer issues last year's giving statements for every donor of her centre in
one go, opens a donor's page and corrects a statement: no CSP violation, and the pages fit
at 1366 and 390 px."""

import os

from selenium.webdriver.common.by import By

from tests.browser.steps import fits, loads, recording_violations, signed_in_dutch, violations


def _look(browser, name: str) -> None:
    """A screenshot for a person to look at, when FUNDTRACK_SCREENSHOTS names a folder."""
    folder = os.environ.get("FUNDTRACK_SCREENSHOTS")
    if folder:
        browser.save_screenshot(os.path.join(folder, f"{name}.png"))


def test_a_treasurer_issues_the_years_statements_and_corrects_one_in_dutch(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"), recording_violations(browser):
        browser.get(f"{live_server}/giving/statements")
        form = browser.find_element(By.ID, "statement-batch")
        loads(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        rows = browser.find_elements(By.CSS_SELECTOR, "#statements tbody tr[data-statement]")
        assert rows, browser.find_element(By.TAG_NAME, "main").text
        for width in (1366, 390):
            browser.set_window_size(width, 900)
            assert fits(browser), width
            _look(browser, f"statements-{width}")
        browser.set_window_size(1366, 900)
        rows[0].find_element(By.CSS_SELECTOR, "td a").click()
        row = browser.find_element(By.CSS_SELECTOR, "#statements tbody tr[data-statement]")
        row.find_element(By.NAME, "reason").send_keys("adres gewijzigd")
        loads(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        states = browser.find_elements(By.CSS_SELECTOR, "#statements tbody tr[data-statement]")
        assert len(states) == 2 and "adres gewijzigd" in states[1].text
        for width in (1366, 390):
            browser.set_window_size(width, 900)
            assert fits(browser), width
            _look(browser, f"donor-statements-{width}")
        assert violations(browser) == []
