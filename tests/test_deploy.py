"""deploy/ holds what production runs; container builds cannot run here, so the files are read
and held to the same commands the systemd units run."""

import importlib
import json
import re
import shlex
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _exec_start(unit: str) -> list[str]:
    line = re.search(r"^ExecStart=(.+)$", (DEPLOY / unit).read_text(), re.MULTILINE).group(1)
    argv = shlex.split(line)
    return [Path(argv[0]).name, *argv[1:]]


def _dockerfile_cmd() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text()
    return json.loads(re.search(r"^CMD (\[.+\])$", text, re.MULTILINE).group(1))


def test_the_container_starts_the_web_server_as_the_systemd_unit_does():
    assert _dockerfile_cmd() == _exec_start("fundtrack-web.service")
    assert _dockerfile_cmd() == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]


def test_the_compose_worker_runs_what_the_worker_unit_runs():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert compose["services"]["worker"]["command"] == _exec_start("fundtrack-worker.service")
    assert set(compose["services"]) == {"db", "redis", "migrate", "web", "worker"}


def test_the_worker_unit_and_make_run_start_the_queue_with_every_task_registered():
    from fundtrack import jobs

    command = _exec_start("fundtrack-worker.service")
    target = command[command.index("huey.bin.huey_consumer") + 1]
    module, _, name = target.rpartition(".")
    assert getattr(importlib.import_module(module), name) is jobs.huey
    assert f"huey.bin.huey_consumer {target} " in (DEPLOY.parent / "Makefile").read_text()


def test_compose_and_the_example_environment_set_the_same_variables():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    given = set(compose["services"]["web"]["environment"])
    example = {
        line.split("=", 1)[0]
        for line in (DEPLOY / "fundtrack.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert given <= example


def test_the_gunicorn_settings_read_the_environment(monkeypatch, tmp_path):
    # The settings file sets the metrics folder for the processes it starts: keep it here.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("FUNDTRACK_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("FUNDTRACK_WORKERS", "3")
    settings: dict = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), settings)  # noqa: S102  (our own file)
    assert (settings["bind"], settings["workers"], settings["wsgi_app"]) == (
        "0.0.0.0:9000", 3, "wsgi:app"
    )  # fmt: skip
    assert settings["graceful_timeout"] < settings["timeout"]
