"""Sign in, sign out, and the home page that shows what a role can do."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from fundtrack.auth.forms import LanguageForm, LoginForm
from fundtrack.auth.models import Role, User
from fundtrack.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def landing_page(user: User) -> str:
    """Where a user arrives after signing in: a treasurer on their own centre's figures,
    an admin of a new installation on the form that creates the network."""
    from fundtrack.centres.views import network_exists

    if user.role == Role.ADMIN and not network_exists():
        return url_for("first_run.setup")
    if user.centre_id is not None and "share.my_centre" in current_app.url_map._rules_by_endpoint:
        return url_for("share.my_centre")
    return url_for("auth.home")


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login is a phishing gift. Browsers read a
    # backslash as a slash, so "/\\evil.example" would be "//evil.example" to them.
    if target and target.startswith("/") and "\\" not in target and not urlsplit(target).netloc:
        return target
    return landing_page(current_user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_page(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalars(
            select(User).where(User.email == form.email.data.strip().lower())
        ).one_or_none()
        if user is None or not user.active or not user.check_password(form.password.data):
            flash(gettext("Unknown e-mail address or wrong password."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/")
@login_required
def home():
    form = LanguageForm(locale=current_user.locale or "")
    return render_template("auth/home.html", links=home_links(current_user), language_form=form)


@bp.route("/account/language", methods=["POST"])
@login_required
def choose_language():
    """The user's own UI language (words and dates); money keeps the network's format."""
    form = LanguageForm()
    if form.validate_on_submit():
        current_user.locale = form.locale.data or None
        db.session.commit()
        refresh()  # say it in the language just chosen
        flash(gettext("Language saved."), "info")
    else:
        flash(gettext("Language: %(errors)s", errors=", ".join(form.locale.errors)), "error")
    return redirect(url_for("auth.home"))


def home_links(user: User) -> list[tuple[str, str]]:
    """The screens this user's role opens, as (label, endpoint) pairs that exist."""
    wanted = []
    if user.sees_all_centres:
        wanted.append((_l("National funding dashboard"), "share.dashboard"))
    if user.can_manage_network:
        wanted.append((_l("Classification rules"), "share.rules"))
    if user.centre_id:
        wanted.append((_l("My centre's funding mix"), "share.my_centre"))
    wanted.append((_l("API tokens"), "api_tokens.index"))
    wanted.append((_l("Books and settings"), "admin.index"))
    rules = current_app.url_map._rules_by_endpoint
    return [(label, endpoint) for label, endpoint in wanted if endpoint in rules]
