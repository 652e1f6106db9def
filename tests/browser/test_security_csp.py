"""The admin works under the Content-Security-Policy: a line saved and deleted, no violation."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_in_chromium import _click_and_wait, _sign_in

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _violations(browser) -> list:
    return browser.execute_script("return window.cspViolations || ['no recorder']")


def test_a_treasurer_saves_and_deletes_a_line_with_no_csp_violation(browser, live_server):
    script = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
    )
    try:
        _sign_in(browser, live_server, "treasurer")
        browser.get(live_server + "/admin/income-lines/new/")
        assert _violations(browser) == []
        date_field = browser.find_element(By.NAME, "booking_date")
        date_field.clear()
        date_field.send_keys("2025-06-13")
        browser.find_element(By.NAME, "amount").send_keys("67.89")
        browser.find_element(By.NAME, "reference").send_keys("csp-check-2025")
        browser.execute_script(
            "const s = document.querySelector('select[name=category]');"
            "s.value = 'individuals'; s.dispatchEvent(new Event('change'));"
        )
        _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
        assert "csp-check-2025" in browser.page_source
        assert not browser.find_elements(By.CSS_SELECTOR, ".invalid-feedback")
        assert _violations(browser) == []

        browser.get(live_server + "/admin/income-lines/?search=csp-check-2025")
        assert _violations(browser) == []
        delete = browser.find_element(By.CSS_SELECTOR, "button[data-confirm]")
        browser.execute_script("window.fundtrackOldPage = true")
        delete.click()
        WebDriverWait(browser, 5).until(lambda b: b.switch_to.alert).accept()
        WebDriverWait(browser, 10).until(
            lambda b: b.execute_script(
                "return !window.fundtrackOldPage && document.readyState === 'complete'"
            )
        )
        assert "Deleted: " in browser.page_source
        rows = browser.find_elements(By.CSS_SELECTOR, "table.model-list tbody tr")
        assert not any("csp-check-2025" in row.text for row in rows)
        assert _violations(browser) == []
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
