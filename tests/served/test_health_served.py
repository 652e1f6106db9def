"""The served app answers its load balancer: alive, and ready on its database and migrations."""

import requests


def test_the_served_app_is_alive_and_ready(served):
    assert requests.get(served.url + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(served.url + "/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_metrics_sum_every_worker_behind_a_token(served):
    for _ in range(20):  # spread over both workers
        requests.get(served.url + "/healthz", timeout=10)
    assert requests.get(served.url + "/metrics", timeout=10).status_code == 401
    answer = requests.get(
        served.url + "/metrics",
        headers={"Authorization": f"Bearer {served.metrics_token}"},
        timeout=10,
    )
    assert answer.status_code == 200
    counted = [
        line
        for line in answer.text.splitlines()
        if line.startswith("fundtrack_requests_total{") and 'route="/healthz"' in line
    ]
    assert counted and sum(float(line.rsplit(" ", 1)[1]) for line in counted) >= 20
