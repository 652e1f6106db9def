"""The only way a report PDF reaches outside itself: the app's own static files and `data:` URLs.

WeasyPrint asks its URL fetcher for every image, stylesheet, font and attachment a document
names. `StaticFetcher` answers from the static folder on disk and from `data:` URLs, and refuses
everything else (`file://`, `http(s)://` to anywhere, other schemes) before any byte is read:
no network, no redirects, no file outside the static folder, attachments included.
"""

import base64
import binascii
import mimetypes
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

# The prefix the report templates write before a static file's path; it cannot be fetched
# from any real server, so a link copied out of a PDF leads nowhere.
STATIC_BASE = "fundtrack-static:/"
MAX_DATA_URL = 5 * 1024 * 1024  # a data: image larger than this is refused


class RefusedURL(ValueError):
    """The report asked for something outside the app's static files and data: URLs."""


class StaticFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher confined to `static_folder` and `data:` URLs.

    `calls` records every URL WeasyPrint asked for (fetched or refused), so a test can prove
    what a document tried to reach.
    """

    def __init__(self, static_folder: str | Path):
        # No redirects and no protocol beyond ours; `fetch` below never calls urllib anyway.
        super().__init__(allowed_protocols=("data", "fundtrack-static"), allow_redirects=False)
        self.static_folder = Path(static_folder).resolve()
        self.calls: list[str] = []

    def fetch(self, url, headers=None):
        self.calls.append(url)
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme == "fundtrack-static":
            return self._static(url)
        raise RefusedURL(f"reports fetch only the app's static files and data: URLs, not {url}")

    def _static(self, url: str) -> URLFetcherResponse:
        relative = unquote(urlsplit(url).path).lstrip("/")
        path = (self.static_folder / relative).resolve()
        if not path.is_relative_to(self.static_folder) or not path.is_file():
            raise RefusedURL(f"no static file {relative!r}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > MAX_DATA_URL:
            raise RefusedURL("data: URL too large")
        header, _comma, payload = url[5:].partition(",")
        parts = header.split(";")
        kind = parts[0] or "text/plain"
        try:
            body = (
                base64.b64decode(payload, validate=False)
                if "base64" in parts[1:]
                else unquote_to_bytes(payload)
            )
        except binascii.Error as error:
            raise RefusedURL(f"malformed data: URL ({error})") from None
        return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})
