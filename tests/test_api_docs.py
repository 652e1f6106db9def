"""/api/v1/docs is Swagger UI 5 from the app's own files: the page names no other host."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

DOCS = "/api/v1/docs"


class _Links(HTMLParser):
    """Every src= and href= on a page, and the text of its inline scripts."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("src", "href") and value]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _docs_page(client) -> _Links:
    response = client.get(DOCS)
    assert response.status_code == 200
    page = _Links()
    page.feed(response.get_data(as_text=True))
    return page


def test_the_docs_page_loads_nothing_from_another_host(client):
    page = _docs_page(client)
    assert len(page.links) >= 3  # the stylesheet and two scripts
    for link in page.links:
        parts = urlsplit(link)
        assert parts.scheme == "" and parts.netloc == "", link
        assert link.startswith("/api/v1/docs/static/"), link
    inline = "\n".join(page.scripts)
    assert re.findall(r"(?:https?:)?//[\w.-]+", inline) == []
    assert '"validatorUrl": null' in inline  # no badge fetched from swagger.io
    assert 'url: "/api/v1/openapi.json"' in inline


def test_every_file_the_docs_page_names_is_served(client):
    page = _docs_page(client)
    assert "/api/v1/docs/static/swagger-ui-bundle.js" in page.links
    for link in page.links:
        response = client.get(urljoin(DOCS, link))
        assert response.status_code == 200, link
        assert len(response.data) > 1000, link


def test_the_served_swagger_ui_is_version_5_which_reads_openapi_3_1(client):
    bundle = client.get("/api/v1/docs/static/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and bundle.mimetype == "text/javascript"
    from fundtrack.api.docs import SWAGGER_UI_FILES

    version = (SWAGGER_UI_FILES / "VERSION").read_text().strip()
    assert re.fullmatch(r"v?5\.\d+\.\d+", version), version


def test_a_missing_docs_file_is_a_404_and_the_folder_cannot_be_left(client):
    assert client.get("/api/v1/docs/static/no-such-file.js").status_code == 404
    assert client.get("/api/v1/docs/static/../../../../etc/passwd").status_code == 404
    assert client.get("/api/v1/docs/static/%2e%2e/__init__.py").status_code == 404
