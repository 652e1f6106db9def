"""The first run: an admin creates the network; everybody else is told what is missing."""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fundtrack.centres.forms import NetworkForm
from fundtrack.centres.models import Network, NetworkMissing
from fundtrack.centres.network import create_network
from fundtrack.errors import DomainError
from fundtrack.extensions import db

bp = Blueprint("first_run", __name__)


def network_exists() -> bool:
    return db.session.get(Network, 1) is not None


@bp.route("/setup", methods=["GET", "POST"])
@login_required
def setup():
    """Create the network: the first thing an admin of a new installation does."""
    if network_exists():
        return redirect(url_for("auth.home"))
    if not current_user.is_admin:
        abort(403)
    form = NetworkForm()
    if form.validate_on_submit():
        try:
            network = create_network(db.session, current_user, form.values())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field, None)
            if field is None:
                flash(str(error.message), "error")
            else:
                field.errors = [*field.errors, str(error.message)]
        else:
            flash(gettext("Network %(name)s created. Add its regions and centres next.",
                          name=network.name), "info")  # fmt: skip
            return redirect(url_for("admin_regions.create_view"))
    elif request.method == "GET":
        form.currency.data = form.currency.data or _default_currency()
    return render_template("centres/setup.html", form=form)


def _default_currency() -> str:
    from flask import current_app

    return current_app.config["FUNDTRACK_DEFAULT_CURRENCY"]


def network_missing(error: NetworkMissing):
    """Screens meet a missing network with what to do, never a 500."""
    if current_user.is_authenticated and current_user.is_admin:
        return redirect(url_for("first_run.setup"))
    return render_template("centres/not_set_up.html"), 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(NetworkMissing, network_missing)
