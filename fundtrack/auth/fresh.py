"""A fresh sign-in: the password (and the second step, where it is on) typed a few minutes
ago in this session. Making an API token asks for one with the second step; setting up the
second step or new recovery codes asks for one at all.

The moment and whether the second step was passed are kept in the signed session cookie,
which signing in starts afresh; a session resumed from "keep me signed in" has neither.
"""

import time

from flask import current_app
from flask import session as cookie

KEY = "_signed_in"
DEFAULT_MINUTES = 10


def mark(second_step: bool) -> None:
    """The user has just typed their password (and a code when `second_step`)."""
    cookie[KEY] = {"at": int(time.time()), "mfa": bool(second_step)}


def add_second_step() -> None:
    """A code was just typed in a fresh session (enrolling the second step): the sign-in
    now counts as one with the second step, from the moment the password was typed."""
    stamp = cookie.get(KEY)
    if isinstance(stamp, dict):
        cookie[KEY] = stamp | {"mfa": True}


def is_fresh(user, with_second_step: bool = False) -> bool:
    """Did `user` sign in (or confirm) within the last minutes, with the second step if
    asked for or if it is on for them?"""
    stamp = cookie.get(KEY)
    if not isinstance(stamp, dict) or not isinstance(stamp.get("at"), int):
        return False
    minutes = current_app.config.get("FRESH_SIGN_IN_MINUTES", DEFAULT_MINUTES)
    if time.time() - stamp["at"] > minutes * 60:
        return False
    if with_second_step or user.mfa_enabled:
        return bool(user.mfa_enabled and stamp.get("mfa"))
    return True
