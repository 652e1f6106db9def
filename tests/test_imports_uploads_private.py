"""Uploads are created private (0600, in a 0700 folder) and a scheduled job removes those
nobody booked within a day."""

import io
import os
import stat
import time

from fundtrack.imports import files


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_upload_is_readable_by_fundtrack_alone(tmp_path):
    old = os.umask(0o022)
    try:
        token, _size, _sha = files.store(str(tmp_path), io.BytesIO(b"date;amount\n"), 1000)
    finally:
        os.umask(old)
    assert _mode(files.stored_path(str(tmp_path), token)) == 0o600
    assert _mode(tmp_path / "imports") == 0o700


def test_a_folder_made_before_uploads_were_private_is_closed(tmp_path):
    (tmp_path / "imports").mkdir(mode=0o755)
    files.upload_folder(str(tmp_path))
    assert _mode(tmp_path / "imports") == 0o700


def test_the_hourly_job_removes_uploads_older_than_a_day_and_keeps_the_rest(app, tmp_path):
    from fundtrack.imports import jobs
    from fundtrack.jobs import huey

    assert "sweep_uploads" in {task.__name__ for task in huey._registry._periodic_tasks}
    folder = files.upload_folder(app.instance_path)
    stale, fresh = folder / ("a" * 32 + ".upload"), folder / ("b" * 32 + ".upload")
    for path in (stale, fresh):
        path.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    try:
        with app.app_context():
            jobs.sweep_uploads.call_local()
        assert not stale.exists() and fresh.exists()
    finally:
        fresh.unlink(missing_ok=True)
