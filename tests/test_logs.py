"""The log: a line per request and per job under one request id, and nothing personal in it."""

import contextvars
import io
import json
import logging

import pytest
from huey import MemoryHuey

from fundtrack.logs import REQUEST_ID, JsonLines, _RequestId, carry_into_jobs, logger
from tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture
def lines():
    """The JSON lines fundtrack logs while the test runs."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(_RequestId())
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_request_is_answered_and_logged_under_its_id(client, lines):
    answer = client.get("/healthz", headers={"X-Request-Id": "proxy-1234abcd"})
    assert answer.headers["X-Request-Id"] == "proxy-1234abcd"
    [line] = [line for line in lines() if line["message"] == "request"]
    assert (line["request_id"], line["route"], line["status"]) == (
        "proxy-1234abcd",
        "/healthz",
        200,
    )
    made = client.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert made != "<script>" and len(made) == 32


def test_no_personal_data_or_secret_reaches_the_log(client, session, network, lines):
    centre = factories.centre(session, code="HLM")
    treasurer = factories.user(session, "treasurer", centre=centre, email="jan.jansen@example.org")
    donor = factories.donor(session, centre, name="Mevrouw Geheim", iban="NL91ABNA0417164300")
    client.post("/login", data={"email": treasurer.email, "password": PASSWORD})
    client.post("/login", data={"email": "who@example.org", "password": "hunter2-wrong"})
    client.get(f"/centres/HLM/lines?year=2025&q={donor.name}")
    client.get("/api/v1/income", headers={"Authorization": "Bearer ft_secret-token-value"})
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines())
    assert '"route": "/centres/<code>/lines"' in text
    for secret in ("jan.jansen", "who@example.org", PASSWORD, "hunter2", "Geheim",
                   "NL91ABNA0417164300", "ft_secret", "HLM"):  # fmt: skip
        assert secret not in text, secret


def test_a_job_logs_under_the_request_id_that_queued_it(lines):
    queue = MemoryHuey("test", immediate=False)
    carry_into_jobs(queue)

    @queue.task()
    def build(n):
        logger.info("building", extra={"task": "build"})
        return n

    token = REQUEST_ID.set("click-5678efgh")
    try:
        build(3)  # queued, as from a request
    finally:
        REQUEST_ID.reset(token)

    def worker():  # another process: nothing of the request's context
        task = queue.dequeue()
        queue.execute(task)

    contextvars.Context().run(worker)
    logged = [(line["message"], line["request_id"]) for line in lines()]
    assert ("building", "click-5678efgh") in logged
    assert ("job done", "click-5678efgh") in logged
