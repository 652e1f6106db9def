"""Every admin create and edit page works under the Content-Security-Policy, in Dutch and in
Norwegian: each inline list's add control adds a row, a new row can be removed again, the
form is saved, and no page reports a CSP violation.

The walk reads the admin's own menu, so a screen added later is walked too. It leaves the
shared demo as found: the forms are saved empty or with blank inline rows, which the server
refuses, and the test checks that nothing was added.
"""

import os
import re
from contextlib import contextmanager

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.steps import loads, recording_violations, violations
from tests.browser.test_in_chromium import _sign_in

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")
ROWS = "#{list} > .inline-field-list > .inline-field"


@contextmanager
def speaking(browser, language: str):
    """The signed-in user reads `language`; English again afterwards (the demo is shared)."""
    loads(browser, browser.find_element(By.CSS_SELECTOR, f".languages button[value={language}]"))
    try:
        yield
    finally:
        english = browser.find_elements(By.CSS_SELECTOR, ".languages button[value=en]")
        if english:
            loads(browser, english[0])


def _screens(browser, live_server) -> list[str]:
    """The admin screens in its menu, as `/admin/<screen>`."""
    browser.get(live_server + "/admin/")
    links = browser.find_elements(By.CSS_SELECTOR, "a[href*='/admin/']")
    found = {re.match(r"(/admin/[\w-]+)/", link.get_attribute("pathname") + "/") for link in links}
    return sorted({m.group(1) for m in found if m and m.group(1) != "/admin/"})


def _count(browser, inline: str) -> int:
    return len(browser.find_elements(By.CSS_SELECTOR, ROWS.format(list=inline)))


def _use_each_add_control(browser) -> dict[str, int]:
    """Click each inline list's add control once; the first new row is removed and added
    again (confirming the question). Returns the rows each list had before."""
    before = {}
    buttons = browser.find_elements(By.CSS_SELECTOR, "button[data-inline-add]")
    for number, button in enumerate(buttons):
        inline = button.get_attribute("data-inline-add")
        before[inline] = _count(browser, inline)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        assert _count(browser, inline) == before[inline] + 1, f"{inline}: no row added"
        if number == 0:
            new_row = browser.find_elements(By.CSS_SELECTOR, ROWS.format(list=inline))[-1]
            new_row.find_element(By.CSS_SELECTOR, "button.inline-remove-field").click()
            WebDriverWait(browser, 5).until(lambda b: b.switch_to.alert).accept()
            assert _count(browser, inline) == before[inline], f"{inline}: row not removed"
            button.click()
    return before


def _save(browser) -> None:
    """Submit the form as it stands; the browser's own checks would stop an empty one
    before the server could refuse it."""
    form = browser.find_element(By.CSS_SELECTOR, "form.admin-form")
    browser.execute_script("arguments[0].noValidate = true", form)
    loads(browser, form.find_element(By.CSS_SELECTOR, "input[type=submit]"))


def _shot(browser, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def _walk(browser, live_server, language: str) -> tuple[int, int]:
    """(form pages walked, inline lists added to)."""
    pages = lists = 0
    for screen in _screens(browser, live_server):
        browser.get(f"{live_server}{screen}/")
        edit = browser.find_elements(By.CSS_SELECTOR, "a[href*='/edit/?id=']")
        edit_url = edit[0].get_attribute("href") if edit else None
        urls = [f"{live_server}{screen}/new/"] + ([edit_url] if edit_url else [])
        for url in urls:
            browser.get(url)
            if not browser.find_elements(By.CSS_SELECTOR, "form.admin-form"):
                continue  # a screen that makes no rows by hand (the audit log)
            pages += 1
            before = _use_each_add_control(browser)
            lists += len(before)
            name = f"admin-{language}-{screen.split('/')[-1]}-{'new' if url == urls[0] else 'edit'}"
            if before:
                _shot(browser, f"{name}-rows-added")
            if url.endswith("/new/") or before:
                _save(browser)
                # Refused: the form is there again, saying why, and nothing was added.
                assert browser.find_elements(By.CSS_SELECTOR, "form.admin-form"), url
                refusal = ".alert-danger, .invalid-feedback, .input-errors"
                assert browser.find_elements(By.CSS_SELECTOR, refusal), url
                if before:
                    browser.execute_script("window.scrollTo(0, 0)")
                    _shot(browser, f"{name}-refused")
            if before and edit_url == url:
                browser.get(url)
                assert {inline: _count(browser, inline) for inline in before} == before, url
            assert violations(browser) == [], url
    return pages, lists


@pytest.mark.parametrize("language", ["nl", "nb"])
def test_every_admin_form_adds_rows_and_saves_with_no_csp_violation(browser, live_server, language):
    with recording_violations(browser):
        _sign_in(browser, live_server, "national")
        with speaking(browser, language):
            # Each page is loaded before it is read: no waiting for elements that are absent.
            browser.implicitly_wait(0)
            try:
                pages, lists = _walk(browser, live_server, language)
            except WebDriverException:
                _shot(browser, f"admin-walk-failed-{language}")
                raise
            finally:
                browser.implicitly_wait(2)
    # Income, costs, agreements, donors, funds, funders, centres...; the grant's four lists
    # on its create and its edit page.
    assert pages >= 15 and lists >= 8
