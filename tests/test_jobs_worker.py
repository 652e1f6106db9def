"""The background worker knows every task the app queues, not only the reports'."""

import subprocess
import sys


def test_the_worker_module_registers_the_import_and_onboarding_tasks():
    # A fresh interpreter, as `huey_consumer fundtrack.reports.jobs.huey` starts one: only
    # what that module imports is registered.
    code = (
        "from fundtrack.reports.jobs import huey;"
        "print(sorted(name.rsplit('.', 1)[-1] for name in huey._registry._registry))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for task in ("run_import_step", "run_onboarding_step"):
        assert task in shown, shown
