"""Passwords known from data breaches, checked offline against k-anonymity range files.

The files are those of Have I Been Pwned's Pwned Passwords, as its downloader writes them
one per range (`haveibeenpwned-downloader -p`): a file per first five hex digits of a
password's SHA-1 (`ABCDE.txt`), each line the other 35 digits and a count
(`0018A45C4D1DEF81644B54AB7F969B88D65:10`). Set FUNDTRACK_BREACHED_RANGES to their folder;
nothing is fetched from the network. Without it only zxcvbn's shipped lists apply.
"""

import hashlib
import os
from pathlib import Path

from flask import current_app, has_app_context


def ranges_folder() -> Path | None:
    folder = None
    if has_app_context():
        folder = current_app.config.get("BREACHED_RANGES")
    folder = folder or os.environ.get("FUNDTRACK_BREACHED_RANGES")
    return Path(folder) if folder else None


def times_breached(password: str) -> int:
    """How often the password appears in the range files (0: not, or no files)."""
    folder = ranges_folder()
    if folder is None:
        return 0
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    try:
        with open(folder / f"{prefix}.txt", encoding="ascii") as lines:
            for line in lines:
                if line[:35].upper() == suffix:
                    count = line.strip().partition(":")[2]
                    return int(count) if count.isdigit() else 1
    except FileNotFoundError:
        return 0
    return 0
