"""A new password known from data breaches is refused, checked offline against k-anonymity
range files (the first five hex digits of its SHA-1 name the file); nothing is fetched."""

import hashlib

import pytest

from fundtrack.auth.passwords import WeakPassword, check_new_password
from tests import factories

BREACHED = "violet marmalade tractor 1987"


@pytest.fixture
def ranges(app, tmp_path):
    digest = hashlib.sha1(BREACHED.encode()).hexdigest().upper()
    (tmp_path / f"{digest[:5]}.txt").write_text(
        f"0000000000000000000000000000000000A:3\r\n{digest[5:]}:1234\r\n", encoding="ascii"
    )
    app.config["BREACHED_RANGES"] = str(tmp_path)
    yield tmp_path
    app.config["BREACHED_RANGES"] = None


def test_a_breached_password_is_refused(app, ranges):
    with app.app_context(), pytest.raises(WeakPassword, match="data breaches"):
        check_new_password(BREACHED)


def test_a_password_in_no_range_file_is_accepted(app, ranges):
    with app.app_context():
        check_new_password("quiet harbour lantern 2031 umbrella")


def test_changing_to_a_breached_password_on_the_account_page_is_refused(
    client, session, network, ranges
):
    user = factories.signed_in(client, session, factories.user(session, role="auditor"))
    before = user.password_hash
    answer = client.post(
        "/account/password", data={"current": "correct horse battery", "new": BREACHED}
    )
    assert answer.status_code == 400 and "data breaches" in answer.get_data(as_text=True)
    assert user.password_hash == before
