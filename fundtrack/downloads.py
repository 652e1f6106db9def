"""Every file fundtrack sends, through one door: its name and its Content-Disposition.

Werkzeug's `send_file` writes the header as RFC 6266 wants it: an ASCII `filename` for old
clients and a UTF-8 `filename*` for the rest, so a centre named "Sør-Øst 🌱" downloads under
its own name and no header carries a character the server cannot encode. The name is built
here from parts cleaned of path separators, quotes and control characters; whether a file
opens in the browser (`inline`) or is saved is decided here too. A name starts with what the
file holds in the user's language (fundtrack.labels.FILE_NAME_LABELS): "inkomsten-2026.xlsx".
"""

import io
import re
import unicodedata

from flask import Response, send_file

from fundtrack.labels import FILE_NAME_LABELS
from fundtrack.metrics import FILES

MIMETYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
    "xml": "application/xml",
}
_UNSAFE = re.compile(r"[\\/\"'`<>:|?*;,%]+")
_SPACES = re.compile(r"[\s_]+")
NAME_MAX = 120


def _clean(part) -> str:
    text = "".join(
        " " if unicodedata.category(c).startswith(("C", "Z")) else c
        for c in unicodedata.normalize("NFC", str(part))
    )
    text = _SPACES.sub("-", _UNSAFE.sub(" ", text).strip())
    return text.strip(".-")


def file_name(*parts, kind: str) -> str:
    """`parts` joined by hyphens, cleaned, with the extension of `kind`: ("funding report",
    "SØR/ØST", 2026) -> "funding-report-SØR-ØST-2026.pdf". Never empty, never a path."""
    name = "-".join(p for p in (_clean(part) for part in parts if part is not None) if p)
    return f"{(name or 'download')[:NAME_MAX]}.{kind}"


def download(body: bytes | str, name: str, *parts, kind: str, inline: bool = False) -> Response:
    """A response carrying `body` as the file `file_name(words, *parts, kind=kind)`, `words`
    being what the file holds (`name`, a key of FILE_NAME_LABELS) in the user's language:
    saved, or with `inline` shown in the browser (a PDF only). Nothing sent is kept by a
    shared cache: these files hold a centre's books."""
    if inline and kind != "pdf":
        raise ValueError(f"only a PDF opens inline, not {kind}")
    data = body.encode("utf-8") if isinstance(body, str) else body
    response = send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[kind],
        as_attachment=not inline,
        download_name=file_name(str(FILE_NAME_LABELS[name]).lower(), *parts, kind=kind),
        etag=False,
        conditional=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    FILES.labels(kind).inc()
    return response
