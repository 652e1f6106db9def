from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
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
