"""/account/tokens: a signed-in user lists, creates and revokes their own API tokens.

Making one needs a fresh sign-in with the second step (`fresh`): a stolen session cookie
alone must not mint a credential that outlives it.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from fundtrack.auth import fresh
from fundtrack.auth.models import ApiToken
from fundtrack.auth.tokens import READ, WRITE, issue_token, revoke_token, tokens_of
from fundtrack.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


class NewTokenForm(FlaskForm):
    name = StringField(_l("What is it for?"), validators=[Length(max=100)])
    scope = SelectField(
        _l("It may"),
        choices=[SelectChoice(READ, _l("only read")), SelectChoice(WRITE, _l("read and change"))],
        default=READ,
    )
    days = SelectField(
        _l("It works for"),
        choices=[
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("366", _l("a year")),
        ],
        default="90",
    )


class RevokeForm(FlaskForm):
    """No fields: the CSRF token of the revoke button."""


def _page(new_token: str | None = None, form: NewTokenForm | None = None, status: int = 200):
    user = current_user._get_current_object()
    return (
        render_template(
            "auth/tokens.html",
            tokens=tokens_of(db.session, user),
            form=form or NewTokenForm(),
            revoke_form=RevokeForm(),
            new_token=new_token,
            fresh=fresh.is_fresh(user, with_second_step=True),
        ),
        status,
    )


@bp.route("", methods=["GET"])
@login_required
def index():
    return _page()


@bp.route("", methods=["POST"])
@login_required
def create():
    user = current_user._get_current_object()
    if not user.mfa_enabled:
        flash(gettext("Set up the second sign-in step before you make an API token."), "error")
        return redirect(url_for("account.mfa_setup"))
    if not fresh.is_fresh(user, with_second_step=True):
        return redirect(url_for("account.confirm", next=url_for("api_tokens.index")))
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form=form, status=400)
    # The real user, not the request-bound proxy: the row outlives this request.
    _row, token = issue_token(
        db.session, user, form.name.data or "", scope=form.scope.data, days=int(form.days.data)
    )
    db.session.commit()
    # Shown once, in this response only: only its hash is stored.
    return _page(new_token=token)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    revoke_token(db.session, row)
    db.session.commit()
    flash(gettext("Token %(name)s is revoked.", name=row.name or row.id), "info")
    return redirect(url_for("api_tokens.index"))
