"""A Dutch treasurer finds the grants from the header and starts a new application for her
own centre, on a laptop and on a phone."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.steps import fits, loads, signed_in_dutch
from tests.browser.test_batch_entry import _shot


def test_a_dutch_treasurer_finds_the_grants_and_starts_an_application(browser, live_server):
    with signed_in_dutch(browser, live_server, "treasurer"):
        browser.get(live_server + "/my-centre")
        loads(browser, browser.find_element(By.CSS_SELECTOR, "header nav a[href='/grants']"))
        assert browser.find_element(By.TAG_NAME, "h1").text == "Subsidieaanvragen"
        for width, height in ((1366, 900), (390, 844)):
            browser.set_window_size(width, height)
            assert fits(browser)
            _shot(browser, f"grants-list-{width}")
        browser.set_window_size(1366, 900)

        loads(browser, browser.find_element(By.ID, "new-application"))
        applicant = Select(browser.find_element(By.NAME, "centre"))
        # Select2 hides the select itself: its options are read by their text content.
        chosen = applicant.first_selected_option.get_attribute("textContent")
        assert len(applicant.options) == 1 and "Het Spaarne" in chosen
        funder = Select(browser.find_element(By.NAME, "funder"))
        assert funder.first_selected_option.get_attribute("value") == "__None"
        for width, height in ((1366, 900), (390, 844)):
            browser.set_window_size(width, height)
            browser.refresh()  # Select2 sizes its pickers when the page loads, as a phone does
            _shot(browser, f"grant-new-{width}")
            assert fits(browser), browser.execute_script(
                "return [...document.querySelectorAll('body *')].filter(e => "
                "e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)"
                ".map(e => e.tagName + '.' + e.className + '#' + e.id)"
            )
