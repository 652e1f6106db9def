"""Batch entry screen: a month of income typed as rows, saved in one go.

One page load per batch: the page posts the rows with a small script (static/batch-entry.js)
and swaps in the answer, the same form with each refusal beside its row and field, or a
fresh batch with what was booked. Without the script the form posts and the page comes back.
"""

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, render_template, request, session, url_for
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _
from flask_login import current_user, login_required

from fundtrack.auth.access import may_change, visible
from fundtrack.centres.models import Centre, Network
from fundtrack.errors import ValidationError
from fundtrack.extensions import db
from fundtrack.formatting import network_format
from fundtrack.income import batch, batch_rows
from fundtrack.income.models import IncomeCategory
from fundtrack.labels import CATEGORY_LABELS
from fundtrack.money import parse_amount

bp = Blueprint("income_entry", __name__, url_prefix="/income")
LAST_DATE = "fundtrack_last_booking_date"


def _locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def last_booking_date() -> date:
    """The date this session last booked a line on, else today: the form's default date."""
    stored = session.get(LAST_DATE)
    try:
        return date.fromisoformat(stored) if stored else date.today()
    except ValueError:
        return date.today()


def remember_booking_date(day: date) -> None:
    session[LAST_DATE] = day.isoformat()


def _centre() -> Centre:
    """The centre the batch is for: the treasurer's own, or the one the office picked."""
    code = request.values.get("centre") or (current_user.centre.code if current_user.centre else "")
    centre = db.session.scalars(visible(Centre, current_user).where(Centre.code == code)).first()
    if centre is None:
        centre = db.session.scalars(
            visible(Centre, current_user).where(Centre.active.is_(True)).order_by(Centre.code)
        ).first()
    if centre is None:
        abort(404)
    if not may_change(current_user, centre):
        abort(403)
    return centre


