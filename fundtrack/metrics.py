"""Prometheus metrics at `/metrics`, for whoever holds `FUNDTRACK_METRICS_TOKEN`.

Requests by route rule and status with their latency, jobs by task and outcome, jobs waiting,
files sent by kind (reports are the PDFs). Under gunicorn each worker is a process of its own:
with `PROMETHEUS_MULTIPROC_DIR` set (deploy/gunicorn.conf.py sets it) every process writes
its counts there and a scrape sums them, whichever worker answers. Without the token set, the
route does not exist (404).
"""

import hmac
import os

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("fundtrack_requests", "Requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "fundtrack_request_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOBS = Counter("fundtrack_jobs", "Background jobs run", ["task", "outcome"])
FILES = Counter("fundtrack_files_sent", "Files sent (reports are the pdf ones)", ["kind"])

bp = Blueprint("metrics", __name__)


class _Queue:
    """Jobs waiting in the queue, read at scrape time."""

    def collect(self):
        from fundtrack.jobs import huey

        gauge = GaugeMetricFamily("fundtrack_jobs_waiting", "Jobs queued and not yet run")
        try:
            gauge.add_metric([], huey.pending_count())
        except Exception:  # noqa: BLE001  (an unreachable queue is not a failed scrape)
            return
        yield gauge


def request_done(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    return registry


@bp.route("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)
    registry = _registry()
    body = generate_latest(registry)
    queue = CollectorRegistry()
    queue.register(_Queue())
    return Response(body + generate_latest(queue), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.config.setdefault("METRICS_TOKEN", os.environ.get("FUNDTRACK_METRICS_TOKEN", ""))
    app.register_blueprint(bp)
