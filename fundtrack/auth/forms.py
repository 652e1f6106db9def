from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as FieldError

from fundtrack.emails import normalise_email
from fundtrack.errors import ValidationError


def email_rule(_form, field) -> None:
    """The rule the CLI and the user screen apply, so every account they make can sign in."""
    try:
        field.data = normalise_email(field.data)
    except ValidationError as error:
        raise FieldError(error.message) from None


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), email_rule])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


LANGUAGES = [
    SelectChoice("", _l("As my browser says")),
    SelectChoice("nl", "Nederlands"),
    SelectChoice("en", "English"),
    SelectChoice("nb", "Norsk"),
]


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=LANGUAGES)


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])


class ConfirmForm(FlaskForm):
    """Signing in again inside a session: the password, and a code where the second step is on."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    code = StringField(_l("Code"), validators=[Length(max=40)])


class ButtonForm(FlaskForm):
    """No fields: the CSRF token of a button."""
