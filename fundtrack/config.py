"""Configuration: defaults, then the environment, then what a caller (a test) passes."""

import os
from typing import Any

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """The configuration would make the application unsafe or unable to run."""


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "fundtrack.sqlite3")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_production() -> bool:
    env = os.environ.get("FUNDTRACK_ENV") or os.environ.get("FLASK_ENV") or ""
    return env.lower() == "production"


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings for one application instance."""
    config: dict[str, Any] = {
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": os.environ.get("FUNDTRACK_LOCALE", "nl"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("FUNDTRACK_TIMEZONE", "Europe/Amsterdam"),
        "FUNDTRACK_DEFAULT_CURRENCY": os.environ.get("FUNDTRACK_CURRENCY", "EUR"),
        "FUNDTRACK_LANGUAGES": ["nl", "en", "nb"],
        # Our own words in Dutch and Norwegian (English is the source); `make translations`.
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(os.path.dirname(__file__), "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_production(),
        "REMEMBER_COOKIE_SECURE": is_production(),
        "WTF_CSRF_TIME_LIMIT": None,
        "API_PAGE_SIZE_MAX": 500,
    }
    config.update(overrides or {})
    if is_production() and config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value in production "
            "(FUNDTRACK_ENV=production)."
        )
    return config
