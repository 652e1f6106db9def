"""/metrics: Prometheus counts for whoever holds the metrics token, and for nobody else."""

import pytest


@pytest.fixture
def token(app):
    app.config["METRICS_TOKEN"] = "metrics-token-" + "z" * 30
    yield app.config["METRICS_TOKEN"]
    app.config["METRICS_TOKEN"] = ""


def test_without_a_token_configured_there_is_no_metrics_route(client):
    assert client.get("/metrics").status_code == 404


def test_a_wrong_token_is_refused(client, token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_requests_files_and_the_queue_are_counted(client, token):
    client.get("/healthz")
    body = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).get_data(True)
    assert 'fundtrack_requests_total{method="GET",route="/healthz",status="200"}' in body
    assert "fundtrack_request_seconds_bucket" in body
    assert "fundtrack_jobs_waiting" in body
