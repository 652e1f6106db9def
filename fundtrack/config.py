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


def _environment() -> str:
    return (os.environ.get("FUNDTRACK_ENV") or os.environ.get("FLASK_ENV") or "").lower()


def is_production() -> bool:
    return _environment() == "production"


def is_development() -> bool:
    """Development mode is asked for explicitly (`make run`, the tests); never a default."""
    return _environment() == "development"


def _minutes(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings for one application instance."""
    config: dict[str, Any] = {
        "SECRET_KEY": os.environ.get("SECRET_KEY")
        or (DEFAULT_SECRET_KEY if is_development() else None),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": os.environ.get("FUNDTRACK_LOCALE", "nl"),
        # Moments are shown in the network's time zone, by default its country's
        # (fundtrack.formatting.network_timezone); an operator may name another.
        "FUNDTRACK_TIMEZONE": os.environ.get("FUNDTRACK_TIMEZONE") or None,
        "FUNDTRACK_DEFAULT_CURRENCY": os.environ.get("FUNDTRACK_CURRENCY", "EUR"),
        "FUNDTRACK_LANGUAGES": ["nl", "en", "nb"],
        # Our own words in Dutch and Norwegian (English is the source); `make translations`.
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(os.path.dirname(__file__), "translations"),
        # __Host- cookies are refused by browsers unless Secure, for path / and without a
        # Domain: no sibling subdomain or plain-http page can plant or overwrite them.
        "SESSION_COOKIE_NAME": "__Host-fundtrack_session" if is_production() else "session",
        "FUNDTRACK_REMEMBER_COOKIE": (
            "__Host-fundtrack_remember" if is_production() else "fundtrack_remember"
        ),
        # The long-lived cookie that tells a known browser from a new one (auth.notices).
        "FUNDTRACK_DEVICE_COOKIE": (
            "__Host-fundtrack_device" if is_production() else "fundtrack_device"
        ),
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_production(),
        # Flask-Login's own remember cookie is never set: "keep me signed in" is a rotating,
        # revocable token of ours (fundtrack.auth.sessions).
        "REMEMBER_COOKIE_SECURE": is_production(),
        "FUNDTRACK_PRODUCTION": is_production(),
        # How many reverse proxies in front of the app set X-Forwarded-For (0: none).
        "FUNDTRACK_PROXIES": int(os.environ.get("FUNDTRACK_PROXIES", 0)),
        # A session ends after this long without a request, and at the latest this long
        # after signing in; "keep me signed in" lasts REMEMBER_DAYS unless used again.
        "SESSION_IDLE_MINUTES": _minutes("FUNDTRACK_SESSION_IDLE_MINUTES", 30),
        "SESSION_LIFETIME_MINUTES": _minutes("FUNDTRACK_SESSION_LIFETIME_MINUTES", 12 * 60),
        "REMEMBER_DAYS": _minutes("FUNDTRACK_REMEMBER_DAYS", 14),
        # A remembered session of an admin or the national office also ends after this many
        # hours unused: their rights are too wide for a token left on a forgotten laptop.
        "REMEMBER_IDLE_HOURS_OFFICE": _minutes("FUNDTRACK_REMEMBER_IDLE_HOURS_OFFICE", 24),
        # Sign-in attempts, per e-mail address and per client address (Flask-Limiter syntax).
        # Counted in the database by default, so every worker shares them; redis:// also does.
        "RATELIMIT_STORAGE_URI": os.environ.get("FUNDTRACK_RATELIMIT_STORAGE", "fundtrack-db://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("FUNDTRACK_LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("FUNDTRACK_LOGIN_LIMIT_ADDRESS", "50 per 15 minutes"),
        # A folder of Pwned Passwords range files (fundtrack.auth.breached); none: not checked.
        "BREACHED_RANGES": os.environ.get("FUNDTRACK_BREACHED_RANGES") or None,
        # argon2id cost: "standard" (OWASP: 19 MiB, 2 passes); the tests use "cheap".
        "PASSWORD_HASH_PROFILE": "standard",
        # Roles that must sign in with a second factor (TOTP or a recovery code).
        "MFA_REQUIRED_ROLES": ("admin", "national"),
        # Requests larger than this are refused with 413 before their body is read; the
        # API's largest batch (1,000 income lines) fits well inside.
        "MAX_CONTENT_LENGTH": int(os.environ.get("FUNDTRACK_MAX_BODY_BYTES", 2 * 1024 * 1024)),
        "WTF_CSRF_TIME_LIMIT": None,
        "API_PAGE_SIZE_MAX": 500,
    }
    config.update(overrides or {})
    key = config["SECRET_KEY"]
    if not key or (key == DEFAULT_SECRET_KEY and not is_development()):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value; only development mode "
            "(FUNDTRACK_ENV=development, as `make run` sets) runs without one."
        )
    if is_production() and len(key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
    config["TOTP_SECRET_KEYS"] = _totp_keys(config, key)
    return config


def _totp_keys(config: dict[str, Any], secret_key: str) -> list[str]:
    """The keys that encrypt the TOTP secrets at rest (fundtrack.auth.sealed), newest first.

    Production needs FUNDTRACK_TOTP_KEYS; elsewhere a key is derived from SECRET_KEY."""
    from fundtrack.auth.sealed import (
        ENVIRONMENT_NAME,
        NEW_KEY_COMMAND,
        development_key,
        parse_keys,
    )

    given = config.get("TOTP_SECRET_KEYS")
    if isinstance(given, str) or given is None:
        try:
            given = parse_keys(given if given is not None else os.environ.get(ENVIRONMENT_NAME))
        except ValueError:
            raise ConfigError(
                f"{ENVIRONMENT_NAME} holds a value that is no Fernet key; make one with "
                f"{NEW_KEY_COMMAND}"
            ) from None
    if given:
        return list(given)
    if is_production():
        raise ConfigError(
            f"{ENVIRONMENT_NAME} must be set in production: the key that encrypts the second "
            f"step's secrets. Make one with {NEW_KEY_COMMAND}"
        )
    return [development_key(secret_key)]
