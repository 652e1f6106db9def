"""A Dutch treasurer imports her bank statement: upload, preview, one payer left out, book,
see the total on her centre page, undo. Screens in Dutch, on a laptop and on a phone."""

import os
from decimal import Decimal
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.steps import fits, loads, signed_in_dutch
from tests.browser.test_batch_entry import _shot, _total_income

STATEMENT = Path(__file__).parent.parent / "fixtures" / "imports" / "camt053_v02.xml"


def _state(browser, wanted: str) -> str:
    """The import's state once the page shows `wanted` (or what it shows after 10 s)."""

    def shown(b):
        found = b.find_elements(By.ID, "import-state")
        return found[0].get_attribute("data-state") == wanted if found else False

    WebDriverWait(browser, 10).until(shown)
    return browser.find_element(By.ID, "import-state").get_attribute("data-state")


def test_a_dutch_treasurer_imports_previews_corrects_books_and_undoes(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"):
        _import_the_statement(browser, live_server)


def _import_the_statement(browser, live_server):
    # The statement is of March 2025: that year's figures on her centre page.
    browser.get(live_server + "/my-centre?year=2025")
    before = _total_income(browser)

    loads(browser, browser.find_element(By.LINK_TEXT, "Inlezen"))
    browser.set_window_size(1366, 900)
    browser.find_element(By.NAME, "file").send_keys(str(STATEMENT))
    loads(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    assert _state(browser, "previewed") == "previewed"
    page = browser.find_element(By.TAG_NAME, "main").text
    # Amounts and dates as a Dutch reader writes them, the rows' fate in Dutch.
    assert "12.750,00" in page and "3 mrt 2025" in page
    assert "geen inkomsten" in page and "money going out" not in page
    assert fits(browser)
    _shot(browser, "import-preview-1366")
    browser.set_window_size(390, 844)
    assert fits(browser)
    _shot(browser, "import-preview-390")
    browser.set_window_size(1366, 900)

    # J. de Vries's gift is left out of this import (the treasurer books it by hand).
    payers = browser.find_elements(By.CSS_SELECTOR, "#payers tbody tr")
    jan = next(row for row in payers if "J. de Vries" in row.text)
    Select(jan.find_element(By.TAG_NAME, "select")).select_by_value("skip")
    loads(browser, browser.find_element(By.ID, "apply-corrections"))
    assert _state(browser, "previewed") == "previewed"
    book = browser.find_element(By.CSS_SELECTOR, "form[action$='/commit'] button")
    assert book.text == "1 regel boeken"
    loads(browser, book)
    assert _state(browser, "booked") == "booked"
    assert "Geboekt: 1 regel." in browser.find_element(By.ID, "import-state").text
    _shot(browser, "import-booked")

    browser.get(live_server + "/my-centre?year=2025")
    assert _total_income(browser) == before + Decimal("12500.00")
    browser.back()
    loads(browser, browser.find_element(By.ID, "import-undo-link"))
    question = browser.find_element(By.ID, "import-undo")
    assert question.get_attribute("data-lines") == "1" and "12.500,00" in question.text
    browser.set_window_size(1366, 900)
    _shot(browser, "import-undo-question-1366")
    browser.set_window_size(390, 844)
    assert fits(browser)
    _shot(browser, "import-undo-question-390")
    browser.set_window_size(1400, 1000)
    loads(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/undo'] button"))
    assert _state(browser, "undone") == "undone"
    browser.get(live_server + "/my-centre?year=2025")
    assert _total_income(browser) == before
    if os.environ.get("FUNDTRACK_SCREENSHOTS"):
        print("\nscreenshots in", os.environ["FUNDTRACK_SCREENSHOTS"])
