"""Errors carry the field they concern as a typed exception: callers read `field` and
`message`, never the text."""

import pytest
from flask import Blueprint, Flask
from flask_babel import Babel

from fundtrack.api.errors import register_domain_errors
from fundtrack.auth.passwords import WeakPassword, check_new_password
from fundtrack.centres.models import Centre
from fundtrack.errors import ValidationError, field_and_message
from fundtrack.income.models import Donor
from fundtrack.money import check_currency, check_locale, to_money

pytestmark = pytest.mark.no_db


def test_a_currency_in_small_letters_is_refused_on_the_currency_field():
    with pytest.raises(ValidationError) as refusal:
        check_currency("eur")
    assert refusal.value.field == "currency"
    assert refusal.value.message == "'eur' is not an ISO 4217 currency code"
    # Still a ValueError with the old text, for callers that have not moved yet.
    assert isinstance(refusal.value, ValueError)
    assert str(refusal.value) == "currency: 'eur' is not an ISO 4217 currency code"


@pytest.mark.parametrize(
    ("check", "field", "message"),
    [
        (lambda: check_locale("xx_ZZ_nowhere"), "locale", "'xx_ZZ_nowhere' is not a locale"),
        (lambda: to_money(1.5, "annual_amount"), "annual_amount",
         "send money as a decimal string, not a float"),
        (lambda: to_money("1.234"), "amount", "'1.234' has more than two decimals"),
        (lambda: Centre(currency="ABC"), "currency", "'ABC' is not an ISO 4217 currency code"),
    ],
)  # fmt: skip
def test_the_money_checks_and_the_models_name_their_field(check, field, message):
    with pytest.raises(ValidationError) as refusal:
        check()
    assert (refusal.value.field, refusal.value.message) == (field, message)


def test_a_bad_iban_is_refused_on_the_iban_field():
    with pytest.raises(ValidationError) as refusal:
        Donor(iban="NL00 NOPE")
    assert refusal.value.field == "iban" and not refusal.value.message.startswith("iban:")


def test_a_weak_password_is_a_validation_error_on_the_password_field():
    with pytest.raises(WeakPassword) as refusal:
        check_new_password("short")
    assert isinstance(refusal.value, ValidationError)
    assert (refusal.value.field, refusal.value.message) == ("password", "at least 12 characters")


def test_an_error_without_a_field_keeps_its_whole_text_under_the_fallback():
    assert field_and_message(ValueError("x: y"), "body") == ("body", "x: y")
    assert field_and_message(ValidationError("reason", "required"), "body") == (
        "reason",
        "required",
    )


def _api_raising(error: Exception) -> Flask:
    app = Flask(__name__)
    Babel(app)  # the API says its own words through Flask-Babel, as in create_app
    blueprint = Blueprint("api", __name__, url_prefix="/api")

    @blueprint.route("/boom")
    def boom():
        raise error

    register_domain_errors(blueprint)
    app.register_blueprint(blueprint)
    return app


def test_the_api_answers_a_typed_refusal_with_its_field_as_key():
    app = _api_raising(ValidationError("currency", "'eur' is not an ISO 4217 currency code"))
    response = app.test_client().get("/api/boom")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"currency": ["'eur' is not an ISO 4217 currency code"]}


def test_the_api_puts_a_librarys_value_error_under_body_whole():
    response = _api_raising(ValueError("naive: datetime")).test_client().get("/api/boom")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"body": ["naive: datetime"]}


def test_a_stored_message_comes_back_with_its_labels_days_and_inner_messages(app):
    from datetime import date

    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    from fundtrack.errors import Day, Label, from_stored, stored

    inner = _l("%(typed)s is not an income category", typed="'gifts'")
    message = _l(
        "%(row)s: %(message)s",
        row=_l("row %(row)s", row=3),
        message=_l(
            "a gift from donor %(donor)s is booked as “%(implied)s”, not “%(given)s”",
            donor="Jan", implied=Label("CATEGORY_LABELS", "individuals"),
            given=Label("CATEGORY_LABELS", "companies"),
        ),
    )  # fmt: skip
    dated = _l("running on %(day)s", day=Day(date(2026, 3, 15)))
    kept = [stored(m) for m in (inner, message, dated)]
    assert kept[1]["params"]["message"]["message"]["params"]["implied"] == {
        "label": "CATEGORY_LABELS", "code": "individuals"}  # fmt: skip
    with app.test_request_context("/"), force_locale("nl"):
        for original, again in zip((inner, message, dated), kept, strict=True):
            assert str(from_stored(again)) == str(original)
