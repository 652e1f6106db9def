"""Form fields every screen shares: money and days as the user types them in their own
language, read by batch entry's own parsers and refused in batch entry's words."""

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale
from wtforms import StringField

from fundtrack.errors import ValidationError
from fundtrack.income.batch_rows import parse_day
from fundtrack.money import parse_amount

# How a day is shown in a form, as people there write it (and parse_day reads it back);
# other languages get the unambiguous ISO date.
DAY_PATTERNS = {"nl": ("dd-MM-yyyy", "dd-mm-jjjj"), "nb": ("dd.MM.yyyy", "dd.mm.åååå")}
ISO_DAY = ("yyyy-MM-dd", "yyyy-mm-dd")


def _ui_locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def _day_pattern() -> tuple[str, str]:
    return DAY_PATTERNS.get(_ui_locale().split("_")[0], ISO_DAY)


class _Typed(StringField):
    """A text input whose typed value a domain parser reads; its refusal is the field's
    error, in the words batch entry uses."""

    extra_render_kw: dict = {}

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"autocomplete": "off", **self.extra_render_kw} | kwargs.pop("render_kw", {})
        kwargs.pop("places", None)  # Flask-Admin's converter passes DecimalField arguments
        kwargs.pop("format", None)  # and DateField ones
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not (valuelist[0] or "").strip():
            return
        try:
            self.data = self.parse(valuelist[0])
        except ValidationError as error:
            self.data = None
            self.raw_data = valuelist
            raise ValueError(str(error.message)) from None


class MoneyField(_Typed):
    """An amount typed in the user's language: `1.234,56` in Dutch, `1 234,56` in Norwegian.

    A text input with a decimal keypad on phones; a number input would drop the Dutch comma
    and turn 1.234,56 into 1.23. Whether the amount may be 0 is the operation's rule.
    """

    extra_render_kw = {"inputmode": "decimal"}

    def parse(self, text: str) -> Decimal:
        return parse_amount(text, _ui_locale(), self.name)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return format_decimal(self.data, format="#,##0.00", locale=_ui_locale())
        return ""


class DayField(_Typed):
    """A day typed as batch entry reads it: `15-04-2026`, `15.04.2026`, `2026-04-15`, `15/4`.

    Shown as the user's language writes it; a plain text input, since the admin's date
    picker rewrote a date while it was being typed.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.pop("widget", None)  # Flask-Admin's converter offers its date picker
        super().__init__(label, validators, **kwargs)

    def __call__(self, **kwargs):
        kwargs.setdefault("placeholder", _day_pattern()[1])
        return super().__call__(**kwargs)

    def parse(self, text: str) -> date:
        return parse_day(text, date.today())

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, date):
            return format_date(self.data, _day_pattern()[0], locale=_ui_locale())
        return ""
