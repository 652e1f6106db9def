"""The user's own menu in the page header: their account, API tokens, the language."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fundtrack.auth.forms import LANGUAGES

# (label, endpoint): shown when the endpoint exists in this application.
OWN_PAGES = [(_l("My account"), "account.index"), (_l("API tokens"), "api_tokens.index")]


def user_menu() -> dict:
    """Template values for the header: the user's own pages and the languages to switch to."""
    if not current_user or not current_user.is_authenticated:
        return {}
    rules = current_app.url_map._rules_by_endpoint
    return {
        "user_menu": [(label, endpoint) for label, endpoint in OWN_PAGES if endpoint in rules],
        "language_choices": [(c.value, c.label) for c in LANGUAGES if c.value],
    }
