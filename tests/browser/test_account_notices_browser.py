"""The account page in Dutch, with a new device's notice: shown at the next sign-in, listed on
/account, fitting a phone's width, with no CSP violation."""

import os
import re

import requests
from selenium.webdriver.common.by import By

from fundtrack.auth.models import Role
from fundtrack.demo.build import DEMO_EMAIL, demo_password
from tests.browser.steps import (
    fits,
    loads,
    recording_violations,
    signed_in_dutch,
    violations,
)

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari"
SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")


def _sign_out(browser):
    loads(browser, browser.find_element(By.CSS_SELECTOR, "header form.sign-out button"))


def test_a_new_device_is_shown_in_dutch_at_the_next_sign_in_and_on_the_account_page(
    browser, live_server
):
    role = "auditor"
    with signed_in_dutch(browser, live_server, role):
        _sign_out(browser)
    # Another device signs in (a phone, say): no browser cookie of ours.
    phone = requests.Session()
    phone.headers["User-Agent"] = PHONE
    form = phone.get(f"{live_server}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    signed = phone.post(
        f"{live_server}/login",
        data={
            "email": DEMO_EMAIL.format(role=role),
            "password": demo_password(Role(role)),
            "csrf_token": token,
        },
    )
    assert signed.status_code == 200 and "/login" not in signed.url
    told = []

    def look():
        told.append("Er is met een nieuw apparaat op uw account ingelogd" in browser.page_source)

    with recording_violations(browser), signed_in_dutch(browser, live_server, role, look):
        assert told == [True]
        browser.get(live_server + "/account")
        notices = browser.find_element(By.ID, "security-notices").text
        assert "Chrome op Android" in notices
        for width in (1366, 390):
            browser.set_window_size(width, 900)
            assert fits(browser), width
            if SHOTS:
                browser.save_screenshot(os.path.join(SHOTS, f"account-nl-{width}.png"))
        assert violations(browser) == []
