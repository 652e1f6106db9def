"""Server-side sessions: every sign-in is a row the server checks on each request and can end.

The browser's signed cookie carries a random session id; `user_sessions` keeps its SHA-256
hash with when the session started, was last used and must end. "Keep me signed in" is a
second random token in a cookie of its own (HttpOnly, SameSite=Lax), also stored hashed,
that opens a new session id and is replaced each time it is used. Signing out ends the row;
a changed password, e-mail, role or centre and deactivation end every row of that user, and
every API token with them.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, has_request_context, request
from flask import session as cookie
from flask_login import login_user, logout_user
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from fundtrack.auth.models import User, UserSession
from fundtrack.auth.tokens import revoke_all_statement
from fundtrack.extensions import db, login_manager

SID_KEY = "_sid"
# Outside production; production's is "__Host-fundtrack_remember" (FUNDTRACK_REMEMBER_COOKIE).
REMEMBER_COOKIE = "fundtrack_remember"
# Flask-Login's own remember cookie: no longer issued; an old one is deleted on sight.
LEGACY_REMEMBER_COOKIE = "remember_token"
# Writing last_seen_at on every request would make each read a write; once a minute will do.
TOUCH_EVERY = timedelta(minutes=1)
# How long a replaced remember token still lets a request in (requests sent at once).
REUSE_SECONDS = 30
# What a change to a user does to their sessions: these end them all.
ENDS_SESSIONS = ("password_hash", "email", "role", "centre_id", "active")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _config_delta(key: str, unit: str) -> timedelta:
    return timedelta(**{unit: current_app.config[key]})


def new_session(user: User, remember: bool = False) -> tuple[UserSession, str, str | None]:
    """A session row for `user`; returns it with its id and remember token (shown once)."""
    sid = secrets.token_urlsafe(32)
    started = now()
    lifetime = (
        _config_delta("REMEMBER_DAYS", "days")
        if remember
        else _config_delta("SESSION_LIFETIME_MINUTES", "minutes")
    )
    has_request = has_request_context()
    row = UserSession(
        user_id=user.id,
        sid_hash=_hash(sid),
        created_at=started,
        last_seen_at=started,
        expires_at=started + lifetime,
        ip=(request.remote_addr or "")[:45] if has_request else "",
        user_agent=request.user_agent.string[:200] if has_request else "",
    )
    token = None
    if remember:
        token = secrets.token_urlsafe(32)
        row.remember_hash = _hash(token)
    db.session.add(row)
    db.session.flush()
    return row, sid, token


def start_session(user: User, remember: bool = False) -> UserSession:
    """Sign `user` in on this request: a new server-side session and a new cookie session.

    Everything the cookie held before (the CSRF token among it) is dropped, so nothing taken
    before signing in works after it.
    """
    cookie.clear()
    row, sid, token = new_session(user, remember)
    login_user(user)  # Flask-Login's remember cookie stays unused: ours rotates
    cookie[SID_KEY] = sid
    g.remember_cookie = token
    return row


def _valid(row: UserSession | None, moment: datetime) -> bool:
    return (
        row is not None
        and row.revoked_at is None
        and moment < aware(row.expires_at)
        and row.user is not None
        and row.user.active
    )


def current_session() -> UserSession | None:
    """This request's server-side session, if its id is known, unrevoked and in time."""
    if "fundtrack_session" in g:
        return g.fundtrack_session
    row = None
    sid = cookie.get(SID_KEY)
    if isinstance(sid, str) and 0 < len(sid) <= 100:
        row = db.session.scalars(
            select(UserSession).where(UserSession.sid_hash == _hash(sid))
        ).one_or_none()
        moment = now()
        idle = _config_delta("SESSION_IDLE_MINUTES", "minutes")
        if not _valid(row, moment) or moment - aware(row.last_seen_at) > idle:
            row = None
        elif moment - aware(row.last_seen_at) > TOUCH_EVERY:
            row.last_seen_at = moment
            db.session.commit()
    g.fundtrack_session = row
    return row


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of the cookie's session, only while the server still holds that session."""
    row = current_session()
    if row is None or str(row.user_id) != str(user_id):
        cookie.pop(SID_KEY, None)
        cookie.pop("_user_id", None)
        return None
    return row.user


