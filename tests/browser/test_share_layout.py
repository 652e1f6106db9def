"""The funding monitor's tables as a person sees them: every column on screen, no scrolling."""

from selenium.webdriver.common.by import By

from tests.browser.test_in_chromium import _sign_in


def test_the_dashboards_centre_table_shows_every_column_without_scrolling(browser, live_server):
    # The browser window is 1,400 pixels wide; the page body is at most 1,200 of them.
    _sign_in(browser, live_server, "national")
    browser.get(live_server + "/dashboard")
    scroll = browser.find_element(By.CSS_SELECTOR, ".table-scroll:has(#centres)")
    hidden = browser.execute_script(
        "return arguments[0].scrollWidth - arguments[0].clientWidth", scroll
    )
    assert hidden == 0
    right_edge = scroll.rect["x"] + scroll.rect["width"]
    last = browser.find_element(By.CSS_SELECTOR, "#centres th:last-child")
    assert last.text == "Secured share"
    assert last.rect["x"] + last.rect["width"] <= right_edge
