"""Form fields every screen shares: money as the user types it in their own language."""

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from wtforms import StringField

from fundtrack.errors import ValidationError
from fundtrack.money import parse_amount


def _ui_locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


class MoneyField(StringField):
    """An amount typed in the user's language: `1.234,56` in Dutch, `1 234,56` in Norwegian.

    A text input with a decimal keypad on phones; a number input would drop the Dutch comma
    and turn 1.234,56 into 1.23. Refusals are the field's own errors, shown beside it.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off"} | kwargs.pop("render_kw", {})
        kwargs.pop("places", None)  # Flask-Admin's converter passes DecimalField arguments
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not (valuelist[0] or "").strip():
            return
        try:
            self.data = parse_amount(valuelist[0], _ui_locale(), self.name)
        except ValidationError as error:
            self.data = None
            self.raw_data = valuelist
            raise ValueError(error.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return format_decimal(self.data, format="#,##0.00", locale=_ui_locale())
        return ""
