"""A Dutch treasurer enters a month of income through batch entry, with the keyboard only.

The month of issue 10: five donations (one from a new donor), a municipal subsidy
instalment, a foundation payment; one typo fixed after the server refused it, one line
deleted. The test counts the page loads, clicks and keystrokes it took and reads the total
back on the centre page.
"""

import os
from datetime import date
from decimal import Decimal

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from fundtrack.auth.models import Role
from fundtrack.demo.build import DEMO_EMAIL, demo_password

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")


class Counter:
    """What the treasurer did: page loads, mouse clicks (none) and keystrokes."""

    def __init__(self, browser):
        self.browser = browser
        self.loads = self.clicks = self.keys = 0

    def type(self, *keys) -> None:
        element = self.browser.switch_to.active_element
        for key in keys:
            self.keys += 1 if key.startswith("\ue000") or len(key) == 1 else len(key)
            element.send_keys(key)
            element = self.browser.switch_to.active_element

    def chord(self, *keys) -> None:
        self.keys += 1
        self.browser.switch_to.active_element.send_keys(*keys)

    def new_page(self, action) -> None:
        """Do something that loads a page; wait until the new one is there."""
        self.browser.execute_script("window.fundtrackOldPage = true")
        action()
        WebDriverWait(self.browser, 10, ignored_exceptions=(WebDriverException,)).until(
            lambda b: b.execute_script(
                "return !window.fundtrackOldPage && document.readyState === 'complete'"
            )
        )
        self.loads += 1


def _shot(browser, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def _euros(text: str) -> Decimal:
    """'€ 12.345,67' as a Decimal."""
    digits = text.replace("€", "").replace("\xa0", "").replace(" ", "").strip()
    return Decimal(digits.replace(".", "").replace(",", "."))


def _total_income(browser) -> Decimal:
    return _euros(browser.find_element(By.CSS_SELECTOR, "#mix tfoot td.num").text)


def _wait_for_answer(browser) -> None:
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return !document.querySelector('#batch[aria-busy]')")
    )


def test_a_dutch_treasurer_enters_a_month_with_the_keyboard(browser, live_server):
    try:
        _enter_the_month(browser, live_server)
    finally:
        # The live server is shared: the demo treasurer speaks English again for other tests.
        english = browser.find_elements(By.CSS_SELECTOR, "header .languages button[value=en]")
        if english:
            english[0].click()


def _enter_the_month(browser, live_server):
    act = Counter(browser)
    act.new_page(lambda: browser.get(live_server + "/login"))
    act.type(DEMO_EMAIL.format(role="treasurer"), Keys.TAB, demo_password(Role.TREASURER))
    act.new_page(lambda: act.type(Keys.ENTER))
    assert browser.current_url.endswith("/my-centre")  # her centre, the running year
    # Dutch, chosen in the header of the page she is on (focus the button, press Enter).
    dutch = browser.find_element(By.CSS_SELECTOR, "header .languages button[value=nl]")
    act.new_page(lambda: dutch.send_keys(Keys.ENTER))
    act.keys += 1
    assert "Uitloggen" in browser.page_source and browser.current_url.endswith("/my-centre")
    before = _total_income(browser)

    enter_income = browser.find_element(By.LINK_TEXT, "Inkomsten invoeren")
    act.new_page(lambda: enter_income.send_keys(Keys.ENTER))
    act.keys += 1
    names = {
        option.get_attribute("value"): option.get_attribute("data-kind")
        for option in browser.find_elements(By.CSS_SELECTOR, "#counterparties option")
    }
    donors = sorted(name for name, kind in names.items() if kind == "donor")[:4]
    subsidy = next(n for n in names if n.startswith("Gemeente Haarlem: Subsidie Wmo juli 2025"))
    assert "Fonds Samenkracht" in names and len(donors) == 4

    day = f"{date.today():%d-%m-%Y}"
    lines = [  # (from, new donor?, amount as typed)
        (donors[0], False, "25,00"),
        (donors[1], False, "50,00"),
        (donors[2], False, "10.00"),  # the typo: a Dutch amount takes a comma
        ("Marieke van Dijk-Testdonateur", True, "100,00"),
        (donors[3], False, "15,00"),
        (subsidy, False, "1.250,00"),
        ("Fonds Samenkracht", False, "2.500,00"),
        (donors[0], False, "25,00"),  # typed twice by mistake: removed below
    ]
    total = "3.950,00"
    # Count and total from the bank statement first; Enter goes on to the first row.
    act.type("7", Keys.TAB, total, Keys.ENTER)
    for number, (name, new_donor, amount) in enumerate(lines, start=1):
        if number == 1:
            act.type(day)
        act.type(Keys.TAB, name, Keys.TAB)
        if browser.switch_to.active_element.get_attribute("name").endswith("-counterparty"):
            act.type(Keys.TAB)  # the first Tab closed Chromium's list of matching names
        if new_donor:
            assert browser.switch_to.active_element.get_attribute("type") == "checkbox"
            act.type(Keys.TAB)  # "new donor" is ticked already
        act.type(Keys.TAB, amount, Keys.TAB, f"juni {number}")
        if number < len(lines):
            act.type(Keys.ENTER)  # a new row, the date carried down
    # The last row was a double: Tab past its earmarked funds to its remove button, Enter.
    act.type(Keys.TAB, Keys.TAB, Keys.ENTER)
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.batch-row")) == 7
    assert "Komt overeen" not in browser.find_element(By.ID, "batch-tally").text  # the typo
    _shot(browser, "batch-typed")

    act.chord(Keys.CONTROL, Keys.ENTER)  # book the batch: no page load
    _wait_for_answer(browser)
    refused = browser.find_elements(By.CSS_SELECTOR, "tr.has-errors")
    assert [row.get_attribute("data-row") for row in refused] == ["3"]
    assert "is geen bedrag zoals het hier geschreven wordt" in refused[0].text
    _shot(browser, "batch-refused")
    # The focus is on the refused row; Tab to its amount, retype it, book again.
    act.type(Keys.TAB, Keys.TAB, Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("name").endswith("-amount")
    act.chord(Keys.CONTROL, "a")
    act.type("10,00")
    act.chord(Keys.CONTROL, Keys.ENTER)
    _wait_for_answer(browser)
    saved = browser.find_element(By.ID, "batch-saved")
    assert "7 regels geboekt" in saved.text, browser.find_element(By.ID, "batch").text
    _shot(browser, "batch-saved")

    link = saved.find_element(By.TAG_NAME, "a")
    act.new_page(lambda: link.send_keys(Keys.ENTER))
    act.keys += 1
    assert _total_income(browser) == before + Decimal("3950.00")
    _shot(browser, "batch-centre-page")
    print(f"\nbatch entry: {act.loads} page loads, {act.clicks} clicks, {act.keys} keystrokes")
    # Sign in, language, batch screen, centre page: none per line, none for saving.
    assert act.loads == 5 and act.clicks == 0
