"""Flask-Admin's own words in our Dutch and Norwegian: the gettext domain "admin".

Flask-Admin translates its buttons, pager, filters and messages through a Flask-Babel domain of
its own (flask_admin.babel.domain) from the catalogues it ships. Its Dutch reads like a machine
("Maken", "50 artikelen", "Thuis", "Met geselecteerd") and it has no Bokmål at all (only "no").
Our catalogue, fundtrack/translations/<lang>/LC_MESSAGES/admin.po, is read *after* Flask-Admin's:
Flask-Babel merges a domain's directories in order and a later catalogue overrides an earlier
one, so our words win and Flask-Admin's still cover anything we have not translated.

Admin(translations_path=...) is no help here: it puts its directory *before* Flask-Admin's
(whose words then win) and only while an admin view is rendering, so the directories are set on
the domain itself, once, when the app is made.

`write_template(FILE)` writes the template (admin.pot) that `make
translations` merges into the catalogues: every word of the Flask-Admin screens we use (the
Bootstrap 4 model views over SQLAlchemy, their forms, filters and actions; not its file, Redis or
MongoDB screens) and every `_gettext` of our own admin templates.
"""

from pathlib import Path

import flask_admin
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po
from flask_admin import babel as admin_babel
from flask_admin import translations as admin_translations

ROOT = Path(__file__).resolve().parent.parent.parent
OURS = ROOT / "fundtrack" / "translations"
FLASK_ADMIN = Path(flask_admin.__file__).resolve().parent

# Flask-Admin's code marks words with gettext/ngettext/lazy_gettext (its domain's functions);
# templates, ours included, with _gettext/_ngettext. Our own templates' _() and ngettext() are
# the "messages" domain's, so they are read with the template keywords only.
_LIBRARY_KEYWORDS = {
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_gettext": None,
    "_ngettext": (1, 2),
    "_lazy_gettext": None,
}
_TEMPLATE_KEYWORDS = {"_gettext": None, "_ngettext": (1, 2)}

_LIBRARY_FILES = [
    ("*.py", "python"),
    ("form/**.py", "python"),
    ("model/**.py", "python"),
    ("contrib/sqla/**.py", "python"),
    ("templates/bootstrap4/admin/*.html", "jinja2"),
    ("templates/bootstrap4/admin/model/**.html", "jinja2"),
]


def use_our_admin_words() -> None:
    """Read our admin catalogue after Flask-Admin's: where we have a word, ours is shown."""
    domain = admin_babel.domain
    domain._translation_directories = [admin_translations.__path__[0], str(OURS)]
    domain.cache.clear()  # a catalogue merged before this (another app, a test) is stale


def admin_words() -> dict:
    """Every word the Flask-Admin screens we use can show: msgid (or singular, plural) -> None."""
    found: dict = {}
    sources = [
        (FLASK_ADMIN, _LIBRARY_FILES, _LIBRARY_KEYWORDS),
        (ROOT / "templates" / "admin", [("**.html", "jinja2")], _TEMPLATE_KEYWORDS),
    ]
    for directory, method_map, keywords in sources:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(directory), method_map, keywords=keywords
        ):
            if isinstance(message, tuple) and not all(message):
                continue  # a word made at run time ('{} item'.format(n)) cannot be extracted
            found[message] = None
    return found


def write_template(path: str) -> None:
    catalogue = Catalog(project="fundtrack", version="0.1.0", domain="admin")
    for message in admin_words():
        catalogue.add(message)
    with open(path, "wb") as out:
        write_po(out, catalogue, width=100, omit_header=False, sort_output=True, no_location=True)
