"""A Dutch treasurer finds two donors who are one person, merges them side by side and undoes
the merge: the screens work without breaking the CSP and fit at 1366 and 390 px."""

import os

from selenium.webdriver.common.by import By

from tests.browser.steps import fits, loads, recording_violations, signed_in_dutch, violations

SHOTS = os.environ.get("FUNDTRACK_SCREENSHOTS")  # a folder: the pages as PNGs, to look at


def _add_donor(browser, live_server, name: str, email: str) -> None:
    browser.get(f"{live_server}/admin/donors/new/")
    form = browser.find_element(By.CSS_SELECTOR, "form.admin-form")
    form.find_element(By.NAME, "name").send_keys(name)
    form.find_element(By.NAME, "email").send_keys(email)
    loads(browser, form.find_element(By.CSS_SELECTOR, "input[type=submit]"))


def _fits_everywhere(browser, page: str) -> None:
    for width in (1366, 390):
        browser.set_window_size(width, 900)
        if SHOTS:
            browser.save_screenshot(os.path.join(SHOTS, f"{page}-{width}.png"))
        assert fits(browser), (page, width)
    browser.set_window_size(1400, 1000)


def test_a_treasurer_merges_two_donors_and_undoes_it_in_dutch(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"), recording_violations(browser):
        _add_donor(browser, live_server, "Geertje van Dijk-Browser", "geertje@example.org")
        _add_donor(browser, live_server, "G. van Dijk", "Geertje@Example.org")
        browser.get(f"{live_server}/admin/donors/duplicates/")
        _fits_everywhere(browser, "duplicates")
        pair = browser.find_element(By.XPATH, "//tr[contains(., 'G. van Dijk')]")
        loads(browser, pair.find_element(By.CSS_SELECTOR, "a.btn"))
        assert "Geertje van Dijk-Browser" in browser.page_source
        _fits_everywhere(browser, "merge")
        loads(browser, browser.find_element(By.CSS_SELECTOR, "#merge-form button[type=submit]"))
        paired = "//table[@id='likely-duplicates']//tr[contains(., 'G. van Dijk')]"
        assert browser.find_elements(By.XPATH, paired) == []
        merges = browser.find_element(By.ID, "donor-merges")
        loads(browser, merges.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert browser.find_elements(By.CSS_SELECTOR, ".alert-success")
        assert violations(browser) == []
