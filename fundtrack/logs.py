"""What fundtrack writes to its log: a line per request and per job, tied by a request id.

Every request gets an id (the proxy's `X-Request-Id` when it sends a sane one, else a new
one), answered in the `X-Request-Id` header, on each of its log lines, and carried into the
jobs it queues, so the worker's lines for a national report name the click that asked for
it. Lines are JSON in production (`FUNDTRACK_LOG_FORMAT=json|text` chooses), text elsewhere.

Nothing personal or secret goes in: a request is logged by its route's rule
(`/centres/<code>`, not the code), method, status, duration and user id; never a query
string, a form, an e-mail address, a token or an exception's message (SQL errors carry the
values of the row); an error is logged by its type and stack.
"""

import contextvars
import json
import logging
import os
import re
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_JOB_KEY = "_fundtrack_request_id"
logger = logging.getLogger("fundtrack")
FIELDS = ("method", "route", "status", "ms", "user_id", "job", "task")


class _RequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def _stack(record: logging.LogRecord) -> str | None:
    if not record.exc_info:
        return None
    kind, _value, trace = record.exc_info
    frames = "".join(traceback.format_tb(trace))
    return f"{frames}{kind.__name__} (message left out: it may hold a row's values)"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        line |= {key: getattr(record, key) for key in FIELDS if hasattr(record, key)}
        stack = _stack(record)
        if stack:
            line["error"] = stack
        return json.dumps(line, ensure_ascii=False)


class TextLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{key}={getattr(record, key)}" for key in FIELDS if hasattr(record, key))
        text = f"{record.levelname} [{getattr(record, 'request_id', '-')}] {record.name}: "
        text += record.getMessage() + (f" {extra}" if extra else "")
        stack = _stack(record)
        return text + ("\n" + stack if stack else "")


def _handler(json_lines: bool) -> logging.Handler:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestId())
    handler.setFormatter(JsonLines() if json_lines else TextLines())
    return handler


def _begin() -> None:
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_token = REQUEST_ID.set(g.request_id)
    g.request_started = time.perf_counter()


def _end(response):
    request_id = getattr(g, "request_id", None)
    if request_id is None:
        return response
    response.headers["X-Request-Id"] = request_id
    from flask_login import current_user

    from fundtrack.metrics import request_done

    user_id = getattr(current_user, "id", None) if current_user else None
    route = request.url_rule.rule if request.url_rule else "(no route)"
    seconds = time.perf_counter() - g.request_started
    logger.info(
        "request",
        extra={
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "ms": round(seconds * 1000, 1),
            "user_id": user_id,
        },
    )
    request_done(route, request.method, response.status_code, seconds)
    return response


def _forget(_error=None) -> None:
    token = g.pop("request_token", None)
    if token is not None:
        REQUEST_ID.reset(token)


def carry_into_jobs(huey) -> None:
    """A queued job takes the request id along; the worker logs its lines under it."""
    from huey import signals

    @huey.signal(signals.SIGNAL_ENQUEUED)
    def _tag(_signal, task, *_args):
        if REQUEST_ID.get() != "-":
            task.kwargs = dict(task.kwargs or {}) | {_JOB_KEY: REQUEST_ID.get()}

    @huey.pre_execute()
    def _adopt(task):
        request_id = (task.kwargs or {}).pop(_JOB_KEY, None)
        task._fundtrack_token = REQUEST_ID.set(request_id or f"job-{task.id}")
        logger.info("job started", extra={"task": task.name, "job": task.id})

    @huey.post_execute()
    def _done(task, _value, exception):
        from fundtrack.metrics import JOBS

        JOBS.labels(task.name, "failed" if exception else "done").inc()
        logger.info(
            "job failed" if exception else "job done", extra={"task": task.name, "job": task.id}
        )
        token = getattr(task, "_fundtrack_token", None)
        if token is not None:
            REQUEST_ID.reset(token)


def init_app(app: Flask) -> None:
    from fundtrack.config import is_production

    chosen = os.environ.get("FUNDTRACK_LOG_FORMAT", "json" if is_production() else "text")
    if not any(isinstance(h.formatter, JsonLines | TextLines) for h in logger.handlers):
        logger.addHandler(_handler(chosen == "json"))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    # First of all, so that a request another hook stops (sign-in, CSRF) is logged too.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_end)
    app.teardown_request(_forget)
