"""A Dutch treasurer books one actual cost line in the running year: the centre page's share
does not move until the actual costs are declared complete (the 2.612,5 % of issue 17)."""

import os
from datetime import date

from selenium.webdriver.common.by import By

from fundtrack.demo.netherlands import TREASURER_CENTRE
from tests.browser.steps import (
    fits,
    loads,
    recording_violations,
    signed_in_dutch,
    until,
    violations,
)

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")


def _shot(browser, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def _figure(browser, label: str) -> str:
    """The value next to `label` in the year's figures, as the page shows it."""
    for term in browser.find_elements(By.CSS_SELECTOR, "#year-figures dt"):
        if term.text.strip() == label:
            return term.find_element(By.XPATH, "following-sibling::dd[1]").text
    raise AssertionError(f"no {label!r} on the centre page")


def _share(browser) -> str:
    return _figure(browser, "Structureel aandeel").split(" ")[0]


def test_one_actual_line_leaves_the_share_until_the_actuals_are_declared(browser, live_server):
    running = date.today().year  # the demo network's fiscal year is the calendar year
    centre = f"{live_server}/centres/{TREASURER_CENTRE}?year={running}"
    with signed_in_dutch(browser, live_server, "treasurer"), recording_violations(browser):
        browser.get(centre)
        share = _share(browser)
        assert "(begroting)" in _figure(browser, "Kosten")

        browser.get(f"{live_server}/admin/cost-lines/new/")
        browser.find_element(By.NAME, "year").clear()
        browser.find_element(By.NAME, "year").send_keys(str(running))
        for name, value in (("kind", "actual"), ("category", "housing")):
            # Flask-Admin hides its selects behind a search box (select2): set the value.
            chosen = browser.find_element(By.NAME, name)
            browser.execute_script("arguments[0].value = arguments[1]", chosen, value)
        browser.find_element(By.NAME, "amount").send_keys("2000,00")
        _shot(browser, "cost-basis-0-form")
        loads(browser, browser.find_element(By.CSS_SELECTOR, "form input[type=submit]"))

        browser.get(centre)
        _shot(browser, "cost-basis-1-budget")
        assert _share(browser) == share  # one line of € 2.000 changes nothing yet
        assert "€ 2.000,00" in browser.find_element(By.ID, "actuals-so-far").text

        loads(browser, browser.find_element(By.ID, "costs-basis"))
        _shot(browser, "cost-basis-2-confirm")
        browser.set_window_size(390, 844)  # a phone: both totals and the button still fit
        assert fits(browser)
        _shot(browser, "cost-basis-2-confirm-phone")
        browser.set_window_size(1400, 1000)
        assert "€ 2.000,00" in browser.find_element(By.CSS_SELECTOR, "[data-kind=actual]").text
        assert violations(browser) == []  # the confirmation page, under the CSP
        loads(browser, browser.find_element(By.ID, "declare"))
        until(browser, "werkelijke kosten")
        assert violations(browser) == []
        _shot(browser, "cost-basis-3-declared")
        assert _share(browser) != share
        warning = browser.find_element(By.CSS_SELECTOR, "#year-figures .check")
        assert warning.get_attribute("data-cause") == "costs_incomplete"
        assert "✔" not in _figure(browser, "Structureel aandeel")

        # Leave the shared demo as it was: the year on its budget again.
        loads(browser, browser.find_element(By.ID, "costs-basis"))
        loads(browser, browser.find_element(By.ID, "withdraw"))
        assert _share(browser) == share


def test_the_national_office_reads_the_ended_years_still_on_budget(browser, live_server):
    with signed_in_dutch(browser, live_server, "national"), recording_violations(browser):
        browser.get(f"{live_server}/costs/still-on-budget")
        assert "Afgelopen jaren nog op begroting" in browser.page_source
        # The demo's treasurers declared 2024 and 2025: nothing is left on budget.
        assert "Elk afgelopen jaar staat op zijn werkelijke kosten." in browser.page_source
        browser.set_window_size(390, 844)
        assert fits(browser) and violations(browser) == []
        _shot(browser, "cost-basis-4-still-on-budget-phone")
