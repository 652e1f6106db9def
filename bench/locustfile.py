"""The load scenario of bench/load.py: who does what, at 50 users by default.

Runs inside locust (a venv of its own; see bench/load.py), so it imports nothing of fundtrack:
the accounts and files come from the JSON that bench/load.py writes (LOAD_ACCOUNTS).

- Treasurers (most users) open batch entry and book a batch of five gifts, look at their
  centre's figures, and now and then import a small bank statement (camt.053) and book it.
- The national office reads the dashboard, a centre's page and its PDF report, and
  downloads the dashboard as a spreadsheet.
- A health check is asked all along, as the baseline the other routes are compared with.
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import time
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
_TREASURERS = itertools.cycle(ACCOUNTS["treasurers"])
_NATIONAL = itertools.cycle(ACCOUNTS["national"])
_FILES = iter(ACCOUNTS["statements"])
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_GIFTS = itertools.count(1)


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, 6 digits, 30 s (what authenticator apps and pyotp use)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Signed(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def csrf(self, path: str, name: str | None = None) -> str:
        page = self.client.get(path, name=name or path)
        found = _CSRF.search(page.text)
        return found.group(1) if found else ""

    def sign_in(self, email: str, password: str, secret: str | None = None) -> None:
        token = self.csrf("/login")
        self.client.post(
            "/login",
            name="/login",
            data={"csrf_token": token, "email": email, "password": password},
        )
        if secret is None:
            return
        for _attempt in range(3):
            # A code is good once: a second user of the same step waits for the next one.
            token = self.csrf("/login/code")
            answer = self.client.post(
                "/login/code", name="/login/code", data={"csrf_token": token, "code": totp(secret)}
            )
            if "/login/code" not in answer.url:
                return
            time.sleep(31 - time.time() % 30)


class Treasurer(Signed):
    weight = 6

    def on_start(self) -> None:
        account = next(_TREASURERS)
        self.centre = account["centre"]
        self.sign_in(account["email"], account["password"])

    @task(6)
    def book_a_batch(self) -> None:
        token = self.csrf("/income/batch")
        day = (date.today() - timedelta(days=3)).strftime("%d-%m-%Y")
        form = {
            "csrf_token": token,
            "centre": self.centre,
            "expected_count": "5",
            "expected_total": "125,00",
        }
        for i in range(5):
            gift = next(_GIFTS)
            form |= {
                f"rows-{i}-date": day,
                f"rows-{i}-counterparty": f"Load donor {gift}",
                f"rows-{i}-new_donor": "1",
                f"rows-{i}-amount": "25,00",
                f"rows-{i}-description": f"gift {gift}",
            }
        self.client.post("/income/batch", data=form, name="/income/batch [book 5]")

    @task(4)
    def my_centre(self) -> None:
        self.client.get("/my-centre", name="/my-centre")

    @task(1)
    def import_a_statement(self) -> None:
        path = next(_FILES, None)
        if path is None:
            return
        token = self.csrf("/imports/")
        with open(path, "rb") as handle:
            preview = self.client.post(
                "/imports/",
                name="/imports/ [upload and preview]",
                data={"csrf_token": token, "centre": self.centre},
                files={"file": (os.path.basename(path), handle)},
            )
        found = re.search(r"/imports/(\d+)", preview.url)
        if found:
            number = found.group(1)
            self.client.post(
                f"/imports/{number}/commit",
                name="/imports/ID/commit",
                data={"csrf_token": _CSRF.search(preview.text).group(1)},
            )


class NationalOffice(Signed):
    weight = 3

    def on_start(self) -> None:
        account = next(_NATIONAL)
        self.sign_in(account["email"], account["password"], account["secret"])
        self.centres = itertools.cycle(ACCOUNTS["centres"])

    @task(5)
    def dashboard(self) -> None:
        self.client.get("/dashboard", name="/dashboard")

    @task(3)
    def centre_page(self) -> None:
        self.client.get(f"/centres/{next(self.centres)}", name="/centres/CODE")

    @task(2)
    def centre_report(self) -> None:
        self.client.get(
            f"/centres/{next(self.centres)}/report.pdf", name="/centres/CODE/report.pdf"
        )

    @task(1)
    def dashboard_spreadsheet(self) -> None:
        self.client.get("/dashboard.xlsx", name="/dashboard.xlsx")


class HealthCheck(HttpUser):
    weight = 1
    wait_time = between(0.5, 1)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
