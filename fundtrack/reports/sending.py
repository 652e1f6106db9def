"""Sent is sent: the exact PDF a grant maker received is kept, with its SHA-256, who and when.

A sent report is rendered as PDF/A-3b, tagged for accessibility: the archival form.

`send_report` renders the obligation's report once, stores those bytes and marks the
obligation sent; the stored PDF is what `sent_report` serves ever after, whatever changes in
the books later. Drafts (narrative and language) can change until the report is sent.
"""

import hashlib
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import load_visible
from fundtrack.auth.models import User
from fundtrack.errors import Conflict, NotFound, ValidationError
from fundtrack.grants.models import Grant
from fundtrack.grants.operations import require_manage_grant
from fundtrack.grants.parts import update_obligation
from fundtrack.reports.grant_report import (
    default_language,
    draft_of,
    grant_pdf,
    report_obligation,
)
from fundtrack.reports.models import ReportDraft, SentReport
from fundtrack.reports.render import LANGUAGES, report_language

MAX_NARRATIVE = 100_000


def _obligation(session: Session, user: User, grant_id: int, obligation_id: int):
    grant = load_visible(session, Grant, grant_id, user)
    try:
        return grant, report_obligation(grant, obligation_id)
    except NotFound as error:
        raise NotFound("id", error.message, code=error.code) from None


def save_draft(
    session: Session, user: User, grant_id: int, obligation_id: int, narrative: str, language: str
) -> ReportDraft:
    """Keep the narrative (Markdown) and language of a report not yet sent; flushed."""
    grant, obligation = _obligation(session, user, grant_id, obligation_id)
    require_manage_grant(user, grant)
    if language not in LANGUAGES:
        raise ValidationError(
            "language",
            _l("one of %(languages)s", languages=", ".join(LANGUAGES)),
            code="not_a_choice",
        )
    if len(narrative or "") > MAX_NARRATIVE:
        raise ValidationError(
            "narrative", _l("at most %(limit)s characters", limit=MAX_NARRATIVE), code="too_long"
        )
    if obligation.sent_on is not None:
        raise Conflict(
            "obligation",
            _l("this report was sent; its PDF can no longer change"),
            code="report_sent",
        )
    draft = draft_of(session, obligation) or ReportDraft(obligation_id=obligation.id)
    draft.narrative, draft.language = narrative or "", language
    session.add(draft)
    session.flush()
    return draft


def send_report(
    session: Session, user: User, grant_id: int, obligation_id: int, language: str | None = None
) -> SentReport:
    """Render the report, keep its bytes and mark the obligation sent today; flushed."""
    grant, obligation = _obligation(session, user, grant_id, obligation_id)
    require_manage_grant(user, grant)
    if obligation.sent_on is not None or _stored(session, obligation.id) is not None:
        raise Conflict("obligation", _l("this report was sent already"), code="report_sent")
    language = report_language(language or default_language(session, draft_of(session, obligation)))
    # Kept as PDF/A-3b, the archival form, exactly as sent.
    pdf = grant_pdf(session, user, grant.id, obligation.id, language, archival=True)
    sent = SentReport(
        obligation_id=obligation.id,
        filename=f"grant-{grant.id}-{obligation.kind.value}-report-{obligation.due_date}.pdf",
        language=language,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pdf=pdf,
        sent_by_id=user.id,
    )
    session.add(sent)
    update_obligation(session, user, obligation, {"sent_on": date.today()})
    session.flush()
    return sent


def _stored(session: Session, obligation_id: int) -> SentReport | None:
    stmt = select(SentReport).where(SentReport.obligation_id == obligation_id)
    return session.scalars(stmt).one_or_none()


def sent_report(session: Session, user: User, grant_id: int, obligation_id: int) -> SentReport:
    """The PDF as it was sent, for anyone who may see the grant; NotFound when not sent."""
    _grant, obligation = _obligation(session, user, grant_id, obligation_id)
    stored = _stored(session, obligation.id)
    if stored is None:
        raise NotFound("obligation", _l("this report has not been sent"), code="report_not_sent")
    return stored