@login_manager.request_loader
def load_user_from_remember_token(_request) -> User | None:
    """ "Keep me signed in": a valid remember token opens a new session id and is replaced.

    The token it replaced still lets a request in for REUSE_SECONDS, without new cookies:
    two requests sent at once with the same token (two tabs, a prefetch) both get in, and
    the first one's new cookies stand.
    """
    token = request.cookies.get(_remember_name())
    if not token or len(token) > 100:
        return None
    digest, moment = _hash(token), now()
    row = db.session.scalars(
        select(UserSession).where(UserSession.remember_hash == digest)
    ).one_or_none()
    if row is None:
        return _just_replaced(digest, moment)
    if not _valid(row, moment) or _idle_too_long(row, moment):
        g.remember_cookie = ""  # delete it
        return None
    sid, fresh_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    replaced = db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.remember_hash == digest)
        .values(sid_hash=_hash(sid), remember_hash=_hash(fresh_token), last_seen_at=moment,
                previous_remember_hash=digest, remember_rotated_at=moment)
        .execution_options(synchronize_session="fetch")
    ).rowcount  # fmt: skip
    db.session.commit()
    if not replaced:  # another request replaced it in between
        return _just_replaced(digest, moment)
    cookie[SID_KEY], cookie["_user_id"], cookie["_fresh"] = sid, str(row.user_id), False
    g.remember_cookie = fresh_token
    g.fundtrack_session = row
    return row.user


def _just_replaced(digest: str, moment: datetime) -> User | None:
    """The user of a remember token replaced a moment ago, or None (and the cookie goes)."""
    row = db.session.scalars(
        select(UserSession).where(UserSession.previous_remember_hash == digest)
    ).first()
    if (
        _valid(row, moment)
        and row.remember_rotated_at is not None
        and moment - aware(row.remember_rotated_at) <= timedelta(seconds=REUSE_SECONDS)
        and not _idle_too_long(row, moment)
    ):
        g.fundtrack_session = row
        return row.user
    g.remember_cookie = ""  # delete it
    return None


def _idle_too_long(row: UserSession, moment: datetime) -> bool:
    """A remembered session of a wide role left unused longer than its idle limit."""
    if row.user.role.value not in ("admin", "national"):
        return False
    idle = _config_delta("REMEMBER_IDLE_HOURS_OFFICE", "hours")
    return moment - aware(row.last_seen_at) > idle


def end_session() -> None:
    """Sign out on this request: the server forgets the session, the browser its cookies."""
    row = current_session()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now()
        db.session.commit()
    logout_user()
    cookie.clear()
    g.remember_cookie = ""


def end_all_sessions(session: Session, user_id: int) -> int:
    """End every session, remember token and API token of a user; returns how many sessions
    were open."""
    session.execute(
        revoke_all_statement(user_id), execution_options={"synchronize_session": "fetch"}
    )
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def sessions_of(session: Session, user: User) -> list[UserSession]:
    """The user's open sessions, most recently used first."""
    moment = now()
    rows = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    )
    return [row for row in rows if aware(row.expires_at) > moment]


def _ended_by_change(session: Session, _context) -> None:
    users = [
        obj
        for obj in session.dirty
        if isinstance(obj, User)
        and any(_changed(obj, key) for key in ENDS_SESSIONS)
        and obj.id is not None
    ]
    for user in users:
        session.connection().execute(
            update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        session.connection().execute(revoke_all_statement(user.id))


def _changed(obj, key: str) -> bool:
    # An attribute changed without being loaded first has no old value: count it as changed.
    history = db.inspect(obj).attrs[key].history
    return history.has_changes() and list(history.added) != list(history.deleted)


def _remember_name() -> str:
    return current_app.config.get("FUNDTRACK_REMEMBER_COOKIE", REMEMBER_COOKIE)


def _set_remember_cookie(response):
    token = g.get("remember_cookie")
    config = current_app.config
    if token:
        response.set_cookie(
            _remember_name(),
            token,
            max_age=int(_config_delta("REMEMBER_DAYS", "days").total_seconds()),
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
            path="/",
        )
    elif token == "":
        response.delete_cookie(
            _remember_name(), path="/", secure=config["SESSION_COOKIE_SECURE"], httponly=True
        )
    if LEGACY_REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(LEGACY_REMEMBER_COOKIE)
    return response


def _forget_previous_request() -> None:
    # `g` lives as long as the app context, which a test (or a CLI command that makes
    # requests) may share between requests: what one request loaded must not serve the next.
    for key in ("fundtrack_session", "_login_user", "remember_cookie", "csp_nonce"):
        g.pop(key, None)


def init_app(app: Flask) -> None:
    """Install the cookie hooks on `app`, and the hook that ends sessions on user changes."""
    app.before_request(_forget_previous_request)
    app.after_request(_set_remember_cookie)
    if not event.contains(Session, "after_flush", _ended_by_change):
        event.listen(Session, "after_flush", _ended_by_change)
