"""No English on a Dutch or Norwegian page: every admin screen and the main screens, rendered.

Three nets, each catching what the others miss:
- Flask-Admin's known English words (and ours that were once left in English: "(none)",
  "Manual", "Import") must not appear as visible text;
- no message looked up while the page was made may be missing from its catalogue (a word
  marked for translation but left untranslated comes back as its English msgid);
- no multi-word English message of our catalogues may appear verbatim (a word written in
  English without being marked).
Visible text is the page without its tags, scripts and styles; the attributes a user reads
(title, placeholder, alt, aria-label, a delete button's confirmation) are read too.

The admin catalogue (Flask-Admin's words, fundtrack/admin/catalogue.py) is checked here as
tests/test_translations.py checks ours: complete, and its .mo what its .po compiles to.
"""

import inspect
import re
from datetime import date
from html import unescape
from pathlib import Path
from pprint import pformat

import pytest
from babel import support
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import current_app

from fundtrack.admin.catalogue import admin_words
from fundtrack.income.models import IncomeLine, IncomeSource
from tests import factories, grant_helpers, share_network

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "fundtrack" / "translations"
LANGUAGES = ["nl", "nb"]

# Flask-Admin's English as it shows on its screens, and words of ours once left in English.
ENGLISH = [
    "Create", "Save", "Delete", "With selected", "List", "Home", "Search", "Add Filter",
    "Reset Filters", "Apply", "(none)", "Manual", "Import", "Are you sure", "Record was",
    "successfully", "items", "item", "Edit", "Edit Record", "View Record", "Delete Record",
    "Create New Record", "Save and Add Another", "Save and Continue Editing", "Cancel",
    "Export", "Select all records", "Select record", "Sort by", "There are no items",
    "equals", "not equal", "contains", "greater than", "smaller than", "in list", "empty",
    "between", "Yes", "No", "Failed to", "Integrity error", "Permission denied", "API tokens",
    "Sign out", "Language", "Books", "Income", "Costs", "Donors", "Funders", "Agreements",
    "Amount", "Category", "Source", "Reference", "Description",
]  # fmt: skip
# The same word in the language itself (Dutch "Filter", Norwegian "Start"), never a finding.
NATIVE = {"nl": {"Details", "Filter"}, "nb": {"Filter", "Detaljer"}}

