"""Batch rows as typed: the rows of a posted form, dates as people type them, what a row's
"from" may name, and a month of one funder's lines copied as new rows.

Names are a centre's donors, the funders it may book from and its agreements ("Funder:
title"); the agreements running on the batch's day are offered first (income.agreements).
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import ValidationError
from fundtrack.income.agreements import CentreAgreements
from fundtrack.income.models import Donor, EarmarkedFund, Funder, IncomeLine
from fundtrack.income.operations import BATCH_MAX

ROW_FIELDS = ("date", "counterparty", "category", "amount", "funds", "description")


@dataclass
class Row:
    """One row as typed: text, not yet values."""

    number: int
    date: str = ""
    counterparty: str = ""
    category: str = ""
    amount: str = ""
    description: str = ""
    # An earmarked fund's name, or the gift split: "Kledingbank 60; Zomerkamp 40" (splits)
    funds: str = ""
    new_donor: bool = False
    confirm_duplicate: bool = False
    confirm_incidental: bool = False

    @property
    def blank(self) -> bool:
        # A date alone (carried down into a row never used) is not a line.
        return not any(
            getattr(self, name).strip() for name in ("counterparty", "amount", "description")
        )


def rows_from_form(form) -> list[Row]:
    """The rows of a posted form (`rows-3-amount` and so on), in order, blank ones left out."""
    numbers = sorted(
        {int(m.group(1)) for key in form if (m := re.fullmatch(r"rows-(\d+)-\w+", key))}
    )
    rows = []
    for index in numbers[:BATCH_MAX]:
        values = {name: (form.get(f"rows-{index}-{name}") or "") for name in ROW_FIELDS}
        flags = ("new_donor", "confirm_duplicate", "confirm_incidental")
        row = Row(
            number=len(rows) + 1,
            **{flag: bool(form.get(f"rows-{index}-{flag}")) for flag in flags},
            **values,
        )
        if not row.blank:
            rows.append(row)
    return rows


_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?")


def parse_day(text: str, today: date) -> date:
    """A date as people type it: 2025-06-12, 12-6-2025, 12.6.2025, 12/6 (this year)."""
    typed = text.strip()
    if not typed:
        raise ValidationError("date", _l("is required"), code="required")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", typed):
            return date(*(int(part) for part in typed.split("-")))
        match = _DAY_FIRST.fullmatch(typed)
        if match:
            day, month, year = match.groups()
            year = int(year) if year else today.year
            return date(year + 2000 if year < 100 else year, int(month), int(day))
    except ValueError:
        pass
    raise ValidationError("date", _l("is not a date"), code="not_a_date")


def counterparties(
    session: Session, centre: Centre, agreements: CentreAgreements | None = None
) -> dict[str, dict]:
    """What a row's "from" may name, by the words typed: funders, agreements, donors.

    Agreements read "Funder: title"; a donor's name that a funder also has means the funder.
    """
    found: dict[str, dict] = {}
    for donor in session.scalars(
        select(Donor).where(Donor.centre_id == centre.id, Donor.not_merged()).order_by(Donor.name)
    ):
        found[donor.name] = {"donor": donor.id}
    # Shared funders, and the private persons of this centre only.
    funders = select(Funder).where(Funder.centre_id.is_(None) | (Funder.centre_id == centre.id))
    for funder in session.scalars(funders.order_by(Funder.name)):
        found[funder.name] = {"funder": funder.id}
    for agreement in (agreements or CentreAgreements.load(session, centre.id)).all:
        found[agreement.label] = {"agreement": agreement.id}
    return found


def fund_names(session: Session, centre: Centre) -> dict[str, int]:
    """The centre's earmarked funds by name: what a row's funds may name."""
    return dict(
        session.execute(
            select(EarmarkedFund.name, EarmarkedFund.id)
            .where(EarmarkedFund.centre_id == centre.id)
            .order_by(EarmarkedFund.name)
        ).all()
    )


def offered(session: Session, centre: Centre, day: date) -> list[tuple[str, str]]:
    """The names as (name, kind) in the order a picker offers them: the agreements running
    on `day` first (a funder with several has them at hand), then every name A to Z."""
    agreements = CentreAgreements.load(session, centre.id)
    known = counterparties(session, centre, agreements)
    running = [a.label for a in agreements.offered(day) if a.runs_on(day)]
    first = list(dict.fromkeys(running))  # two agreements may share a label: one name
    rest = sorted((name, next(iter(ids))) for name, ids in known.items() if name not in first)
    return [(name, "agreement") for name in first] + rest


def lookup(known: dict[str, dict], typed: str) -> dict | None:
    if typed in known:
        return known[typed]
    folded = {name.casefold(): ids for name, ids in known.items()}
    return folded.get(typed.casefold())


def copy_rows(
    session: Session,
    user: User,
    centre: Centre,
    counterparty: str,
    source: tuple[int, int],
    target: tuple[int, int],
    locale: str,
) -> list[Row]:
    """A funder's or agreement's lines of the month `source`, as rows dated in `target`.

    Each keeps its day of the month (the 31st becomes the target month's last day), amount,
    category and description: what recurs, ready to confirm or change.
    """
    require_manage(user, centre.id)
    known = counterparties(session, centre)
    ids = lookup(known, counterparty.strip())
    if ids is None:
        raise ValidationError(
            "counterparty",
            _l("no donor, funder or agreement is called %(name)s", name=repr(counterparty.strip())),
            code="unknown_counterparty",
        )
    labels = {ids["agreement"]: name for name, ids in known.items() if "agreement" in ids}
    (year, month), (to_year, to_month) = source, target
    first, last = date(year, month, 1), date(year, month, monthrange(year, month)[1])
    column = {
        "funder": IncomeLine.funder_id,
        "donor": IncomeLine.donor_id,
        "agreement": IncomeLine.agreement_id,
    }
    ((kind, row_id),) = ids.items()
    lines = session.scalars(
        select(IncomeLine)
        .where(
            IncomeLine.centre_id == centre.id,
            column[kind] == row_id,
            IncomeLine.booking_date.between(first, last),
        )
        .order_by(IncomeLine.booking_date, IncomeLine.id)
    )
    rows = []
    for line in lines:
        day = min(line.booking_date.day, monthrange(to_year, to_month)[1])
        name = counterparty.strip()
        if line.agreement_id is not None and kind != "agreement":
            name = labels[line.agreement_id]
        rows.append(
            Row(
                number=len(rows) + 1,
                date=date(to_year, to_month, day).isoformat(),
                counterparty=name,
                category=line.category.value,
                amount=format_decimal(line.amount, format="#,##0.00", locale=locale),
                description=line.description,
            )
        )
    return rows
