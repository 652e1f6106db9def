"""The national office's changes to the year-end mappings: authorised, validated, flushed.

Only the national office and admins (`require_network_manager`); the audit listeners record
every row these add, change or remove. The caller commits.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_network_manager
from fundtrack.auth.models import User
from fundtrack.costs.models import CostCategory
from fundtrack.errors import ValidationError
from fundtrack.income.models import EarmarkedFund, Funder, IncomeCategory
from fundtrack.operations import MAX_ID
from fundtrack.yearend.mappings import DEFAULT_CLEARING
from fundtrack.yearend.models import (
    ExpenseGroup,
    ExpenseGroupMapping,
    JournalAccount,
    PostingSide,
    YearEndSettings,
)

ACCOUNT_MAX = 20


def _enum(kind, value, field: str, code: str):
    try:
        return kind(value)
    except ValueError:
        raise ValidationError(field, _l("this is not one of the choices"), code=code) from None


def set_expense_group(session: Session, user: User, category, group) -> ExpenseGroupMapping:
    """Put a cost category in an expense group (objectives, fundraising, administration)."""
    require_network_manager(user)
    category = _enum(CostCategory, category, "category", "unknown_category")
    group = _enum(ExpenseGroup, group, "expense_group", "unknown_expense_group")
    row = session.get(ExpenseGroupMapping, category)
    if row is None:
        row = ExpenseGroupMapping(category=category, expense_group=group)
        session.add(row)
    else:
        row.expense_group = group
    session.flush()
    return row


def _account_text(value, field: str) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > ACCOUNT_MAX:
        raise ValidationError(
            field,
            _l("an account number has at most %(count)s characters", count=ACCOUNT_MAX),
            code="too_long",
        )
    return text


def _fund(session: Session, fund_id) -> EarmarkedFund | None:
    if fund_id in (None, ""):
        return None
    fund = None
    if isinstance(fund_id, int) and not isinstance(fund_id, bool) and 0 < fund_id <= MAX_ID:
        fund = session.get(EarmarkedFund, fund_id)
    if fund is None:
        raise ValidationError("fund", _l("no such earmarked fund"), code="unknown_fund")
    return fund


def set_account(
    session: Session, user: User, side, category, fund_id, account
) -> JournalAccount | None:
    """The account the journal books `side`'s lines of `category` (None: any category) in
    the fund `fund_id` (None: any fund) on; an empty account removes the row, so the next
    most specific one (or the default) applies again. Returns the row, None when removed."""
    require_network_manager(user)
    side = _enum(PostingSide, side, "side", "unknown_side")
    categories = IncomeCategory if side == PostingSide.INCOME else CostCategory
    if category in (None, ""):
        category = None
    else:
        category = _enum(categories, category, "category", "unknown_category").value
    fund = _fund(session, fund_id)
    if category is None and fund is None:
        raise ValidationError(
            "category", _l("choose a category, a fund or both"), code="category_or_fund"
        )
    account = _account_text(account, "account")
    row = session.scalars(
        select(JournalAccount).where(
            JournalAccount.side == side,
            JournalAccount.category.is_(None)
            if category is None
            else JournalAccount.category == category,
            JournalAccount.earmarked_fund_id.is_(None)
            if fund is None
            else JournalAccount.earmarked_fund_id == fund.id,
        )
    ).first()
    if not account:
        if row is not None:
            session.delete(row)
            session.flush()
        return None
    if row is None:
        row = JournalAccount(side=side, category=category, earmarked_fund=fund, account=account)
        session.add(row)
    else:
        row.account = account
    session.flush()
    return row


def set_settings(
    session: Session, user: User, clearing_account, national_office_funder_id
) -> YearEndSettings:
    """The bank/clearing account of the journal and the funder that is the network's own
    national office (None: none, so nothing is eliminated)."""
    require_network_manager(user)
    clearing = _account_text(clearing_account, "clearing_account")
    if not clearing:
        raise ValidationError("clearing_account", _l("is required"), code="required")
    funder = None
    if national_office_funder_id not in (None, ""):
        if (
            isinstance(national_office_funder_id, int)
            and not isinstance(national_office_funder_id, bool)
            and 0 < national_office_funder_id <= MAX_ID
        ):
            funder = session.get(Funder, national_office_funder_id)
        if funder is None or funder.centre_id is not None:
            raise ValidationError(
                "national_office_funder", _l("no such funder"), code="unknown_funder"
            )
    row = session.get(YearEndSettings, 1)
    if row is None:
        row = YearEndSettings(id=1, clearing_account=DEFAULT_CLEARING)
        session.add(row)
    row.clearing_account = clearing
    row.national_office_funder = funder
    session.flush()
    return row