_READ_ATTRIBUTES = re.compile(
    r"""\s(?:title|placeholder|alt|aria-label|data-confirm)\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)


def visible_text(html: str) -> str:
    """What a user reads: the text between tags, and the attributes a browser shows."""
    html = re.sub(r"<(script|style|template)\b.*?</\1\s*>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    shown = [a or b for a, b in _READ_ATTRIBUTES.findall(html)]
    words = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(" ".join([words, *shown])))


def english_words(text: str, language: str) -> list[str]:
    found = []
    for word in ENGLISH:
        if word in NATIVE[language]:
            continue
        if re.search(rf"(?<![\w(]){re.escape(word)}(?![\w)])", text) or (
            word.startswith("(") and word in text
        ):
            found.append(word)
    return found


def _catalogue(language: str, domain: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po", "rb") as po:
        return read_po(po, locale=language)


def _phrases(language: str) -> list[re.Pattern]:
    """Our multi-word English messages that the language writes differently, as patterns."""
    patterns = []
    for domain in ("messages", "admin"):
        for message in _catalogue(language, domain):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                words = re.sub(r"%\(\w+\)[sd]|%[sd]", " ", msgid or "").split()
                if len(words) < 3 or msgid in strings:
                    continue
                parts = re.split(r"%\(\w+\)[sd]|%[sd]", msgid)
                pattern = r".{1,80}?".join(re.escape(part) for part in parts)
                patterns.append((msgid, re.compile(pattern)))
    return patterns


@pytest.fixture
def missing(monkeypatch):
    """Every message looked up in a catalogue that lacks it (its English would be shown).

    Only those then seen on the page count: a form's hidden fields look up their labels too,
    and a word already translated is sometimes looked up again.
    """
    seen: set = set()
    plain, plural = support.Translations.ugettext, support.Translations.ungettext

    def ugettext(self, message):
        if message and message not in self._catalog and self._catalog:
            seen.add(message)
        return plain(self, message)

    def ungettext(self, singular, plural_form, n):
        if (singular, 0) not in self._catalog and self._catalog:
            seen.add(singular)
        return plural(self, singular, plural_form, n)

    monkeypatch.setattr(support.Translations, "ugettext", ugettext)
    monkeypatch.setattr(support.Translations, "ungettext", ungettext)
    return seen


@pytest.fixture
def books(session):
    """A network with a line of every source, a donor, a fund, a grant and a closed year."""
    net = share_network.build(session)
    donor = factories.donor(session, net.a, name="Jan de Vries")
    factories.fund(session, net.a)
    line = factories.income(session, net.a, "25.00", donor=donor, booking_date=date(2025, 6, 12))
    factories.income(session, net.a, "30.00", source=IncomeSource.IMPORT)
    net.grant = grant_helpers.awarded(session, net.a, funder=net.foundation)
    net.line = line
    return net


def _allowed(view, flag: str) -> bool:
    """A view's can_create/can_edit without a request: a property allows the admin."""
    value = inspect.getattr_static(type(view), flag)
    return value if isinstance(value, bool) else True


def _admin_pages(session) -> list[str]:
    pages = ["/admin/"]
    for view in current_app.extensions["admin"][0]._views:
        model = getattr(view, "model", None)
        if model is None:
            continue
        base = view.url.rstrip("/")
        pages.append(f"{base}/")
        if _allowed(view, "can_create"):
            pages.append(f"{base}/new/")
        row = session.query(model).order_by(model.id.desc()).first()
        if row is not None:
            if _allowed(view, "can_edit"):
                pages.append(f"{base}/edit/?id={row.id}")
            pages.append(f"{base}/details/?id={row.id}")
    return pages


def _screens(net) -> list[str]:
    return [
        "/",
        "/dashboard?year=2025",
        "/centres/A?year=2025",
        "/centres/A/lines?year=2025",
        "/rules",
        "/grants",
        f"/grants/{net.grant.id}",
        "/imports/",
        "/account",
        "/account/tokens",
    ]


def _shown(msgid: str, text: str) -> bool:
    """A msgid (its placeholders filled in by anything) as visible text."""
    parts = re.split(r"%\(\w+\)[sd]|%[sd]", msgid)
    pattern = r".{1,80}?".join(re.escape(part) for part in parts)
    return re.search(rf"(?<!\w){pattern}(?!\w)", text) is not None


def _check(client, pages, language, missing) -> dict:
    phrases = _phrases(language)
    problems = {}
    for page in pages:
        missing.clear()
        response = client.get(page)
        if response.status_code == 302 and ("/new/" in page or "/edit/" in page):
            continue  # a screen that offers no form of its own (the audit log, closing a year)
        if response.status_code != 200:
            problems[page] = [f"status {response.status_code}"]
            continue
        text = visible_text(response.get_data(as_text=True))
        found = english_words(text, language)
        found += [msgid for msgid, pattern in phrases if pattern.search(text)]
        found += [
            f"untranslated: {msgid}" for msgid in sorted(missing, key=str) if _shown(msgid, text)
        ]
        if found:
            problems[page] = found
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_admin_page_shows_english(client, login_as, session, books, language, missing):
    login_as("admin", locale=language)
    pages = _admin_pages(session)
    assert len(pages) > 30
    problems = _check(client, pages, language, missing)
    assert not problems, pformat(problems, width=100)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_screen_shows_english_to_the_national_office(client, login_as, books, language, missing):
    login_as("national", locale=language)
    problems = _check(client, _screens(books), language, missing)
    assert not problems, pformat(problems, width=100)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_screen_shows_english_to_a_treasurer(client, login_as, books, language, missing):
    login_as("treasurer", centre=books.a, locale=language)
    pages = _screens(books) + ["/income/batch", "/admin/income-lines/", "/admin/income-lines/new/"]
    pages.remove("/dashboard?year=2025")  # the national office's
    pages.remove("/rules")
    problems = _check(client, pages, language, missing)
    assert not problems, pformat(problems, width=100)


def test_the_net_catches_flask_admins_english():
    text = visible_text(
        '<a title="Create New Record">Maken</a><script>Delete()</script>'
        '<button data-confirm="Are you sure you want to delete this record?">x</button>'
        "<span>(none)</span> <td>Manual</td> <div class='Search'>Zoeken</div>"
    )
    assert english_words(text, "nl") == [
        "Create", "(none)", "Manual", "Are you sure", "Create New Record",
    ]  # fmt: skip


# The admin catalogue: complete for the Flask-Admin screens we use, compiled as committed.


@pytest.mark.no_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_catalogue_translates_every_word_of_the_screens_we_use(language):
    catalogue = _catalogue(language, "admin")
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalogue if m.id}
    wanted = {w if isinstance(w, str) else tuple(w) for w in admin_words()}
    assert wanted - ids == set(), "run `make translations` and translate the admin words"
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
    assert [(m.id, errors) for m, errors in catalogue.check()] == []


