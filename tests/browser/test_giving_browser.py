"""A Dutch treasurer registers a monthly gift on the recurring-gifts page: the form reads a
Dutch amount and date, the gift is listed after it, and nothing breaks the CSP or the phone."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.steps import fits, loads, recording_violations, signed_in_dutch, violations


def _rows(browser) -> int:
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    return sum(len(row.find_elements(By.TAG_NAME, "td")) > 1 for row in rows)  # not "none yet"


def test_a_treasurer_registers_a_monthly_gift_in_dutch(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"), recording_violations(browser):
        browser.get(f"{live_server}/giving/recurring")
        before = _rows(browser)
        form = browser.find_element(By.ID, "gift-form")
        Select(form.find_element(By.NAME, "frequency")).select_by_value("monthly")
        form.find_element(By.NAME, "amount").send_keys("25,00")
        form.find_element(By.NAME, "start").send_keys("15-01-2027")
        form.find_element(By.NAME, "reference").send_keys("Maandelijkse gift browser")
        loads(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert browser.find_elements(By.CSS_SELECTOR, "p.error") == []
        assert _rows(browser) == before + 1
        for width in (1366, 390):
            browser.set_window_size(width, 900)
            assert fits(browser), width
        assert violations(browser) == []
