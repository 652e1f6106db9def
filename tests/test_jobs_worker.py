"""The background worker knows every task the app queues, not only the reports'."""

import subprocess
import sys


def test_the_worker_module_registers_the_report_import_and_onboarding_tasks():
    # A fresh interpreter, as `huey_consumer fundtrack.worker.huey` starts one: only what
    # that module imports is registered.
    code = (
        "from fundtrack.worker import huey;"
        "print(sorted(name.rsplit('.', 1)[-1] for name in huey._registry._registry))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for task in ("build_national_report", "run_import_step", "run_onboarding_step"):
        assert task in shown, shown


def test_the_worker_runs_the_queue_every_package_puts_its_jobs_on():
    from fundtrack import jobs, worker
    from fundtrack.imports import jobs as import_jobs
    from fundtrack.reports import jobs as report_jobs

    assert worker.huey is jobs.huey
    assert report_jobs.build_national_report.huey is jobs.huey
    assert import_jobs.run_import_step.huey is jobs.huey
