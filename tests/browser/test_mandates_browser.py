"""A Dutch treasurer registers a donor's signed mandate on the mandates page, records the
donor's new account on the mandate's page and revokes it: Dutch dates, masked accounts, no CSP
violation, and both pages fit at 1366 and 390 px."""

from selenium.webdriver.common.by import By

from tests.browser.steps import fits, loads, recording_violations, signed_in_dutch, violations


def _fits_both(browser) -> None:
    for width in (1366, 390):
        browser.set_window_size(width, 900)
        assert fits(browser), (browser.current_url, width)
    browser.set_window_size(1400, 1000)


def test_a_treasurer_registers_amends_and_revokes_a_mandate_in_dutch(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"), recording_violations(browser):
        browser.get(f"{live_server}/giving/mandates")
        _fits_both(browser)
        form = browser.find_element(By.ID, "mandate-form")
        form.find_element(By.NAME, "signed_on").send_keys("01-12-2026")
        form.find_element(By.NAME, "iban").send_keys("NL91 ABNA 0417 1643 00")
        loads(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert browser.find_elements(By.CSS_SELECTOR, "p.error") == []
        assert browser.find_element(By.ID, "mandate-iban").text == "NL** **** 4300"
        _fits_both(browser)

        amend = browser.find_element(By.ID, "amend-form")
        amend.find_element(By.NAME, "amend-iban").send_keys("NL44RABO0123456789")
        amend.find_element(By.NAME, "amend-amended_on").send_keys("15-01-2027")
        loads(browser, amend.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert browser.find_element(By.ID, "mandate-iban").text == "NL** **** 6789"
        assert "15 jan 2027" in browser.find_element(By.ID, "mandate-facts").text

        revoke = browser.find_element(By.ID, "revoke-form")
        revoke.find_element(By.NAME, "revoke-revoked_on").send_keys("01-03-2027")
        loads(browser, revoke.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "1 mrt 2027" in browser.find_element(By.ID, "mandate-state").text
        assert browser.find_elements(By.ID, "revoke-form") == []
        _fits_both(browser)
        assert violations(browser) == []
