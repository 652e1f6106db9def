"""Telling a user what happened to their sign-in: a new device signed in, their second step
changed. fundtrack sends no mail, so these are kept as notices.

A browser is known by a random id in a long-lived cookie of its own (HttpOnly, SameSite=Lax,
`__Host-` in production); the server keeps its SHA-256 hash per user. A sign-in from a
browser the user has not signed in from before is a new device (a user's very first sign-in
is not). A notice is shown as a message at the user's next sign-in from another browser than
the one it concerns (someone who took over the account does not see it away), and the
account page lists those of the last 90 days.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app, flash, g, has_request_context, request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import KnownDevice, SecurityNotice, User
from fundtrack.auth.sessions import now
from fundtrack.formatting import format_moment
from fundtrack.labels import SECURITY_NOTICE_LABELS, label_of

NEW_DEVICE = "new_device"
MFA_ON = "mfa_on"
MFA_RESET = "mfa_reset"
CODES_NEW = "codes_new"
# Outside production; production's is "__Host-fundtrack_device" (FUNDTRACK_DEVICE_COOKIE).
DEVICE_COOKIE = "fundtrack_device"
DEVICE_COOKIE_DAYS = 400
SHOWN_DAYS = 90


def _cookie_name() -> str:
    return current_app.config.get("FUNDTRACK_DEVICE_COOKIE", DEVICE_COOKIE)


def _device_hash() -> str:
    """This browser's device hash ("" outside a request); a new id is given when it has none."""
    if not has_request_context():
        return ""
    if "device_id" not in g:
        token = request.cookies.get(_cookie_name(), "")
        if not (20 <= len(token) <= 100):
            token = secrets.token_urlsafe(32)
            g.device_cookie = token
        g.device_id = token
    return hashlib.sha256(g.device_id.encode("utf-8")).hexdigest()


def record(session: Session, user: User, kind: str) -> SecurityNotice:
    """Keep a notice for `user`, with where it came from; flushed, the caller commits."""
    ip = agent = ""
    if has_request_context():
        ip, agent = (request.remote_addr or "")[:45], request.user_agent.string[:200]
    notice = SecurityNotice(
        user_id=user.id, kind=kind, created_at=now(), ip=ip, user_agent=agent,
        device_hash=_device_hash(),
    )  # fmt: skip
    session.add(notice)
    session.flush()
    return notice


def note_sign_in(session: Session, user: User) -> None:
    """On a sign-in: remember this browser (a notice when it is new to a user who has signed
    in before), and show the notices this browser has not been the source of."""
    device = _device_hash()
    known = session.scalars(select(KnownDevice).where(KnownDevice.user_id == user.id)).all()
    this = next((row for row in known if row.device_hash == device), None)
    moment = now()
    if this is None:
        if known:
            record(session, user, NEW_DEVICE)
        session.add(
            KnownDevice(
                user_id=user.id, device_hash=device, first_seen_at=moment, last_seen_at=moment
            )
        )
    else:
        this.last_seen_at = moment
    unseen = session.scalars(
        select(SecurityNotice)
        .where(
            SecurityNotice.user_id == user.id,
            SecurityNotice.seen_at.is_(None),
            SecurityNotice.device_hash != device,
        )
        .order_by(SecurityNotice.created_at)
    ).all()
    for notice in unseen:
        flash(in_words(notice), "warning")
        notice.seen_at = moment
    session.flush()


def in_words(notice: SecurityNotice) -> str:
    """ "A new device signed in on 7 Dec 2026, 14:05 (Firefox on Linux, 192.0.2.1)." """
    return gettext(
        "%(what)s on %(when)s (%(browser)s, %(address)s). Not you? Sign out everywhere and "
        "change your password.",
        what=label_of(SECURITY_NOTICE_LABELS, notice.kind),
        when=format_moment(notice.created_at, "medium"),
        browser=browser(notice.user_agent),
        address=notice.ip or "?",
    )


def browser(agent: str) -> str:
    """A user agent in the few words a person recognises ("Firefox on Linux")."""
    return _parse(agent) or gettext("an unknown browser")


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"),
            ("iPad", "iPadOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"))  # fmt: skip


def _parse(agent: str) -> str:
    name = next((word for mark, word in _BROWSERS if mark in agent), "")
    system = next((word for mark, word in _SYSTEMS if mark in agent), "")
    if name and system:
        return gettext("%(browser)s on %(system)s", browser=name, system=system)
    return name or system


def recent(session: Session, user: User) -> list[SecurityNotice]:
    """The user's notices of the last SHOWN_DAYS days, newest first."""
    since = now() - timedelta(days=SHOWN_DAYS)
    return list(
        session.scalars(
            select(SecurityNotice)
            .where(SecurityNotice.user_id == user.id, SecurityNotice.created_at >= since)
            .order_by(SecurityNotice.created_at.desc(), SecurityNotice.id.desc())
            .limit(20)
        )
    )


def _set_device_cookie(response):
    token = g.get("device_cookie")
    if token:
        response.set_cookie(
            _cookie_name(),
            token,
            max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
            path="/",
        )
    return response


def _forget_previous_request() -> None:
    for key in ("device_id", "device_cookie"):
        g.pop(key, None)


def init_app(app: Flask) -> None:
    app.before_request(_forget_previous_request)
    app.after_request(_set_device_cookie)
