"""The sign-in takes one body format, a form; the per-account throttle counts the address
that is actually checked, however it is written."""

from tests import factories

PASSWORD = "correct horse battery"


def test_a_sign_in_sent_as_json_is_refused_and_signs_nobody_in(client, session, network):
    factories.user(session, role="auditor", email="json@example.org")
    answer = client.post("/login", json={"email": "json@example.org", "password": PASSWORD})
    assert answer.status_code == 415
    assert client.get("/account").status_code == 302  # still signed out


def test_json_cannot_sidestep_the_account_throttle(client, session, network):
    factories.user(session, role="auditor", email="target@example.org")
    for _ in range(10):
        wrong = {"email": "target@example.org", "password": "wrong wrong wrong"}
        assert client.post("/login", data=wrong).status_code == 401
    right = {"email": "target@example.org", "password": PASSWORD}
    assert client.post("/login", json=right).status_code in (415, 429)
    assert client.post("/login", data=right).status_code == 429
    assert client.get("/account").status_code == 302


def test_the_account_throttle_counts_an_address_however_it_is_capitalised_or_padded(
    client, session, network
):
    factories.user(session, role="auditor", email="mixed@example.org")
    spellings = [
        "mixed@example.org",
        "MIXED@example.org",
        " Mixed@Example.ORG ",
        "mixed@EXAMPLE.org",
    ]
    for n in range(10):
        wrong = {"email": spellings[n % len(spellings)], "password": "wrong wrong wrong"}
        assert client.post("/login", data=wrong).status_code == 401
    right = {"email": "mixed@example.org", "password": PASSWORD}
    assert client.post("/login", data=right).status_code == 429


def test_the_second_step_takes_a_form_body_only(client, session, network):
    user = factories.user(session, role="national", email="code@example.org")
    factories.enrol_mfa(session, user)
    session.commit()
    client.post("/login", data={"email": "code@example.org", "password": PASSWORD})
    assert client.post("/login/code", json={"code": "123456"}).status_code == 415
