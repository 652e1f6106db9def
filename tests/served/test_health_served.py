"""The served app answers its load balancer: alive, and ready on its database and migrations."""

import requests


def test_the_served_app_is_alive_and_ready(served):
    assert requests.get(served.url + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(served.url + "/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
