"""A hostile workbook cannot take the server down, and leaves nothing behind.

A workbook of about 1.5 KB with one cell at XFD1048576 makes calamine ask for 512 GiB; the
allocation fails and the process aborts. The reader therefore runs in a child process; the
live-server test below uploads such a file to a real server process, as production does.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from fundtrack.imports import files
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.onboarding.read import read_workbook
from fundtrack.imports.parsers import table
from tests import hostile_files
from tests.databases import fresh_database
from tests.serve_app import EMAIL, PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def test_a_workbook_that_declares_an_enormous_sheet_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "declared.xlsx"
    hostile_files.workbook(path, dimension="A1:XFD1048576")
    assert path.stat().st_size < 2000
    with pytest.raises(ImportFileError, match="1,048,576 rows by 16,384 columns"):
        files.detect_kind(path.read_bytes()[:8192], path)


def test_a_workbook_of_ordinary_size_is_read_in_the_child_process(tmp_path):
    path = tmp_path / "plain.xlsx"
    hostile_files.workbook(path)
    files.check_workbook(path)
    assert list(table.xlsx_rows(path)) == [(1, ["date", "amount"])]


def test_a_cell_far_beyond_the_declared_size_is_refused_by_the_memory_limit(tmp_path):
    path = tmp_path / "far.xlsx"
    hostile_files.workbook(path, dimension="A1:B1", far_cell="XFD1048576")
    files.check_workbook(path)  # the declaration lies: only reading finds the far cell
    with pytest.raises(ImportFileError, match="more than .* MiB of memory"):
        list(table.xlsx_rows(path))


def test_an_onboarding_workbook_with_a_far_cell_is_refused_and_this_process_lives(tmp_path):
    path = tmp_path / "far.xlsx"
    hostile_files.workbook(path, dimension="A1", far_cell="XFD1048576")
    with pytest.raises(ImportFileError, match="more than .* MiB of memory"):
        read_workbook(path, "nl")


@pytest.fixture
def served(app, tmp_path):
    """A fundtrack server process on a database of its own; its instance folder."""
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url, drop = fresh_database(base, f"served_{worker}", str(tmp_path))
    instance = tmp_path / "instance"
    env = dict(os.environ, FUNDTRACK_ENV="development", FUNDTRACK_INSTANCE=str(instance))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.serve_app", url],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        port = int(process.stdout.readline())
        yield process, f"http://127.0.0.1:{port}", instance
    finally:
        process.kill()
        process.wait(30)
        drop()


@pytest.mark.no_db
def test_a_hostile_workbook_upload_leaves_the_server_answering_and_nothing_on_disk(
    served, tmp_path
):
    process, base, instance = served
    path = tmp_path / "hostile.xlsx"
    hostile_files.workbook(path, dimension="A1:B1", far_cell="XFD1048576")
    browser = requests.Session()
    signed_in = browser.post(f"{base}/login", data={"email": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 200 and "/login" not in signed_in.url
    with open(path, "rb") as upload:
        answer = browser.post(
            f"{base}/imports/", data={"centre": "SRV"}, files={"file": ("income.xlsx", upload)}
        )
    assert answer.status_code == 200
    assert re.search(r"cannot be imported: the workbook asks for more than \d+ MiB", answer.text)
    assert process.poll() is None, "the server process died"
    assert browser.get(f"{base}/imports/").status_code == 200
    assert list((instance / "imports").iterdir()) == []
