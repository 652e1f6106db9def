"""The first-run form: what a network needs before its first centre."""

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

LOCALES = [
    SelectChoice("nl_NL", "Nederlands (Nederland): € 1.234,56"),
    SelectChoice("nl_BE", "Nederlands (België): € 1.234,56"),
    SelectChoice("nb_NO", "Norsk bokmål (Norge): kr 1 234,56"),
    SelectChoice("en_GB", "English (United Kingdom): £1,234.56"),
]


class NetworkForm(FlaskForm):
    name = StringField(_l("Name of the network"), validators=[DataRequired(), Length(max=200)])
    currency = StringField(_l("Currency (ISO 4217)"), validators=[DataRequired(), Length(3, 3)])
    locale = SelectField(_l("Money and dates written as"), choices=LOCALES)
    target = StringField(_l("Structural funding target (share of costs)"), default="2/3")
    fiscal_year_start_month = SelectField(_l("First month of the fiscal year"), default="1")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Month names in the user's language, chosen per request.
        names = get_month_names("wide", locale=get_locale() or "en")
        self.fiscal_year_start_month.choices = [
            SelectChoice(str(month), names[month]) for month in range(1, 13)
        ]

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "currency": (self.currency.data or "").strip().upper(),
            "locale": self.locale.data,
            "target": self.target.data,
            "fiscal_year_start_month": int(self.fiscal_year_start_month.data),
        }
