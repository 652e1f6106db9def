"""The national office onboards a new centre from the workbook in Dutch, then undoes it."""

import tempfile
from pathlib import Path

import requests
from selenium.webdriver.common.by import By

from tests.browser.steps import fits, loads, signed_in_dutch
from tests.browser.test_batch_entry import _shot
from tests.test_imports_onboarding import ROWS, filled

# Amounts typed as text are read in the reader's convention: a Dutch office types commas.
DUTCH = {"9,999.50": "9.999,50", "1,234.56": "1.234,56"}


def test_the_office_onboards_a_centre_in_dutch_and_undoes_it(browser, live_server):
    workbook = Path(tempfile.mkdtemp()) / "nieuwe-centra.xlsx"

    def fill_in_the_template():
        # Downloaded as the office does, with the browser's session (in English: the sheets
        # carry the names of the language the template was made in).
        session = requests.Session()
        for cookie in browser.get_cookies():
            session.cookies.set(cookie["name"], cookie["value"])
        template = session.get(live_server + "/imports/onboarding/template.xlsx", timeout=10)
        rows = {
            sheet: [[DUTCH.get(cell, cell) if isinstance(cell, str) else cell for cell in line]
                    for line in lines]
            for sheet, lines in ROWS.items()
        }  # fmt: skip
        workbook.write_bytes(filled(template.content, rows))

    with signed_in_dutch(browser, live_server, "national", fill_in_the_template):
        _onboard(browser, live_server, workbook)


def _onboard(browser, live_server, workbook: Path):
    browser.get(live_server + "/imports/onboarding")
    browser.set_window_size(1366, 900)
    browser.find_element(By.NAME, "file").send_keys(str(workbook))
    loads(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    state = browser.find_element(By.ID, "onboarding-state")
    assert (state.get_attribute("data-create"), state.get_attribute("data-errors")) == ("11", "0")
    assert "wordt aangemaakt" in browser.find_element(By.TAG_NAME, "main").text
    _shot(browser, "onboarding-preview-1366")

    loads(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/commit'] button"))
    assert "11 rijen aangemaakt" in browser.find_element(By.TAG_NAME, "main").text
    listed = browser.find_element(By.CSS_SELECTOR, "#onboardings tbody tr")
    assert "nieuwe-centra.xlsx" in listed.text and "geïmporteerd" in listed.text
    _shot(browser, "onboarding-list-1366")
    browser.set_window_size(390, 844)
    assert fits(browser)
    _shot(browser, "onboarding-list-390")
    browser.set_window_size(1366, 900)

    browser.get(live_server + "/dashboard?year=2025")
    assert "N101" in browser.find_element(By.TAG_NAME, "main").text
    browser.back()
    listed = browser.find_element(By.CSS_SELECTOR, "#onboardings tbody tr")
    loads(browser, listed.find_element(By.TAG_NAME, "a"))
    _shot(browser, "onboarding-undo-1366")
    removes = browser.find_elements(By.CSS_SELECTOR, "#onboarding-removes li[data-lines]")
    assert [r.get_attribute("data-sheet") for r in removes] == ["income", "costs"]
    browser.set_window_size(390, 844)
    assert fits(browser)
    _shot(browser, "onboarding-undo-390")
    browser.set_window_size(1366, 900)
    loads(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    listed = browser.find_element(By.CSS_SELECTOR, "#onboardings tbody tr")
    assert "ongedaan gemaakt" in listed.text
    # The centre it made is gone: the office's dashboard no longer lists N101.
    browser.get(live_server + "/dashboard?year=2025")
    assert "N101" not in browser.find_element(By.TAG_NAME, "main").text
