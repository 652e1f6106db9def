"""Generated requests, stateful phase included, through gunicorn: no 5xx, no broken or hung
response, nothing that breaks the OpenAPI document. The same run a client would make."""

import re
import subprocess
import sys
from pathlib import Path

MAX_EXAMPLES = 10


def test_generated_requests_through_the_served_app_find_nothing(served, tmp_path):
    schemathesis = Path(sys.executable).with_name("schemathesis")
    report = tmp_path / "report"
    run = subprocess.run(
        [
            str(schemathesis), "run", f"{served.url}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {served.token}",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", str(MAX_EXAMPLES),
            "--request-timeout", "30",
            "--checks", "all",
            # Valid by the document is not always valid by the books (a centre code that does
            # not exist): a clear 4xx is right there.
            "--exclude-checks", "positive_data_acceptance",
            # Speed is bench/'s business; a hung request fails at the request timeout.
            "--max-response-time", "30",
            "--generation-deterministic",
            "--no-color",
            "--report", "junit", "--report-dir", str(report),
        ],
        capture_output=True, text=True, timeout=900,
        cwd=tmp_path,  # its cache of findings stays out of the repository
    )  # fmt: skip
    tail = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, tail + "\n\nserver log:\n" + served.log.read_text()[-4000:]
    # It tested what the document offers, not an empty shell of it.
    operations = int(re.search(r"Tested: (\d+)", run.stdout).group(1))
    generated = int(re.search(r"(\d+) generated", run.stdout).group(1))
    assert operations >= 60 and generated >= 1000, tail
    print(f"schemathesis through gunicorn: {operations} operations, {generated} requests")
