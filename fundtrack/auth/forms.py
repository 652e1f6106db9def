from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")


LANGUAGES = [
    SelectChoice("", "As my browser says"),
    SelectChoice("nl", "Nederlands"),
    SelectChoice("en", "English"),
    SelectChoice("nb", "Norsk"),
]


class LanguageForm(FlaskForm):
    locale = SelectField("Language", choices=LANGUAGES)
