"""The statement on screen, as PDF and XLSX; the journal export; the office's mapping page.

Thin views: they load what the user may see (`statement` and `journal` answer LookupError for
another centre, and the route 404), call the operations for the mappings and render.
"""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from fundtrack.centres.models import Region
from fundtrack.costs.models import CostCategory
from fundtrack.downloads import download
from fundtrack.errors import DomainError, NotAllowed
from fundtrack.extensions import db
from fundtrack.income.models import EarmarkedFund, Funder, IncomeCategory
from fundtrack.labels import (
    CATEGORY_LABELS,
    COST_CATEGORY_LABELS,
    EXPENSE_GROUP_LABELS,
    POSTING_SIDE_LABELS,
    ROW_KIND_LABELS,
    label_of,
)
from fundtrack.reports.views import requested_language, requested_year
from fundtrack.yearend import operations
from fundtrack.yearend.documents import statement_pdf, statement_title, statement_xlsx
from fundtrack.yearend.journal import journal, journal_csv, journal_xlsx
from fundtrack.yearend.mappings import DEFAULT_ACCOUNTS, Accounts, expense_groups, settings
from fundtrack.yearend.models import ExpenseGroup, JournalAccount, PostingSide
from fundtrack.yearend.statement import statement

bp = Blueprint("yearend", __name__)


class MappingForm(FlaskForm):
    """Only the CSRF token: the page's fields are read by name and checked by the operations."""


def _call(function, *args, **kwargs):
    try:
        return function(db.session, current_user, *args, **kwargs)
    except LookupError:
        abort(404)  # another centre's, or no such centre or region: alike


def _require_network_viewer() -> None:
    if not current_user.sees_all_centres:
        abort(403)


def _page(result, **links):
    return render_template(
        "yearend/statement.html",
        statement=result,
        title=statement_title(result),
        year=result.year,
        years=range(result.year + 1, result.year - 5, -1),
        **links,
    )


@bp.route("/centres/<code>/statement")
@login_required
def centre_statement(code: str):
    result = _call(statement, requested_year(), centre_code=code)
    return _page(result, code=code)


@bp.route("/centres/<code>/statement.<any(pdf, xlsx):kind>")
@login_required
def centre_statement_file(code: str, kind: str):
    year = requested_year()
    if kind == "pdf":
        pdf = _call(statement_pdf, year, requested_language(), centre_code=code)
        return download(pdf, "statement", code, year, kind="pdf")
    result = _call(statement, year, centre_code=code)
    return download(statement_xlsx(result), "statement", code, year, kind="xlsx")


@bp.route("/statement")
@login_required
def network_statement():
    _require_network_viewer()
    region = request.args.get("region") or None
    result = _call(statement, requested_year(), region_code=region)
    return _page(result, region=region, regions=_regions())


def _regions():
    return db.session.execute(select(Region.code, Region.name).order_by(Region.code)).all()


@bp.route("/statement.<any(pdf, xlsx):kind>")
@login_required
def network_statement_file(kind: str):
    _require_network_viewer()
    region, year = request.args.get("region") or None, requested_year()
    if kind == "pdf":
        pdf = _call(statement_pdf, year, requested_language(), region_code=region)
        return download(
            pdf, "statement", region or label_of(ROW_KIND_LABELS, "network"), year, kind="pdf"
        )
    result = _call(statement, year, region_code=region)
    return download(
        statement_xlsx(result),
        "statement",
        region or label_of(ROW_KIND_LABELS, "network"),
        year,
        kind="xlsx",
    )


@bp.route("/centres/<code>/journal.<any(csv, xlsx):kind>")
@login_required
def centre_journal(code: str, kind: str):
    clearing = (request.args.get("clearing") or "").strip() or None
    try:
        result = _call(journal, code, requested_year(), clearing)
    except DomainError:
        abort(400)
    # A byte order mark lets a spreadsheet read the CSV's accents as UTF-8.
    body = "\ufeff" + journal_csv(result) if kind == "csv" else journal_xlsx(result)
    return download(body, "journal", code, result.year, kind=kind)


def _posted(name: str):
    value = request.form.get(name, "").strip()
    return value or None


def _int(name: str):
    value = _posted(name)
    return int(value) if value and value.isdigit() else value


@bp.route("/statement/settings", methods=["GET", "POST"])
@login_required
def mapping():
    """The national office's mappings: expense groups, accounts, clearing account and the
    funder that is the national office."""
    if not current_user.can_manage_network:
        abort(403)
    form = MappingForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            _save(request.form.get("part"))
            db.session.commit()
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(gettext("The year-end mappings are saved."))
            return redirect(url_for("yearend.mapping"))
    accounts = Accounts(db.session)
    fund_rows = db.session.scalars(
        select(JournalAccount)
        .where(JournalAccount.earmarked_fund_id.is_not(None))
        .order_by(JournalAccount.side, JournalAccount.earmarked_fund_id, JournalAccount.id)
    ).all()
    funds = db.session.scalars(select(EarmarkedFund).order_by(EarmarkedFund.name)).all()
    return render_template(
        "yearend/mapping.html",
        form=form,
        settings=settings(db.session),
        funders=db.session.scalars(
            select(Funder).where(Funder.centre_id.is_(None)).order_by(Funder.name)
        ).all(),
        groups=expense_groups(db.session),
        group_choices=list(ExpenseGroup),
        income_accounts=[
            (
                c.value,
                CATEGORY_LABELS[c.value],
                accounts.of(PostingSide.INCOME, c.value, None),
                DEFAULT_ACCOUNTS[(PostingSide.INCOME, c.value)],
            )
            for c in IncomeCategory
        ],  # fmt: skip
        cost_accounts=[
            (
                c.value,
                COST_CATEGORY_LABELS[c.value],
                accounts.of(PostingSide.COST, c.value, None),
                DEFAULT_ACCOUNTS[(PostingSide.COST, c.value)],
            )
            for c in CostCategory
        ],  # fmt: skip
        fund_rows=fund_rows,
        funds=funds,
        cost_category_labels=COST_CATEGORY_LABELS,
        category_labels=CATEGORY_LABELS,
        group_labels=EXPENSE_GROUP_LABELS,
        side_labels=POSTING_SIDE_LABELS,
    )


def _save(part: str | None) -> None:
    session, user = db.session, current_user
    if part == "settings":
        operations.set_settings(
            session, user, _posted("clearing_account"), _int("national_office_funder")
        )
        for category in CostCategory:
            operations.set_expense_group(
                session, user, category.value, _posted(f"group-{category.value}")
            )
    elif part == "accounts":
        for side, categories in ((PostingSide.INCOME, IncomeCategory),
                                 (PostingSide.COST, CostCategory)):  # fmt: skip
            for category in categories:
                value = _posted(f"{side.value}-{category.value}")
                if value == DEFAULT_ACCOUNTS[(side, category.value)]:
                    value = None  # the default again: no row of the office's
                operations.set_account(session, user, side.value, category.value, None, value)
    elif part == "fund":
        operations.set_account(
            session,
            user,
            _posted("side"),
            _posted("category"),
            _int("fund"),
            _posted("account"),
        )
    else:
        abort(400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
