"""Sign in (password, then a code where the second step is on), sign out, the home page.

Unknown e-mail addresses, inactive accounts and wrong passwords get the same answer after
the same work (a password hash is checked in every case); failed attempts are throttled
per account and per client address and, like every sign-in, written to the audit log.
"""

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select, update

from fundtrack.auth import events, fresh, mfa, notices
from fundtrack.auth.forms import CodeForm, LanguageForm, LoginForm
from fundtrack.auth.models import Role, User
from fundtrack.auth.passwords import needs_rehash, verify_nobody
from fundtrack.auth.redirects import same_site_path
from fundtrack.auth.sessions import end_session, start_session
from fundtrack.auth.throttle import throttled, throttled_code
from fundtrack.extensions import db

bp = Blueprint("auth", __name__)

PENDING = "_mfa_pending"
# The code must follow the password within this many seconds.
PENDING_SECONDS = 300


def landing_page(user: User) -> str:
    """Where a user arrives after signing in: a treasurer on their own centre's running year,
    the national office on the dashboard, an admin of a new installation on the form that
    creates the network."""
    from fundtrack.centres.views import network_exists

    if user.is_admin and not network_exists():
        return url_for("first_run.setup")
    rules = current_app.url_map._rules_by_endpoint
    if user.centre_id is not None and "share.my_centre" in rules:
        return url_for("share.my_centre")
    if user.role == Role.NATIONAL and "share.dashboard" in rules:
        return url_for("share.dashboard")
    return url_for("auth.home")


def _safe_next(target: str | None) -> str:
    # Only paths on this site: an open redirect after login is a phishing gift.
    return same_site_path(target) or landing_page(current_user)


def _password_matches(user: User | None, password: str) -> bool:
    """Check the password with the same work whether or not the account exists."""
    if user is None:
        return verify_nobody(password)
    matches = user.check_password(password)
    if matches and needs_rehash(user.password_hash):
        # An older (Werkzeug) or cheaper hash: store it again at today's cost. The password
        # is the same, so this is no change that ends the user's sessions (the session hook
        # ends them on a changed password_hash, and would end the one being opened): written
        # past the ORM's change tracking.
        from fundtrack.auth.passwords import hash_password

        db.session.execute(
            update(User).where(User.id == user.id).values(password_hash=hash_password(password))
        )
        db.session.expire(user, ["password_hash"])
    return matches and user.active


def _refuse(form, template: str, user: User | None, email: str, reason: str):
    events.record(events.REFUSED, user, email, reason=reason)
    db.session.commit()
    flash(gettext("Unknown e-mail address or wrong password."), "error")
    return render_template(template, form=form), 401


def _signed_in(user: User, remember: bool, how: str):
    next_page = cookie.get(PENDING, {}).get("next") or request.args.get("next")
    start_session(user, remember)
    fresh.mark(second_step=bool(how))
    events.record(events.SIGNED_IN, user, second_step=how)
    notices.note_sign_in(db.session, user)
    codes = mfa.replace_unsalted_codes(db.session, user) if how == "recovery" else None
    if codes:
        notices.record(db.session, user, notices.CODES_NEW)
    db.session.commit()
    if codes:
        # Codes made before they were salted work once; their replacements are shown now.
        from fundtrack.auth.account_views import account_page

        flash(gettext("Your recovery codes were renewed: the old ones no longer work."), "info")
        return account_page(recovery_codes=codes)
    return redirect(_safe_next(next_page))


@bp.route("/login", methods=["GET", "POST"])
@throttled
def login():
    if current_user.is_authenticated:
        return redirect(landing_page(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    user = db.session.scalars(select(User).where(User.email == form.email.data)).one_or_none()
    if not _password_matches(user, form.password.data):
        reason = "unknown" if user is None else "inactive" if not user.active else "password"
        return _refuse(form, "auth/login.html", user, form.email.data, reason)
    if user.mfa_enabled:
        cookie.clear()
        cookie[PENDING] = {
            "user": user.id,
            "remember": bool(form.remember.data),
            "at": int(time.time()),
            "next": same_site_path(request.args.get("next")) or "",
        }
        db.session.commit()  # an upgraded hash
        return redirect(url_for("auth.login_code"))
    return _signed_in(user, bool(form.remember.data), "")


def _pending_user() -> User | None:
    pending = cookie.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.active and user.mfa_enabled else None


@bp.route("/login/code", methods=["GET", "POST"])
@throttled_code
def login_code():
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        cookie.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), 400 if form.is_submitted() else 200
    how = mfa.check_code(db.session, user, form.code.data)
    if how is None:
        events.record(events.REFUSED, user, reason="code")
        db.session.commit()
        flash(gettext("That code is not valid (or was used already)."), "error")
        return render_template("auth/code.html", form=form), 401
    if how == "recovery":
        left = mfa.recovery_codes_left(db.session, user)
        flash(gettext("You signed in with a recovery code; %(left)d left.", left=left), "info")
    return _signed_in(user, bool(cookie.get(PENDING, {}).get("remember")), how)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    events.record(events.SIGNED_OUT, current_user._get_current_object())
    end_session()
    db.session.commit()
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
    # Chosen in any page's header: the user stays on that page.
    if request.form.get("next"):
        return redirect(_safe_next(request.form.get("next")))
    return redirect(url_for("auth.home"))


def home_links(user: User) -> list[tuple[str, str]]:
    """The screens this user's role opens, as (label, endpoint) pairs that exist.

    API tokens are not among them: few users need one, and the user's own menu has them.
    """
    wanted = []
    if user.sees_all_centres:
        wanted.append((_l("National funding dashboard"), "share.dashboard"))
    if user.can_manage_network:
        wanted.append((_l("Classification rules"), "share.rules"))
    if user.centre_id:
        wanted.append((_l("My centre's funding mix"), "share.my_centre"))
    wanted.append((_l("Your account and sessions"), "account.index"))
    wanted.append((_l("Books and settings"), "admin.index"))
    rules = current_app.url_map._rules_by_endpoint
    return [(label, endpoint) for label, endpoint in wanted if endpoint in rules]
