"""fundtrack: income, costs and grants of care centres against the structural funding target."""

import os
from pathlib import Path
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import NotFound as PageNotFound

from fundtrack.config import load_config
from fundtrack.errors import NotFound
from fundtrack.extensions import READ_ONLY, babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


API_PREFIX = "/api/"


def is_api_request() -> bool:
    """True inside a request to the API (its answers are for programs and their people)."""
    from flask import has_request_context

    return has_request_context() and request.path.startswith(API_PREFIX)


def _select_locale() -> str | None:
    """The language of this request's words: a screen's user's own choice, else the
    browser's; the API speaks English unless the client's Accept-Language asks for one of
    ours (a token's user's UI language never changes the API's language silently)."""
    from flask import current_app, has_request_context
    from flask_login import current_user
    from werkzeug.datastructures import LanguageAccept

    if not has_request_context():
        return None  # a command or a test outside a request: the default locale
    languages = current_app.config["FUNDTRACK_LANGUAGES"]
    if is_api_request():
        # "*" asks for nothing in particular: that is English here, not the default locale.
        # "nb-NO" asks for Norwegian as much as "nb" does, before English at a lower quality.
        asked = LanguageAccept(
            [(v.split("-")[0], q) for v, q in request.accept_languages if v != "*"]
        )
        return asked.best_match(languages) or "en"
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    return request.accept_languages.best_match(languages)


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # SQLite ignores foreign keys unless asked, per connection; and pysqlite's own
        # transaction handling breaks savepoints, so SQLAlchemy emits BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers need not wait for a writer; writers queue for up to ten seconds.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "connect")
def _postgresql_connect(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("psycopg"):
        # PostgreSQL compiles (JIT) any plan whose estimated cost passes jit_above_cost, and
        # the estimates of trigram and whole-table scans grow with the ledger: at 10 million
        # lines the list's search paid 15-40 ms of compiling for statements that run in
        # under one. Every statement here reads an index page or a summary: no JIT.
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.commit()  # a SET rolled back with its transaction is undone


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        # IMMEDIATE takes the write lock up front: a transaction that reads and then writes
        # would otherwise fail at once ("database is locked") when another one wrote first.
        # A reader needs no lock: in WAL mode it reads its snapshot beside any writer.
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _not_found(_error: NotFound) -> PageNotFound:
    # A row the user may not see is answered as one that does not exist: the 404 page (the
    # API's blueprints answer it in JSON with handlers of their own).
    return PageNotFound()


def _ui_language() -> dict:
    from flask_babel import get_locale

    locale = get_locale()
    return {"ui_language": locale.language if locale else "en"}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an application: defaults, then the environment, then `config`."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("FUNDTRACK_INSTANCE", str(ROOT / "instance")),
    )
    app.config.update(load_config(app.instance_path, config))
    os.makedirs(app.instance_path, exist_ok=True)

    from fundtrack import models  # noqa: F401  (registers every table)
    from fundtrack.audit import listeners as audit_listeners
    from fundtrack.centres import locks
    from fundtrack.formatting import network_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from fundtrack.imports import allow_upload_bodies

    # Before the CSRF check reads the body: an upload may be larger than other requests.
    app.before_request(allow_upload_bodies)
    csrf.init_app(app)
    # Flask-Admin translates through Flask-Babel: Babel must be up before the admin.
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=network_timezone)
    audit_listeners.install()
    locks.install()

    from fundtrack import auth

    auth.init_app(app)
    if app.config.get("FUNDTRACK_PROXIES"):
        # Behind a reverse proxy: the client's address (for throttling and the audit log)
        # and the scheme come from this many trusted X-Forwarded-* hops.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["FUNDTRACK_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _register_blueprints(app)
    _register_cli(app)
    app.context_processor(_ui_language)
    app.register_error_handler(NotFound, _not_found)
    from fundtrack.admin import init_admin

    init_admin(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from fundtrack import formatting, share
    from fundtrack.auth.views import bp as auth_bp
    from fundtrack.centres import views as centre_views
    from fundtrack.income.views import bp as income_bp

    app.register_blueprint(auth_bp)
    share.init_app(app)
    app.register_blueprint(income_bp)
    centre_views.init_app(app)
    from fundtrack.costs import views as cost_views

    cost_views.init_app(app)
    from fundtrack.health import views as health_views

    health_views.init_app(app)
    from fundtrack import logs

    logs.init_app(app)
    from fundtrack import metrics

    metrics.init_app(app)
    from fundtrack.api import init_api
    from fundtrack.auth.token_views import bp as api_tokens_bp

    app.register_blueprint(api_tokens_bp)
    init_api(app)
    from fundtrack import jobs, reports

    jobs.init_app(app)
    reports.init_app(app)
    from fundtrack.grants import views as grant_views

    grant_views.init_app(app)
    from fundtrack.giving import views as giving_views

    giving_views.init_app(app)
    from fundtrack import imports

    imports.init_app(app)
    from fundtrack.yearend import views as yearend_views

    yearend_views.init_app(app)
    formatting.init_app(app)


def _register_cli(app: Flask) -> None:
    from fundtrack.cli import register

    register(app)
