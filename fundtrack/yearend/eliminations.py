"""What is eliminated when centres are consolidated: the one place the rule is written.

A centre's income from the funder the national office has named as the network's own national
office (`YearEndSettings.national_office_funder_id`) is money the office raised elsewhere and
passed on: it is in the office's own accounts already, with its real source. In a centre's
own statement it is income (affiliated non-profits, usually); in a region's or the network's
consolidated statement it is taken out again, so that no euro is counted twice. Grants the
office applied for and shared among centres (`GrantAllocation`) are paid by the outside funder
to the centres directly: they are income of the centres once and are not eliminated.

The consolidated statement shows the centres' sum, the eliminations and what is left:
consolidated = sum of the centres - eliminations, line by line; the result falls by the
eliminated amount and so does the part of it that goes to (or comes from) the general reserve.
"""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.income.models import IncomeLine
from fundtrack.share.queries import _in_centres, _in_years
from fundtrack.yearend.mappings import settings


def eliminated_income(
    session: Session, centre_ids: Sequence[int] | None, years: int | Sequence[int]
) -> list:
    """Rows (centre_id, fiscal_year, category, total) of the centres' income from the
    national office, summed per centre, year and category; empty when no funder is named.
    One statement, on the income lines' funder index."""
    funder_id = settings(session).national_office_funder_id
    if funder_id is None:
        return []
    stmt = (
        select(
            IncomeLine.centre_id,
            IncomeLine.fiscal_year,
            IncomeLine.category,
            func.sum(IncomeLine.amount).label("total"),
        )
        .where(
            IncomeLine.funder_id == funder_id,
            _in_centres(IncomeLine.centre_id, centre_ids),
            _in_years(IncomeLine.fiscal_year, years),
        )
        .group_by(IncomeLine.centre_id, IncomeLine.fiscal_year, IncomeLine.category)
    )
    return list(session.execute(stmt))
