"""Declaring a year's actual costs complete, and the ended years still on their budget.

Thin views: they load what the user may see, ask `fundtrack.costs.basis` and render; the
confirmation page shows both totals side by side before anything changes.
"""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from fundtrack.auth.access import NotAllowed
from fundtrack.costs.basis import (
    declare_actuals_complete,
    still_on_budget,
    withdraw_actuals_declaration,
    year_costs,
)
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.labels import BASIS_LABELS

bp = Blueprint("cost_basis", __name__)


class BasisForm(FlaskForm):
    """Only the CSRF token: the page says what the button does."""


def _year_costs(code: str, year: int):
    try:
        return year_costs(db.session, current_user, code, year)
    except DomainError:
        abort(404)  # another centre's, or no such centre: alike


@bp.route("/centres/<code>/costs/<int:year>", methods=["GET", "POST"])
@login_required
def actuals(code: str, year: int):
    """Both totals of a centre-year, and the button that declares (or withdraws) its actuals."""
    costs = _year_costs(code, year)
    form = BasisForm()
    may_change = current_user.can_manage(costs.centre_id) and not costs.closed
    if request.method == "POST":
        if not may_change:
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        change = withdraw_actuals_declaration if costs.declared else declare_actuals_complete
        try:
            change(db.session, current_user, code, year)
            db.session.commit()
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            if costs.declared:
                flash(gettext("The figures of %(year)s stand on the budget again.", year=year))
            else:
                flash(gettext("The figures of %(year)s now stand on the actual costs.", year=year))
            return redirect(url_for("share.centre", code=costs.centre_code, year=year))
    return render_template(
        "costs/actuals.html", costs=costs, form=form, may_change=may_change,
        basis_labels=BASIS_LABELS,
    )  # fmt: skip


@bp.route("/costs/still-on-budget")
@login_required
def on_budget():
    """The centre-years whose fiscal year has ended while their figures stand on the budget."""
    if not current_user.sees_all_centres:
        abort(403)
    count, rows = still_on_budget(db.session, current_user)
    return render_template("costs/on_budget.html", count=count, rows=rows)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
