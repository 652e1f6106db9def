"""Screens: the grant list, a grant's page with its ledger lines, and the state-move buttons."""

import json
from datetime import date

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from fundtrack.auth.access import NotAllowed, load_visible, may_change
from fundtrack.downloads import download
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.forms import _ui_locale
from fundtrack.grants import figures, operations, parts
from fundtrack.grants import giving360 as giving360_export
from fundtrack.grants.forms import measurement_form
from fundtrack.grants.models import GoalMeasurement, Grant
from fundtrack.grants.obligations import reports_due
from fundtrack.grants.pipeline import share_forecast
from fundtrack.labels import refusal_text
from fundtrack.money import parse_amount

bp = Blueprint("grant_screens", __name__, url_prefix="/grants")


def _user():
    return current_user._get_current_object()


def _grant_or_404(grant_id: int) -> Grant:
    return load_visible(db.session, Grant, grant_id, _user())


@bp.route("")
@login_required
def grant_list():
    """Every application the user may see, with its money from the ledger."""
    rows = figures.grant_list(db.session, _user())
    due = reports_due(db.session, _user(), date.today())
    return render_template("grants/list.html", rows=rows, due=due)


@bp.route("/<int:grant_id>")
@login_required
def grant_page(grant_id: int):
    """One application: its figures, budget against spending, goals, reports and lines."""
    grant = _grant_or_404(grant_id)
    income, costs = figures.ledger_lines(db.session, grant)
    measurements = [m for goal in grant.goals for m in goal.measurements]
    return render_template(
        "grants/grant.html",
        grant=grant,
        money=figures.grant_money(db.session, grant),
        income=income,
        costs=costs,
        moves=operations.allowed_moves(grant) if may_change(_user(), grant) else (),
        measurements=measurements,
        measure=measurement_form(grant) if may_change(_user(), grant) else None,
        # Lines are booked by whoever keeps the applicant's books (the admin form scopes).
        can_book=may_change(_user(), grant),
    )


@bp.route("/forecast")
@login_required
def forecast():
    """The applications behind next year's forecast share of a centre, region or network
    (`year` is the page's year; the forecast is for the year after)."""
    year = request.args.get("year", type=int)
    if year is None or not 1900 <= year <= 2999:
        abort(404)
    region = request.args.get("region") or None
    centre = request.args.get("centre") or None
    if centre is None and region is None and not _user().sees_all_centres:
        centre = _user().centre.code if _user().centre else None
    try:
        result = share_forecast(db.session, _user(), year, region, centre)
    except LookupError:
        abort(404)
    return render_template(
        "grants/forecast.html", f=result, year=year, region=region, centre=centre
    )


@bp.route("/360giving.<any(json, csv):kind>")
@login_required
def giving360(kind: str):
    """Awarded grants in the 360Giving Data Standard, validated against its schema; for the
    national office, admins and auditors (a treasurer's figures stay with her centre)."""
    if not giving360_export.may_publish(_user()):
        abort(403)
    prefix = current_app.config.get("GIVING360_PREFIX", giving360_export.DEFAULT_PREFIX)
    try:
        package = giving360_export.package(db.session, _user(), prefix)
    except giving360_export.InvalidExport as error:
        flash(_l("No 360Giving export: %(errors)s", errors="; ".join(error.errors[:5])), "error")
        return redirect(url_for("grant_screens.grant_list"))
    if kind == "json":
        body = json.dumps(package, ensure_ascii=False, indent=2)
    else:
        body = giving360_export.flattened_csv(package)
    return download(body, "360giving-grants", kind=kind)


@bp.route("/<int:grant_id>/move", methods=["POST"])
@login_required
def move(grant_id: int):
    """Move the application to the state of the button pressed (CSRF-checked by the app)."""
    grant = _grant_or_404(grant_id)
    amount = (request.form.get("amount_awarded") or "").strip()
    try:
        values = {}
        if amount:
            # Typed in the user's language, as every money field in the screens.
            values["amount_awarded"] = parse_amount(amount, _ui_locale(), "amount_awarded")
        operations.move_grant(db.session, _user(), grant, request.form.get("state"), **values)
        db.session.commit()
    except (DomainError, NotAllowed) as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("grant_screens.grant_page", grant_id=grant_id))


@bp.route("/<int:grant_id>/measurements", methods=["POST"])
@login_required
def add_measurement(grant_id: int):
    """Record where a counted goal stood on a day, for the project or at one office."""
    grant = _grant_or_404(grant_id)
    form = measurement_form(grant, request.form)
    if not form.validate():
        for field, messages in form.errors.items():
            label = getattr(form, field).label.text if hasattr(form, field) else field
            flash(f"{label}: {' '.join(str(m) for m in messages)}", "error")
        return redirect(url_for("grant_screens.grant_page", grant_id=grant_id) + "#measured")
    goal = next(g for g in grant.goals if g.id == form.goal.data)
    values = {"centre": form.place.data or None, "measured_on": form.measured_on.data,
              "value": form.value.data}  # fmt: skip
    try:
        parts.add_measurement(db.session, _user(), goal, values)
        db.session.commit()
        flash(_l("The measurement is recorded."), "success")
    except (DomainError, NotAllowed) as error:
        db.session.rollback()
        flash(refusal_text(error), "error")
    return redirect(url_for("grant_screens.grant_page", grant_id=grant_id) + "#measured")


@bp.route("/<int:grant_id>/measurements/<int:measurement_id>/delete", methods=["POST"])
@login_required
def delete_measurement(grant_id: int, measurement_id: int):
    grant = _grant_or_404(grant_id)
    row = db.session.get(GoalMeasurement, measurement_id)
    if row is None or row.goal.grant_id != grant.id:
        abort(404)
    try:
        parts.delete_measurement(db.session, _user(), row)
        db.session.commit()
        flash(_l("The measurement is removed."), "success")
    except (DomainError, NotAllowed) as error:
        db.session.rollback()
        flash(refusal_text(error), "error")
    return redirect(url_for("grant_screens.grant_page", grant_id=grant_id) + "#measured")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
