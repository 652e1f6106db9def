"""What a treasurer and the national office see, clicked through in a real browser."""

import os

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from fundtrack.auth.models import Role
from fundtrack.demo.build import DEMO_EMAIL, demo_password
from fundtrack.demo.netherlands import TREASURER_CENTRE

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")  # a folder to keep screenshots in


def _click_and_wait(browser, element) -> None:
    """Click something that loads a new page, and wait until it has replaced the old one.

    The old page carries a mark the new one lacks; while Chromium swaps them, its answers
    may be errors, which the wait ignores.
    """
    browser.execute_script("window.fundtrackOldPage = true")
    element.click()
    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script(
            "return !window.fundtrackOldPage && document.readyState === 'complete'"
        )
    )


def _sign_in(browser, live_server, role: str) -> None:
    browser.get(live_server + "/login")
    browser.find_element(By.NAME, "email").send_keys(DEMO_EMAIL.format(role=role))
    browser.find_element(By.NAME, "password").send_keys(demo_password(Role(role)))
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    # The live server is shared: whatever language another test left this demo user in,
    # these tests read and type English (amounts as 123.45).
    english = browser.find_elements(By.CSS_SELECTOR, "header .languages button[value=en]")
    if english and english[0].get_attribute("aria-current") is None:
        _click_and_wait(browser, english[0])


def _shot(browser, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(browser, live_server):
    browser.get(live_server + "/login")
    browser.find_element(By.NAME, "email").send_keys(DEMO_EMAIL.format(role="admin"))
    browser.find_element(By.NAME, "password").send_keys("not the password")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Unknown e-mail address or wrong password" in browser.page_source
    assert browser.current_url.endswith("/login")


def test_national_office_signs_in_and_reads_the_dashboard(browser, live_server):
    _sign_in(browser, live_server, "national")
    assert "national" in browser.find_element(By.CSS_SELECTOR, ".who").text
    # The national office lands on the dashboard itself.
    assert "/dashboard" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert len(rows) >= 12
    assert browser.find_elements(By.CSS_SELECTOR, "svg")
    _shot(browser, "dashboard")


def test_treasurer_sees_their_centre_and_is_refused_another(browser, live_server):
    _sign_in(browser, live_server, "treasurer")
    assert browser.current_url.endswith("/my-centre")
    assert browser.find_elements(By.CSS_SELECTOR, "svg")
    _shot(browser, "my-centre")
    browser.get(live_server + "/dashboard")
    assert browser.current_url.endswith("/my-centre")
    browser.get(live_server + "/admin/income-lines/")
    _shot(browser, "treasurer-income")
    centres_shown = {
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "td.col-centre\\.code")
    }
    assert len(centres_shown) == 1


def test_signing_out_ends_the_session(browser, live_server):
    _sign_in(browser, live_server, "auditor")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "header form button"))
    browser.get(live_server + "/")
    assert "/login" in browser.current_url


def test_treasurer_books_a_donation_and_finds_it_behind_the_centres_figures(browser, live_server):
    _sign_in(browser, live_server, "treasurer")
    browser.get(live_server + "/admin/income-lines/new/")
    date_field = browser.find_element(By.NAME, "booking_date")
    assert date_field.get_attribute("placeholder") == "yyyy-mm-dd"  # in English
    assert date_field.get_attribute("value")  # today, or the date this session last used
    date_field.clear()
    date_field.send_keys("2025-06-12")
    browser.find_element(By.NAME, "amount").send_keys("123.45")
    browser.find_element(By.NAME, "reference").send_keys("browser-gift-2025")
    # Flask-Admin dresses selects with select2; set the underlying select as a person's pick would.
    browser.execute_script(
        "const s = document.querySelector('select[name=category]');"
        "s.value = 'individuals'; s.dispatchEvent(new Event('change'));"
    )
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    alerts = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".alert"))
    assert "Booked: " in alerts and "€ 123,45" in alerts, alerts
    _shot(browser, "treasurer-booked")
    browser.get(f"{live_server}/centres/{TREASURER_CENTRE}/lines?year=2025&category=individuals")
    assert "browser-gift-2025" in browser.page_source
    assert "123,45" in browser.page_source
