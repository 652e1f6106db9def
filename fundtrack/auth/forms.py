from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
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
