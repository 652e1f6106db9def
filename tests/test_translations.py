"""The UI speaks the user's language: Dutch, Norwegian Bokmål or English (the source).

The app fixture runs in English (tests/conftest.py); these tests choose a language through the
user's own choice (User.locale) or the browser's Accept-Language, and check the default
configuration separately. The catalogues must translate every word the code marks, and the
committed .mo files must be what their .po files compile to.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from fundtrack import create_app
from tests import share_network

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "fundtrack" / "translations"
LANGUAGES = ["nl", "nb"]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
}


@pytest.fixture
def net(session):
    return share_network.build(session)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    words = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+", " ", words)


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        ("nl", ["Inloggen", "Wachtwoord", "Ingelogd blijven"]),
        ("nb-NO,nb;q=0.9", ["Logg inn", "Passord", "Hold meg innlogget"]),
        ("en-GB,en;q=0.9", ["Sign in", "Password", "Keep me signed in"]),
    ],
)
def test_the_login_page_speaks_the_browsers_language(client, accept, words):
    page = text(client.get("/login", headers={"Accept-Language": accept}))
    for word in words:
        assert word in page


def test_a_dutch_treasurer_reads_the_home_page_in_dutch(client, login_as, net):
    login_as("treasurer", centre=net.a, locale="nl")
    page = text(client.get("/"))
    assert "U bent ingelogd als penningmeester van Centre A (A)." in page
    assert "Uitloggen" in page and "Financieringsmix van mijn centrum" in page
    assert "Sign out" not in page


def test_a_dutch_treasurer_reads_why_each_line_counts_in_dutch(client, login_as, net):
    login_as("treasurer", centre=net.a, locale="nl")
    page = text(client.get(f"/centres/{net.a.code}/lines?year=2025"))
    assert "structureel: inkomsten van een gemeente zijn standaard structureel" in page
    assert "incidenteel: geen financieringsovereenkomst" in page
    assert "structural:" not in page and "incidental:" not in page


def test_the_api_explains_in_english_whatever_the_browser_says(client, session, net):
    from fundtrack.auth.tokens import issue_token
    from tests import factories

    user = factories.user(session, role="national")
    _row, token = issue_token(session, user)
    response = client.get(
        f"/api/v1/income?centre={net.a.code}",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "nl"},
    )
    reasons = {item["structural_reason"].split(":")[0] for item in response.get_json()["items"]}
    assert reasons <= {"structural", "incidental"} and reasons


def test_a_dutch_user_reads_the_dashboard_in_the_treasurers_words(client, login_as, net):
    login_as("national", locale="nl")
    page = text(client.get("/dashboard?year=2025"))
    for words in [
        "Structurele financiering 2025",
        "Kosten",
        "Structurele inkomsten",
        "Tekort tot de norm",
        "Toegezegd volgend jaar",
        "werkelijke kosten",
        "begroting",
        "onder de norm",
        "1 van 4 centra halen de norm of zitten erboven.",
        "Totaal netwerk",
        "Structureel aandeel per centrum, 2025 (norm 66,7%)",  # the chart's title
    ]:
        assert words in page, words
    assert "Structural income" not in page and "below target" not in page


def test_a_dutch_treasurer_reads_the_rj650_categories_on_the_centre_page(client, login_as, net):
    login_as("treasurer", centre=net.a, locale="nl")
    page = text(client.get("/centres/A?year=2025"))
    for words in [
        "Structurele inkomsten",
        "Incidentele inkomsten",
        "Kosten",
        "Baten van subsidies van overheden",
        "Baten van andere organisaties zonder winststreven",
        "Baten van particulieren",
        "Totaal baten",
        "Tekort tot de norm",
    ]:
        assert words in page, words
    assert "Government subsidies" not in page


def test_a_norwegian_user_reads_norwegian(client, login_as, net):
    login_as("treasurer", centre=net.a, locale="nb")
    page = text(client.get("/centres/A?year=2025"))
    for words in [
        "Logg ut",
        "Strukturelle inntekter",
        "Enkeltstående inntekter",
        "Kostnader",
        "faktiske kostnader",
        "Mangler til målet",
        "Offentlige tilskudd",
        "Inntekter fra privatpersoner",
    ]:
        assert words in page, words
    assert "Kosten" not in page and "Costs" not in page


def test_an_english_user_reads_english_whatever_the_browser_says(client, login_as, net):
    login_as("national", locale="en")
    page = text(client.get("/dashboard?year=2025", headers={"Accept-Language": "nl"}))
    assert "Structural funding 2025" in page and "Gap to target" in page and "Sign out" in page
    assert "Structurele" not in page


def test_choosing_norwegian_is_confirmed_in_norwegian(client, login_as, net):
    user = login_as("treasurer", centre=net.a, locale="nl")
    response = client.post("/account/language", data={"locale": "nb"})
    assert response.status_code == 302 and user.locale == "nb"
    page = text(client.get("/"))
    assert "Språket er lagret." in page and "Logg ut" in page


def test_a_dutch_user_exports_the_dashboard_with_dutch_headers(client, login_as, net):
    login_as("national", locale="nl")
    response = client.get("/dashboard.csv?year=2025")
    # Dutch spreadsheets read semicolons between columns (and decimal commas).
    # After a byte order mark, so that Excel reads the accents as UTF-8.
    header = response.get_data().decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:9] == [
        "Rij", "Code", "Naam", "Regio", "Haalt de norm", "Centra", "Centra op de norm",
        "Kosten (EUR)", "Grondslag kosten",
    ]  # fmt: skip
    assert "Baten van subsidies van overheden (EUR)" in header


@pytest.mark.no_db
def test_the_default_configuration_speaks_dutch(monkeypatch, tmp_path):
    monkeypatch.delenv("FUNDTRACK_LOCALE", raising=False)
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    )
    assert app.config["BABEL_DEFAULT_LOCALE"] == "nl"
    page = text(app.test_client().get("/login"))
    assert "Inloggen" in page and "Wachtwoord" in page


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def _marked_words() -> set:
    """Every msgid the code and templates mark, as `make translations` extracts them."""
    method_map = [("fundtrack/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.no_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_catalogue_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    assert len(catalogue) > 150
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
    # Placeholders must match: a missing %(year)s would fail at run time.
    problems = [(m.id, errors) for m, errors in catalogue.check()]
    assert problems == []


@pytest.mark.no_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_word_the_code_marks(language):
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalogue(language) if m.id}
    missing = _marked_words() - ids
    assert missing == set(), f"run `make translations` and translate: {sorted(missing)}"


def _messages(catalogue) -> dict:
    """What a catalogue translates: (context, msgid) to msgstr, the header left out."""

    def plain(value):  # plural forms come back as lists from one reader, tuples from the other
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(m.context, plain(m.id)): plain(m.string) for m in catalogue if m.id}


@pytest.mark.no_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_what_its_po_file_compiles_to(language):
    # The messages and plural rule must match; the compiler's version stamp and byte layout
    # need not (a newer Babel writes a different header), so the .mo is read back, not compared.
    po = _catalogue(language)
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo_file:
        mo = read_mo(mo_file)
    hint = "run `make translations` to compile the .po file"
    assert _messages(mo) == _messages(po), hint
    assert all(_messages(mo).values()), f"{language}: an untranslated message was compiled"
    assert mo.plural_forms == po.plural_forms, hint
