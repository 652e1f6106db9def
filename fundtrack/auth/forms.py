from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")


LANGUAGES = [("", "As my browser says"), ("nl", "Nederlands"), ("en", "English"), ("nb", "Norsk")]


class LanguageForm(FlaskForm):
    locale = SelectField("Language", choices=LANGUAGES)
