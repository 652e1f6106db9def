"""A hostile file cannot take the server down, and leaves nothing behind.

A workbook of about 1.5 KB with one cell at XFD1048576 makes calamine ask for 512 GiB; the
allocation fails and the process aborts. Every reader (workbooks, CSV, camt.053, MT940)
therefore runs in a child process with a memory and time limit; the live-server tests below
upload hostile files to a real server process, as production does.
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
from fundtrack.imports.parsers import read_entries, table, table_head
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
    env = dict(
        os.environ,
        FUNDTRACK_ENV="development",
        FUNDTRACK_INSTANCE=str(instance),
        FUNDTRACK_PARSER_SECONDS="30",
        # Big files are read by a job: here inline, as the worker would.
        FUNDTRACK_JOBS_IMMEDIATE="1",
    )
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


BANKS = ROOT / "tests" / "fixtures" / "banks"


@pytest.mark.parametrize(
    ("kind", "read"),
    [
        (files.CAMT, lambda path: list(read_entries(path, files.CAMT, {}))),
        (files.MT940, lambda path: list(read_entries(path, files.MT940, {}))),
        (files.CSV, lambda path: table_head(path, files.CSV, {})),
    ],
)
def test_statements_and_csv_files_are_read_in_a_child_under_the_memory_limit(
    kind, read, tmp_path, monkeypatch
):
    """A limit no reader can work in refuses even a good file: the reading happens in a
    child process that has it, not in this one."""
    path = tmp_path / "good"
    if kind == files.CSV:
        path.write_text("date;amount\n2024-01-02;10,00\n")
    else:
        sample = "camt053/genkgo/camt053.v2.with-account-name.xml" if kind == files.CAMT else None
        path = BANKS / (sample or "mt940/handmade/german-account-number-utf8.sta")
    assert read(path)  # read as it stands
    monkeypatch.setenv("FUNDTRACK_PARSER_MEMORY_MB", "16")
    with pytest.raises(ImportFileError, match="more than 16 MiB of memory"):
        read(path)


def test_a_refusal_in_the_child_keeps_its_row_and_message(tmp_path):
    path = tmp_path / "long.sta"
    hostile_files.mt940_statement(path, text_bytes=20_000)
    with pytest.raises(ImportFileError, match=r"holds \d+ characters; at most 10000") as refused:
        list(read_entries(path, files.MT940, {}))
    assert refused.value.row == 1


@pytest.mark.no_db
def test_hostile_statements_and_csv_leave_the_server_answering_and_nothing_on_disk(
    served, tmp_path
):
    process, base, instance = served
    browser = requests.Session()
    signed_in = browser.post(f"{base}/login", data={"email": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 200 and "/login" not in signed_in.url
    made = {
        "deep.xml": (
            hostile_files.camt_statement,
            r"the XML is broken or cut off \(Excessive depth",
        ),
        "long.sta": (hostile_files.mt940_statement, r"holds \d+ characters; at most 10000"),
        "field.csv": (hostile_files.csv_one_field, r"cannot be imported: row 2: .*field limit"),
    }
    for name, (make, refusal) in made.items():
        path = tmp_path / name
        make(path)
        with open(path, "rb") as upload:
            answer = browser.post(
                f"{base}/imports/", data={"centre": "SRV"}, files={"file": (name, upload)}
            )
        assert answer.status_code == 200, name
        assert re.search(refusal, answer.text), (name, answer.text[-3000:])
        assert process.poll() is None, "the server process died"
        assert browser.get(f"{base}/imports/").status_code == 200
        assert list((instance / "imports").iterdir()) == [], name
