"""/account/tokens: a signed-in user lists, creates and revokes their own API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from fundtrack.auth.models import ApiToken
from fundtrack.auth.tokens import issue_token, revoke_token, tokens_of
from fundtrack.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


class NewTokenForm(FlaskForm):
    name = StringField(_l("What is it for?"), validators=[Length(max=100)])


class RevokeForm(FlaskForm):
    """No fields: the form carries the CSRF token of the revoke button."""


def _page(new_token: str | None = None, form: NewTokenForm | None = None, status: int = 200):
    return (
        render_template(
            "auth/tokens.html",
            tokens=tokens_of(db.session, current_user),
            form=form or NewTokenForm(),
            revoke_form=RevokeForm(),
            new_token=new_token,
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
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form=form, status=400)
    # The real user, not the request-bound proxy: the row outlives this request.
    _row, token = issue_token(db.session, current_user._get_current_object(), form.name.data or "")
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
