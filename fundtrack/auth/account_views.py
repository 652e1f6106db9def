"""/account: the signed-in user's sessions, password and second sign-in step."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_babel import gettext
from flask_login import current_user, login_required

from fundtrack.auth import events, fresh, mfa, notices
from fundtrack.auth.forms import ButtonForm, CodeForm, ConfirmForm, PasswordChangeForm
from fundtrack.auth.models import UserSession
from fundtrack.auth.passwords import WeakPassword
from fundtrack.auth.redirects import same_site_path
from fundtrack.auth.sessions import (
    current_session,
    end_all_sessions,
    end_session,
    now,
    sessions_of,
    start_session,
)
from fundtrack.auth.throttle import throttled_confirm
from fundtrack.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")

NEW_SECRET = "_mfa_new_secret"


def _me():
    return current_user._get_current_object()


def account_page(password_form=None, status=200, recovery_codes=None, second_step_changed=False):
    here = current_session()
    sessions = sessions_of(db.session, _me())
    return (
        render_template(
            "auth/account.html",
            sessions=sessions,
            this_session=here.id if here else None,
            # After a change of the second step: offer to sign out the other sessions.
            offer_end_others=second_step_changed
            and any(s.id != (here.id if here else None) for s in sessions),
            notices=notices.recent(db.session, _me()),
            in_words=notices.in_words,
            browser=notices.browser,
            button=ButtonForm(),
            password_form=password_form or PasswordChangeForm(),
            mfa_required=mfa.requires_mfa(_me(), current_app.config["MFA_REQUIRED_ROLES"]),
            codes_left=mfa.recovery_codes_left(db.session, _me()),
            recovery_codes=recovery_codes,
        ),
        status,
    )


def _confirm_first(then: str):
    """Off to sign in again, and back to `then` afterwards."""
    return redirect(url_for("account.confirm", next=url_for(then)))


@bp.route("", methods=["GET"])
@login_required
def index():
    return account_page()


def _fresh_to_end_sessions() -> bool:
    """Ending sessions asks for the password (and a code) typed a few minutes ago (ASVS
    V7.5.2): a stolen session must not shut its owner out."""
    return fresh.is_fresh(_me())


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of this user, this one included, and every remember token."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not _fresh_to_end_sessions():
        return _confirm_first("account.index")
    user = _me()
    events.record(events.SIGNED_OUT, user, everywhere="yes")
    end_all_sessions(db.session, user.id)
    end_session()
    db.session.commit()
    flash(gettext("You are signed out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_one(session_id: int):
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not _fresh_to_end_sessions():
        return _confirm_first("account.index")
    row.revoked_at = now()
    db.session.commit()
    flash(gettext("That session is ended."), "info")
    return redirect(url_for("account.index"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_others():
    """End every session of this user but this one (offered after a change of the second
    step, ASVS V7.4.3); API tokens stay."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not _fresh_to_end_sessions():
        return _confirm_first("account.index")
    here = current_session()
    ended = 0
    for row in sessions_of(db.session, _me()):
        if here is None or row.id != here.id:
            row.revoked_at = now()
            ended += 1
    events.record(events.SIGNED_OUT, _me(), others=str(ended))
    db.session.commit()
    flash(gettext("Your other sessions are signed out."), "info")
    return redirect(url_for("account.index"))


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    """A new password, given the current one; every other session ends, this one renews."""
    form = PasswordChangeForm()
    user = _me()
    if not form.validate_on_submit():
        return account_page(password_form=form, status=400)
    if not user.check_password(form.current.data):
        form.current.errors.append(gettext("This is not your current password."))
        return account_page(password_form=form, status=400)
    try:
        user.set_password(form.new.data)
    except WeakPassword as error:
        form.new.errors.append(error.message)
        return account_page(password_form=form, status=400)
    db.session.flush()  # ends every session of the user, this one too
    start_session(user)
    db.session.commit()
    flash(gettext("Your password is changed; other sessions are signed out."), "info")
    return redirect(url_for("account.index"))


@bp.route("/two-step", methods=["GET", "POST"])
@login_required
def mfa_setup():
    """Enrol an authenticator app: scan the QR code, type its first code. Needs a fresh
    sign-in (with the second step, when one is on already): a stolen session must not
    bind its own authenticator."""
    user = _me()
    if not fresh.is_fresh(user):
        return _confirm_first("account.mfa_setup")
    secret = cookie.get(NEW_SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = cookie[NEW_SECRET] = mfa.new_secret()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        codes = mfa.enable(db.session, user, secret, form.code.data)
        if codes is not None:
            cookie.pop(NEW_SECRET, None)
            fresh.add_second_step()
            events.record(events.MFA_ON, user)
            notices.record(db.session, user, notices.MFA_ON)
            db.session.commit()
            flash(gettext("The second sign-in step is on."), "info")
            return account_page(recovery_codes=codes, second_step_changed=True)
        form.code.errors.append(gettext("That code is not valid; try the next one."))
        status = 400
    uri = mfa.provisioning_uri(user, secret)
    return render_template(
        "auth/mfa_setup.html", form=form, qr=mfa.qr_svg(uri), secret=secret, uri=uri
    ), status


@bp.route("/two-step/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    if not ButtonForm().validate_on_submit() or not current_user.mfa_enabled:
        abort(400)
    if not fresh.is_fresh(_me(), with_second_step=True):
        return _confirm_first("account.index")
    codes = mfa.new_recovery_codes(db.session, _me())
    notices.record(db.session, _me(), notices.CODES_NEW)
    db.session.commit()
    return account_page(recovery_codes=codes, second_step_changed=True)


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
@throttled_confirm
def confirm():
    """Sign in again inside this session (password, and code where the second step is on)
    before something that asks for a fresh sign-in: making an API token, say."""
    user = _me()
    form = ConfirmForm()
    back = same_site_path(request.args.get("next")) or url_for("account.index")
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/confirm.html", form=form, user=user), status
    how = ""
    right = user.check_password(form.password.data)
    if right and user.mfa_enabled:
        how = mfa.check_code(db.session, user, form.code.data or "")
        right = how is not None
    if not right:
        events.record(events.REFUSED, user, reason="confirm")
        db.session.commit()
        flash(gettext("That password or code is not right."), "error")
        return render_template("auth/confirm.html", form=form, user=user), 401
    fresh.mark(second_step=bool(how))
    db.session.commit()  # the code's time step, crossed out
    return redirect(back)
