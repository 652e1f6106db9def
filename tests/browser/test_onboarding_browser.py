"""The national office onboards a new centre from the workbook in Dutch, then undoes it."""

import tempfile
from pathlib import Path

import requests
from selenium.webdriver.common.by import By

from fundtrack.auth.models import Role
from fundtrack.demo.build import DEMO_EMAIL, demo_password
from tests.browser.test_batch_entry import _shot
from tests.browser.test_imports_browser import _loads, _until
from tests.test_imports_onboarding import ROWS, filled

# Amounts typed as text are read in the reader's convention: a Dutch office types commas.
DUTCH = {"9,999.50": "9.999,50", "1,234.56": "1.234,56"}


def test_the_office_onboards_a_centre_in_dutch_and_undoes_it(browser, live_server):
    try:
        _onboard(browser, live_server)
    finally:
        browser.set_window_size(1400, 1000)
        english = browser.find_elements(By.CSS_SELECTOR, "header .languages button[value=en]")
        if english:
            english[0].click()


def _onboard(browser, live_server):
    browser.get(live_server + "/login")
    browser.find_element(By.NAME, "email").send_keys(DEMO_EMAIL.format(role="national"))
    browser.find_element(By.NAME, "password").send_keys(demo_password(Role.NATIONAL))
    _loads(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    # The template as the office downloads it (with the browser's session).
    session = requests.Session()
    for cookie in browser.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    template = session.get(live_server + "/imports/onboarding/template.xlsx", timeout=10)
    rows = {
        sheet: [[DUTCH.get(cell, cell) if isinstance(cell, str) else cell for cell in line]
                for line in lines]
        for sheet, lines in ROWS.items()
    }  # fmt: skip
    workbook = Path(tempfile.mkdtemp()) / "nieuwe-centra.xlsx"
    workbook.write_bytes(filled(template.content, rows))

    _loads(browser, browser.find_element(By.CSS_SELECTOR, "header .languages button[value=nl]"))
    _until(browser, "Uitloggen")
    browser.get(live_server + "/imports/onboarding")
    browser.set_window_size(1366, 900)
    browser.find_element(By.NAME, "file").send_keys(str(workbook))
    _loads(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    state = browser.find_element(By.ID, "onboarding-state")
    assert (state.get_attribute("data-create"), state.get_attribute("data-errors")) == ("11", "0")
    assert "wordt aangemaakt" in browser.find_element(By.TAG_NAME, "main").text
    _shot(browser, "onboarding-preview-1366")

    _loads(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/commit'] button"))
    assert "11 rijen aangemaakt" in browser.find_element(By.TAG_NAME, "main").text
    listed = browser.find_element(By.CSS_SELECTOR, "#onboardings tbody tr")
    assert "nieuwe-centra.xlsx" in listed.text and "geïmporteerd" in listed.text
    _shot(browser, "onboarding-list-1366")
    browser.set_window_size(390, 844)
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    _shot(browser, "onboarding-list-390")
    browser.set_window_size(1366, 900)

    browser.get(live_server + "/dashboard?year=2025")
    assert "N101" in browser.find_element(By.TAG_NAME, "main").text
    browser.back()
    listed = browser.find_element(By.CSS_SELECTOR, "#onboardings tbody tr")
    _loads(browser, listed.find_element(By.TAG_NAME, "a"))
    _shot(browser, "onboarding-undo-1366")
    _loads(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    listed = browser.find_element(By.CSS_SELECTOR, "#onboardings tbody tr")
    assert "ongedaan gemaakt" in listed.text
    # The centre it made is gone: the office's dashboard no longer lists N101.
    browser.get(live_server + "/dashboard?year=2025")
    assert "N101" not in browser.find_element(By.TAG_NAME, "main").text
