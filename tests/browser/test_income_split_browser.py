"""A Dutch treasurer splits a gift over two earmarked funds on the income form: the inline
list's button adds a row per fund, Dutch amounts are read, the line is booked, nothing breaks
the CSP, and the form fits at 1366 and 390 px."""

import os

import pytest
from selenium.webdriver.common.by import By

from tests.browser.steps import fits, loads, recording_violations, signed_in_dutch, violations

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")
ROWS = "#fund_parts > .inline-field-list > .inline-field"


def _shot(browser, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def _choose(browser, select, value: str) -> None:
    """Pick an option of a select the admin dresses with select2 (the select itself hidden)."""
    browser.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
        select, value,
    )  # fmt: skip


def test_a_treasurer_splits_a_gift_over_two_funds_in_dutch(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"), recording_violations(browser):
        browser.get(f"{live_server}/admin/income-lines/new/")
        form = browser.find_element(By.CSS_SELECTOR, "form.admin-form")
        form.find_element(By.NAME, "amount").send_keys("100,00")
        _choose(browser, form.find_element(By.NAME, "category"), "other")
        form.find_element(By.NAME, "description").send_keys("Collecte verdeeld (browser)")
        add = form.find_element(By.CSS_SELECTOR, "button[data-inline-add=fund_parts]")
        for _row in range(2):
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", add)
            add.click()
        rows = form.find_elements(By.CSS_SELECTOR, ROWS)
        assert len(rows) == 2
        funds = [
            o.get_attribute("value")
            for o in rows[0].find_elements(By.CSS_SELECTOR, "select option")
            if o.get_attribute("value") not in ("", "__None")
        ]
        if len(funds) < 2:
            pytest.skip("the demo treasurer's centre has fewer than two earmarked funds")
        for row, fund, amount in zip(rows, funds, ("60,00", "40,00"), strict=False):
            _choose(browser, row.find_element(By.CSS_SELECTOR, "select"), fund)
            row.find_element(By.CSS_SELECTOR, "input[name$='-amount']").send_keys(amount)
        for width in (1366, 390):
            browser.set_window_size(width, 900)
            browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", rows[0])
            _shot(browser, f"income-split-form-{width}")
            assert fits(browser), width
        browser.set_window_size(1366, 900)
        loads(browser, form.find_element(By.CSS_SELECTOR, "input[type=submit]"))
        assert "Geboekt:" in browser.page_source, browser.page_source[:3000]
        assert violations(browser) == []