@pytest.mark.no_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_admin_mo_file_is_what_its_po_file_compiles_to(language):
    def messages(catalogue):
        def plain(value):
            return tuple(value) if isinstance(value, list | tuple) else value

        return {(m.context, plain(m.id)): plain(m.string) for m in catalogue if m.id}

    po = _catalogue(language, "admin")
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "admin.mo", "rb") as mo_file:
        mo = read_mo(mo_file)
    assert messages(mo) == messages(po), "run `make translations` to compile the .po file"
    assert mo.plural_forms == po.plural_forms


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Nieuw", "Met de geselecteerde", "Lijst", "50 regels", "Zoeken", "Start"]),
        ("nb", ["Ny", "Med de valgte", "Liste", "50 rader", "Søk", "Start"]),
    ],
)
def test_flask_admins_words_are_ours(client, login_as, books, language, words):
    login_as("national", locale=language)
    text = visible_text(client.get("/admin/income-lines/").get_data(as_text=True))
    for word in words:
        assert word in text, word
    assert "Maken" not in text and "artikelen" not in text and "Thuis" not in text


def test_an_income_lines_source_is_in_words(client, login_as, books, session):
    login_as("national", locale="nl")
    imported = session.query(IncomeLine).filter_by(source=IncomeSource.IMPORT).first()
    text = visible_text(
        client.get(f"/admin/income-lines/details/?id={imported.id}").get_data(as_text=True)
    )
    assert "Geïmporteerd" in text


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("nl", "Wilt u de regel van 12 jun 2025, €\xa025,00 van Jan de Vries (A) verwijderen?"),
        ("nb", "Vil du slette posteringen 12. juni 2025, €\xa025,00 fra Jan de Vries (A)?"),
        ("en", "Delete the line of Jun 12, 2025, €\xa025,00 from Jan de Vries (A)?"),
    ],
)
def test_the_delete_button_asks_about_the_line_it_deletes(
    client, login_as, books, language, question
):
    login_as("treasurer", centre=books.a, locale=language)
    html = client.get("/admin/income-lines/").get_data(as_text=True)
    asked = [unescape(words) for words in re.findall(r'data-confirm="([^"]*)"', html)]
    assert question in asked, asked


def test_api_tokens_are_in_the_users_menu_not_among_the_home_pages_links(client, login_as, books):
    login_as("treasurer", centre=books.a, locale="en")
    html = client.get("/").get_data(as_text=True)
    links = re.search(r'<ul class="links">(.*?)</ul>', html, re.S).group(1)
    assert "/account/tokens" not in links and "API tokens" not in links
    menu = re.search(r'<details class="user-menu">(.*?)</details>', html, re.S).group(1)
    assert "/account/tokens" in menu
