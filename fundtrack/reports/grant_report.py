"""The report for a grant maker: its data (`grant_report`) and its PDF (`grant_pdf`).

Money comes from the grants' figures (`fundtrack.grants.figures`) and the share service, words
from the grant and the report's draft (narrative, language). Individual donors are never named
in a report that leaves the organisation: their gifts appear as one line, "donations".
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import load_visible
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.errors import NotFound
from fundtrack.grants.figures import Period, allocation_money, grant_money, report_period
from fundtrack.grants.figures import money as in_cents
from fundtrack.grants.models import GoalKind, Grant, ReportKind, ReportObligation
from fundtrack.grants.operations import AWARDED_STATES, awarded_on, needs_auditor_statement
from fundtrack.income.models import Funder, IncomeLine
from fundtrack.labels import (
    COST_CATEGORY_LABELS,
    GRANT_STATE_LABELS,
    REPORT_KIND_LABELS,
    label_of,
)
from fundtrack.reports import grant_sections as sections
from fundtrack.reports.figures import exact_share, figures_dict, number_format, running_year
from fundtrack.reports.markdown import render_markdown
from fundtrack.reports.models import ReportDraft
from fundtrack.reports.render import in_language, network_language, render_pdf, report_language
from fundtrack.share import charts
from fundtrack.share.service import funding_share, share_trend

TEMPLATE = "reports/grant.html"
PERCENT = Decimal("0.0001")
ZERO = Decimal("0.00")


def report_obligation(grant: Grant, obligation_id: int | None) -> ReportObligation | None:
    """The obligation asked for, else the first unsent one (final reports last), else None."""
    if obligation_id is not None:
        found = next((o for o in grant.obligations if o.id == obligation_id), None)
        if found is None:
            raise NotFound(
                "obligation",
                _l("no report %(id)s owed on this application", id=obligation_id),
            )
        return found
    unsent = [o for o in grant.obligations if o.sent_on is None]
    finals = [o for o in grant.obligations if o.kind == ReportKind.FINAL]
    return (unsent or finals or [None])[0]


def report_kind(grant: Grant, obligation: ReportObligation | None) -> str:
    """What the report is, from the application's state: an interim or final report only
    once money was awarded; before or without an award, the application itself ("Application
    (rejected)"), never a final report on a grant that was never made."""
    if grant.state in AWARDED_STATES:
        kind = obligation.kind.value if obligation else "final"
        return str(label_of(REPORT_KIND_LABELS, kind))
    # Mid-sentence: "Application (rejected)", the state's word as a screen writes it, lowered.
    state = label_of(GRANT_STATE_LABELS, grant.state).lower()
    return gettext("Application (%(state)s)", state=state)


def draft_of(session: Session, obligation: ReportObligation | None) -> ReportDraft | None:
    if obligation is None:
        return None
    stmt = select(ReportDraft).where(ReportDraft.obligation_id == obligation.id)
    return session.scalars(stmt).one_or_none()


def default_language(session: Session, draft: ReportDraft | None) -> str:
    """The draft's language, else the network's (a Norwegian network writes Norwegian)."""
    if draft is not None:
        return draft.language
    return network_language(session)


def _percent(part, whole) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _goals(session: Session, grant: Grant, period: Period) -> tuple[list[dict], list[dict]]:
    counted = sections.counted_goals(session, grant, period, _percent)
    described = [
        {"description": g.description, "result": render_markdown(g.result)}
        for g in grant.goals
        if g.kind == GoalKind.QUALITATIVE
    ]
    return counted, described


def _income(session: Session, grant: Grant, period: Period) -> dict:
    """The funder's tranches line by line; other income summed per funder in SQL (donors'
    gifts as one line, "donations"); booked within the period when it covers a period only."""
    tranches = session.scalars(
        select(IncomeLine)
        .where(
            IncomeLine.grant_id == grant.id,
            IncomeLine.funder_id == grant.funder_id,
            period.income(),
        )
        .order_by(IncomeLine.booking_date, IncomeLine.id)
    ).all()
    others_by_funder = session.execute(
        select(Funder.name, func.sum(IncomeLine.amount))
        .outerjoin(Funder, Funder.id == IncomeLine.funder_id)
        .where(
            IncomeLine.grant_id == grant.id,
            or_(IncomeLine.funder_id.is_(None), IncomeLine.funder_id != grant.funder_id),
            period.income(),
        )
        .group_by(Funder.name)
    ).all()
    others: dict[str, Decimal] = {}
    for name, amount in others_by_funder:
        name = name if name is not None else gettext("Donations")
        others[name] = others.get(name, ZERO) + in_cents(amount)
    return {
        "tranches": [
            {
                "date": line.booking_date,
                "reference": line.reference or line.description,
                "amount": line.amount,
            }
            for line in tranches
        ],
        "others": [{"name": name, "amount": amount} for name, amount in sorted(others.items())],
    }


def _budget(session: Session, grant: Grant, period: Period) -> tuple[list[dict], dict, object]:
    money = grant_money(session, grant, period)
    rows = [
        {
            "category": row.category,
            "label": label_of(COST_CATEGORY_LABELS, row.category),
            "description": row.description,
            "budgeted": row.budgeted,
            "spent": row.spent,
            "difference": row.left,
        }
        for row in money.budget
    ]
    totals = {
        "budgeted": money.budgeted,
        "spent": money.spent,
        "difference": money.budgeted - money.spent,
    }
    return rows, totals, money


def _context(session: Session, user: User, grant: Grant, year: int) -> dict:
    """The funding picture of the applicant (centre, or the network for the office's grants)."""
    network = current_network(session)
    fmt, running = number_format(network), running_year(network)
    code = grant.centre.code if grant.centre else None
    share = funding_share(session, user, year, centre_code=code)
    points = share_trend(session, user, centre_code=code)
    figures = share.centres[0] if code else share.network
    title = (
        gettext("%(code)s structural share per year", code=code)
        if code
        else gettext("Structural share per year, network")
    )
    return {
        "year": year,
        "target": exact_share(share.target),
        "figures": figures_dict(figures),
        "chart": charts.share_trend_chart(points, share.target, fmt, title, running),
    }


def grant_report(
    session: Session, user: User, grant_id: int, obligation_id: int | None = None
) -> dict:
    """Everything a grant maker's report shows, as plain values. LookupError when the user
    may not see the grant (or the obligation is not the grant's).

    Keys: organisation, title, grant (who applied and for what), summary and narrative (safe
    HTML from Markdown), goals_counted, goals_described, budget, budget_totals, income
    (tranches and other funders), income_totals, auditor_statement, context (the applicant's
    structural share that year, with its chart), obligation, language.
    Call it inside `render.in_language(result-language)`; `grant_pdf` does both.
    """
    grant = load_visible(session, Grant, grant_id, user)
    obligation = report_obligation(grant, obligation_id)
    return _report(session, user, grant, obligation, draft_of(session, obligation))


def _report(
    session: Session,
    user: User,
    grant: Grant,
    obligation: ReportObligation | None,
    draft: ReportDraft | None,
) -> dict:
    network = current_network(session)
    period = report_period(grant, obligation, network)
    counted, described = _goals(session, grant, period)
    budget, budget_totals, money = _budget(session, grant, period)
    income = _income(session, grant, period)
    received, co_funding = money.received, money.co_funding
    organisation = grant.centre.name if grant.centre else network.name
    year = network.fiscal_year_of(min(grant.end_date, date.today()))
    kind = report_kind(grant, obligation)
    return {
        "organisation": organisation,
        "title": f"{kind}: {grant.project_name}",
        "report_kind": kind,
        "currency": grant.currency,
        "grant": {
            "id": grant.id,
            "programme": grant.programme,
            "project_name": grant.project_name,
            "funder": grant.funder.name,
            "organisation": organisation,
            "project_leader": grant.project_leader,
            "start_date": grant.start_date,
            "end_date": grant.end_date,
            "amount_requested": grant.amount_requested,
            "amount_awarded": grant.amount_awarded,
            "state": label_of(GRANT_STATE_LABELS, grant.state),
            "funder_reference": grant.funder_reference,
            "awarded_on": awarded_on(grant),
            "organisation_number": (grant.centre or network).organisation_number,
            "signatory": grant.signatory,
        },
        "summary": render_markdown(grant.summary),
        "narrative": render_markdown(draft.narrative if draft else ""),
        "period": sections.period_dict(period),
        "spending": sections.spending(session, grant, period, money),
        "in_kind": sections.in_kind(session, grant, period, network),
        "unspent": sections.unspent(grant, obligation, money),
        "allocations": allocation_money(session, grant, period),
        "goals_counted": counted,
        "goals_described": described,
        "budget": budget,
        "budget_totals": budget_totals,
        "income": income,
        "income_totals": {
            "received": received,
            "co_funding": co_funding,
            "total": received + co_funding,
            "spent": money.spent,
            "remaining": received + co_funding - money.spent,
            "still_to_come": money.still_to_come,
        },
        "auditor_statement": grant.auditor_statement_required
        or needs_auditor_statement(grant.funder, grant.amount_awarded),
        "context": _context(session, user, grant, year),
        "obligation": {
            "id": obligation.id,
            "kind": obligation.kind.value,
            "due_date": obligation.due_date,
            "sent_on": obligation.sent_on,
        }
        if obligation
        else None,
        "language": default_language(session, draft),
    }


def grant_pdf(
    session: Session,
    user: User,
    grant_id: int,
    obligation_id: int | None = None,
    language: str | None = None,
    archival: bool = False,
) -> bytes:
    """The grant report as PDF bytes, in `language`, else the draft's (or network's) language;
    PDF/A-3b when `archival` (what a sent report is kept as)."""
    grant = load_visible(session, Grant, grant_id, user)
    obligation = report_obligation(grant, obligation_id)
    draft = draft_of(session, obligation)
    language = report_language(language or default_language(session, draft))
    with in_language(language):
        data = _report(session, user, grant, obligation, draft)
        data["language"] = language
        return render_pdf(TEMPLATE, lang=language, archival=archival, **data)