def _month(text: str | None, default: date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        return default.year, default.month


def _previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def _expected(result_errors: dict):
    """The expected count and total as typed; refusals go to `result_errors`."""
    count_text = (request.form.get("expected_count") or "").strip()
    total_text = (request.form.get("expected_total") or "").strip()
    count = total = None
    if count_text:
        if count_text.isascii() and count_text.isdigit() and len(count_text) <= 9:
            count = int(count_text)
        else:
            result_errors["expected_count"] = gettext("a whole number of lines")
    else:
        result_errors["expected_count"] = gettext("How many lines are on the statement?")
    if total_text:
        try:
            total = parse_amount(total_text, _locale(), "expected_total")
        except ValidationError as error:
            result_errors["expected_total"] = str(error.message)
    else:
        result_errors["expected_total"] = gettext("What do the lines add up to?")
    return count, total


def _batch_messages(result: batch.BatchResult) -> list[str]:
    fmt = network_format()
    words = []
    for kind, values in result.batch_errors:
        if kind == "count":
            words.append(
                gettext(
                    "You counted %(expected)s lines; the batch has %(counted)s.",
                    expected=values["expected"],
                    counted=values["counted"],
                )
            )
        elif kind == "total":
            words.append(
                gettext(
                    "You counted a total of %(expected)s; the lines add up to %(counted)s.",
                    expected=fmt.money(values["expected"]),
                    counted=fmt.money(values["counted"]),
                )
            )
        else:
            words.append(gettext("Type at least one line."))
    return words


def _funds_example(names: list[str]) -> str:
    """A split as typed, with the centre's own funds' names: "Kledingbank 60; Zomerkamp 40"."""
    if len(names) < 2:
        return names[0] if names else ""
    return f"{names[0]} 60; {names[1]} 40"


def _row_errors(result: batch.BatchResult) -> dict:
    return {
        number: {name: [str(m) for m in messages] for name, messages in fields.items()}
        for number, fields in result.errors.items()
    }


def _page(centre: Centre, rows: list[batch_rows.Row], status: int = 200, **context):
    fragment = request.headers.get("X-Requested-With") == "fetch"
    template = "income/_batch_form.html" if fragment else "income/batch.html"
    default_day = last_booking_date()
    if not rows:
        rows = [batch_rows.Row(number=1, date=default_day.isoformat())]
    centres = db.session.scalars(
        visible(Centre, current_user).where(Centre.active.is_(True)).order_by(Centre.code)
    ).all()
    network = db.session.get(Network, 1)
    today = date.today()
    fund_names = list(batch_rows.fund_names(db.session, centre))
    return (
        render_template(
            template,
            centre=centre,
            centres=[c for c in centres if current_user.can_manage(c.id)],
            rows=rows,
            # The agreements running on the default day first, then every name A to Z.
            known=batch_rows.offered(db.session, centre, default_day),
            kinds={"donor": _("donor"), "funder": _("funder"), "agreement": _("agreement")},
            categories=[(c.value, CATEGORY_LABELS[c.value]) for c in IncomeCategory],
            fund_names=fund_names,
            funds_example=_funds_example(fund_names),
            default_day=default_day.isoformat(),
            copy_from=request.values.get("from") or f"{_previous_month(today):%Y-%m}",
            copy_to=request.values.get("to") or f"{today:%Y-%m}",
            running_year=network.fiscal_year_of(today) if network else today.year,
            row_errors=context.pop("row_errors", {}),
            outcomes=context.pop("outcomes", {}),
            field_errors=context.pop("field_errors", {}),
            batch_errors=context.pop("batch_errors", []),
            expected_count=context.pop("expected_count", request.form.get("expected_count", "")),
            expected_total=context.pop("expected_total", request.form.get("expected_total", "")),
            **context,
        ),
        status,
    )


@bp.route("/batch", methods=["GET"])
@login_required
def batch_entry():
    """The batch form; `copy` with `from` and `to` fills it with a period's recurring lines."""
    centre = _centre()
    rows: list[batch_rows.Row] = []
    field_errors = {}
    copied = request.args.get("copy", "").strip()
    if copied:
        today = date.today()
        source = _month(request.args.get("from"), _previous_month(today))
        target = _month(request.args.get("to"), today)
        try:
            rows = batch_rows.copy_rows(
                db.session, current_user, centre, copied, source, target, _locale()
            )
        except ValidationError as error:
            field_errors["copy"] = str(error.message)
        else:
            if not rows:
                month = date(*source, 1)
                field_errors["copy"] = gettext(
                    "%(name)s has no lines in %(month)s.",
                    name=copied,
                    month=month.strftime("%Y-%m"),
                )
    return _page(centre, rows, field_errors=field_errors, copied=copied)


@bp.route("/batch", methods=["POST"])
@login_required
def book_batch():
    """Book the posted rows all together, or show every refusal and book none."""
    centre = _centre()
    rows = batch_rows.rows_from_form(request.form)
    field_errors: dict = {}
    count, total = _expected(field_errors)
    result = batch.book_batch(
        db.session,
        current_user,
        centre,
        rows,
        expected_count=count,
        expected_total=total,
        locale=_locale(),
    )
    if result.booked and not field_errors:
        db.session.commit()
        remember_booking_date(max(line.booking_date for line in result.lines))
        return _saved(centre, result)
    db.session.rollback()
    return _page(
        centre,
        rows,
        422,
        row_errors=_row_errors(result),
        outcomes=result.outcomes,
        field_errors=field_errors,
        batch_errors=_batch_messages(result),
    )


def _saved(centre: Centre, result: batch.BatchResult):
    fmt = network_format()
    network = db.session.get(Network, 1)
    year = network.fiscal_year_of(max(line.booking_date for line in result.lines))
    message = ngettext(
        "%(num)s line booked for %(centre)s, together %(total)s.",
        "%(num)s lines booked for %(centre)s, together %(total)s.",
        len(result.lines),
        centre=centre.name,
        total=fmt.money(sum((line.amount for line in result.lines), Decimal("0.00"))),
    )
    return _page(
        centre,
        [],
        expected_count="",
        expected_total="",
        saved_message=message,
        saved_link=url_for("share.centre", code=centre.code, year=year),
        # What each line was booked as: under which agreement, structural or incidental.
        booked=[result.outcomes[number] for number in sorted(result.outcomes)],
    )
