"""The 20 MiB import limit is reachable from the screen: a statement larger than the 2 MiB
every other request may send is not refused (413) by the CSRF check before the upload view
allows it. (Other requests keep the 2 MiB limit: tests/test_security_headers.py.)"""

import io
import re

from tests import factories


def _csv(size: int) -> bytes:
    rows, length, n = ["date;amount;name;description"], 0, 0
    while length < size:
        n += 1
        rows.append(f"2025-03-{1 + n % 28:02};{n % 500 + 1},00;Donor {n % 300};gift {n}")
        length += len(rows[-1]) + 1
    return ("\n".join(rows) + "\n").encode()


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def test_a_three_mib_statement_uploads_from_the_screen_with_csrf_on(app, client, session, network):
    centre = factories.centre(session)
    factories.signed_in(client, session, factories.user(session, "treasurer", centre))
    body = _csv(3 * 1024 * 1024)
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        token = _csrf(client, f"/imports/?centre={centre.code}")
        answer = client.post(
            "/imports/",
            data={"csrf_token": token, "centre": centre.code,
                  "file": (io.BytesIO(body), "giften.csv")},
        )  # fmt: skip
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 303, answer.status_code
    assert "/columns" in answer.headers["Location"]
