"""What the browser tests do again and again: sign in, choose a language, load a page, look."""

from contextlib import contextmanager

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from fundtrack.auth.models import Role
from fundtrack.demo.build import DEMO_EMAIL, demo_password


def loads(browser, element) -> None:
    """Click `element` and wait until the next page is there.

    The old page is marked in its window object; Chromium may answer a question about an
    element of a page being replaced with an error rather than "stale", so the wait asks
    the window, and lets such errors pass while it waits.
    """
    browser.execute_script("window.fundtrackOldPage = true")
    element.click()
    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script(
            "return !window.fundtrackOldPage && document.readyState === 'complete'"
        )
    )


def until(browser, text: str) -> None:
    WebDriverWait(browser, 10).until(lambda b: text in b.page_source)


def fits(browser) -> bool:
    """Nothing on the page is wider than the window (no sideways scrolling)."""
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


@contextmanager
def signed_in_dutch(browser, live_server, role: str, while_english=None):
    """The demo user of `role` signed in, reading Dutch; English again afterwards, since the
    live server and its demo users are shared with the other browser tests.
    `while_english()` runs once signed in, before the switch."""
    browser.get(live_server + "/login")
    browser.find_element(By.NAME, "email").send_keys(DEMO_EMAIL.format(role=role))
    browser.find_element(By.NAME, "password").send_keys(demo_password(Role(role)))
    loads(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    try:
        if while_english is not None:
            while_english()
        loads(browser, browser.find_element(By.CSS_SELECTOR, "header .languages button[value=nl]"))
        until(browser, "Uitloggen")
        yield
    finally:
        browser.set_window_size(1400, 1000)
        english = browser.find_elements(By.CSS_SELECTOR, "header .languages button[value=en]")
        if english:
            english[0].click()


# Every CSP violation on a page, in the order they happened; the recorder is put in each new
# document before its own scripts run.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.cspViolations.push(location.pathname + ': ' + e.violatedDirective + ' '
                            + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""


@contextmanager
def recording_violations(browser):
    """Record CSP violations on every page loaded inside the block (`violations` reads them)."""
    script = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
    )
    try:
        yield
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )


def violations(browser) -> list[str]:
    """The CSP violations of the page shown now."""
    return browser.execute_script("return window.cspViolations || ['no recorder on the page']")
