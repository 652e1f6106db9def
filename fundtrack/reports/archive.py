"""A year's sent grant reports as one ZIP, for the national office's archive.

Every PDF exactly as it was sent (PDF/A-3b since reports are archived so), with
`SHA256SUMS` (`sha256sum -c` checks it) and `manifest.csv` (file, SHA-256, size, when sent,
grant, project, funder, report). The archive is built from stored bytes only, with each
entry dated when its report was sent, so the same year gives the same bytes every time.
"""

import csv
import io
import zipfile
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, undefer

from fundtrack.auth.access import NotAllowed
from fundtrack.auth.models import User
from fundtrack.grants.models import Grant, ReportObligation
from fundtrack.reports.models import SentReport

MANIFEST_COLUMNS = ("file", "sha256", "size", "sent_at", "grant", "project", "funder", "report")


def sent_in_year(session: Session, year: int) -> list[SentReport]:
    """The reports sent in calendar `year`, oldest first, with their PDFs and grants loaded."""
    stmt = (
        select(SentReport)
        .where(
            SentReport.sent_at >= datetime(year, 1, 1),
            SentReport.sent_at < datetime(year + 1, 1, 1),
        )
        .options(
            undefer(SentReport.pdf),
            joinedload(SentReport.obligation)
            .joinedload(ReportObligation.grant)
            .joinedload(Grant.funder),
        )
        .order_by(SentReport.sent_at, SentReport.id)
    )
    return list(session.scalars(stmt).unique())


# The dates a ZIP entry can carry; a year outside them dates its entries at the edge.
ZIP_FIRST, ZIP_LAST = datetime(1980, 1, 1), datetime(2107, 12, 31, 23, 59, 58)


def _entry(name: str, when: datetime) -> zipfile.ZipInfo:
    when = when.replace(tzinfo=None)  # as stored (PostgreSQL gives it an offset, SQLite not)
    info = zipfile.ZipInfo(name, date_time=min(max(when, ZIP_FIRST), ZIP_LAST).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def sent_archive(session: Session, user: User, year: int) -> bytes:
    """The ZIP of `year`'s sent reports (national office, admins, auditors)."""
    if not user.sees_all_centres:
        raise NotAllowed(
            _l("%(email)s may not download the network's sent reports", email=user.email),
            code="not_network",
        )
    reports = sent_in_year(session, year)
    names: list[str] = []
    manifest = io.StringIO()
    rows = csv.writer(manifest, lineterminator="\n")
    rows.writerow(MANIFEST_COLUMNS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for sent in reports:
            name = sent.filename if sent.filename not in names else f"{sent.id}-{sent.filename}"
            names.append(name)
            archive.writestr(_entry(name, sent.sent_at), bytes(sent.pdf))
            grant = sent.obligation.grant
            sent_at, kind = sent.sent_at.isoformat(), sent.obligation.kind.value
            rows.writerow(
                (name, sent.sha256, sent.size, sent_at, grant.id, grant.project_name,
                 grant.funder.name, kind)
            )  # fmt: skip
        last = max(
            (s.sent_at.replace(tzinfo=None) for s in reports), default=datetime(year, 12, 31)
        )
        sums = "".join(f"{s.sha256}  {n}\n" for s, n in zip(reports, names, strict=True))
        archive.writestr(_entry("SHA256SUMS", last), sums)
        archive.writestr(_entry("manifest.csv", last), manifest.getvalue())
    return buffer.getvalue()
