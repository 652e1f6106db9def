"""/api/v1/docs in Chromium with the internet switched off: Swagger UI lists every operation."""

import json
from urllib.request import urlopen

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import started_chromium

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def offline_chromium():
    """Chromium that can reach 127.0.0.1 only: other names do not resolve, and anything else
    goes to a proxy that is not there."""
    with started_chromium(
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
    ) as driver:
        yield driver


def _operations(live_server) -> set[tuple[str, str]]:
    with urlopen(live_server + "/api/v1/openapi.json") as response:
        document = json.load(response)
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def test_the_api_docs_list_every_operation_without_the_internet(offline_chromium, live_server):
    browser = offline_chromium
    browser.get(live_server + "/api/v1/docs")
    WebDriverWait(browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    )
    shown = {
        (
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text.strip(),
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"),
        )
        for block in browser.find_elements(By.CSS_SELECTOR, ".opblock")
    }
    assert ("POST", "/api/v1/income") in shown
    assert ("GET", "/api/v1/funding-share") in shown
    assert shown == _operations(live_server)
    # Everything the page loaded came from the app itself.
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded and all(url.startswith(live_server + "/") for url in loaded), loaded


def test_the_offline_browser_really_cannot_reach_another_host(offline_chromium, live_server):
    browser = offline_chromium
    browser.get(live_server + "/api/v1/docs")
    reached = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css', {mode: 'no-cors'})"
        ".then(() => done(true), () => done(false));"
    )
    assert reached is False
