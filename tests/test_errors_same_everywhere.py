"""The same bad line refused the same way, in the same words, wherever it comes in: batch
entry, the API (POST /income) and a CSV import run the same check functions as book_income.
And the API speaks English unless the client asks for Dutch or Norwegian itself."""

import io
from datetime import date

import pytest
from flask_babel import force_locale

from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import from_stored, stored
from fundtrack.imports import service
from fundtrack.income.batch import book_batch
from fundtrack.income.batch_rows import Row
from fundtrack.income.models import FunderType
from tests import factories
from tests.api_helpers import ApiCaller

LIMIT = 1024 * 1024
LANGUAGES = ("en", "nl", "nb")


@pytest.fixture
def books(session, network, tmp_path):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    town = factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    factories.agreement(session, centre, town, title="Wmo-subsidie", start_date=date(2025, 1, 1))
    treasurer = factories.user(session, role="treasurer", centre=centre)
    return {"centre": centre, "town": town, "user": treasurer, "instance": str(tmp_path)}


def _in_words(app, message) -> dict:
    with app.test_request_context("/"):
        said = {}
        for language in LANGUAGES:
            with force_locale(language):
                said[language] = str(message)
        return said


def _by_batch(session, books, category: str):
    rows = [Row(1, "12-6-2025", "Gemeente Haarlem", category, "25,00")]
    result = book_batch(session, books["user"], books["centre"], rows, expected_count=1,
                        expected_total=None, locale="nl_NL")  # fmt: skip
    assert not result.lines
    ((field, (message,)),) = result.errors[1].items()
    return field, message


def _post(app, api, line: dict, language: str | None):
    # A request of its own, as in a server: its language is chosen afresh (Flask-Babel keeps
    # the choice on the application context, which the tests' session otherwise shares).
    headers = {"Accept-Language": language} if language else {}
    with app.app_context():
        return api.post("/income", json=line, headers=headers)


def _by_api(app, client, session, books, category: str) -> tuple[str, dict]:
    api = ApiCaller(client, session).as_("treasurer", books["centre"])
    line = {"centre": "HLM", "date": "2025-06-12", "amount": "25.00",
            "funder": books["town"].id, "category": category}  # fmt: skip
    said = {}
    for language in LANGUAGES:
        response = _post(app, api, line, language)
        assert response.status_code in (409, 422), response.get_json()
        ((field, (words,)),) = response.get_json()["errors"].items()
        said[language] = words
    return field, said


def _by_import(session, books, category: str):
    text = f"Datum;Naam;Bedrag;Categorie\n12-06-2025;Gemeente Haarlem;25,00;{category}\n"
    record = service.receive(session, books["user"], books["centre"], io.BytesIO(text.encode()),
                             "giften.csv", books["instance"], LIMIT)  # fmt: skip
    mapping = {"columns": {"date": 0, "name": 1, "amount": 2, "category": 3}, "decimal": ","}
    service.set_mapping(session, books["user"], record, mapping, books["instance"])
    data = service.preview(session, books["user"], record, books["instance"])
    ((column, message),) = data["rows"][0]["errors"]
    return column, message


@pytest.mark.parametrize(
    ("category", "closed", "field"),
    [("individuals", False, "category"), ("government_subsidies", True, "date")],
    ids=["a municipal subsidy booked under individuals", "a line in a closed year"],
)
def test_batch_entry_the_api_and_an_import_refuse_a_bad_line_in_the_same_words(
    app, client, session, books, category, closed, field
):
    if closed:
        session.add(FiscalYearLock(year=2025))
        session.flush()
    batch_field, batch_message = _by_batch(session, books, category)
    api_field, api_words = _by_api(app, client, session, books, category)
    import_column, kept = _by_import(session, books, category)
    # One check function made all three: the same message, and its parameters.
    assert stored(batch_message) == kept
    assert (batch_field, api_field, import_column) == (field, field, field)
    batch_words = _in_words(app, batch_message)
    assert batch_words == api_words == _in_words(app, from_stored(kept))
    assert len(set(batch_words.values())) == 3  # English, Dutch and Norwegian differ


def _refusal(app, api, language: str | None) -> str:
    line = {"centre": "HLM", "date": "2025-06-12", "amount": "0.00", "category": "other"}
    response = _post(app, api, line, language)
    assert response.status_code == 422, response.get_json()
    return response.get_json()["errors"]["amount"][0]


def test_the_api_speaks_english_unless_the_client_asks_for_dutch_or_norwegian(
    app, client, session, books
):
    # A treasurer who reads the screens in Dutch: her token's answers stay English.
    api = ApiCaller(client, session).as_("treasurer", books["centre"], locale="nl")
    assert _refusal(app, api, None) == "must be more than 0"
    assert _refusal(app, api, "*") == "must be more than 0"
    assert _refusal(app, api, "de, fr;q=0.8") == "must be more than 0"
    assert _refusal(app, api, "nl") == "moet meer dan 0 zijn"
    assert _refusal(app, api, "nb-NO, en;q=0.5") == "må være mer enn 0"
    assert _refusal(app, api, "en, nl;q=0.5") == "must be more than 0"
