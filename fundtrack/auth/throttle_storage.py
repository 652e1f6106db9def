"""Sign-in throttle counts in the application's database, so that every worker shares them.

Flask-Limiter keeps its counts in a `limits` storage. The in-memory one counts per process,
so `gunicorn --workers 4` allowed four times the attempts, and a crashed worker forgot them.
This storage (`fundtrack-db://`, the default) keeps fixed-window counts in the
`throttle_counts` table; Redis (`redis://…`) remains the choice for very busy sites. Counts
are written in the request's own database session and committed at once.
"""

import time

from flask import has_app_context
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from fundtrack.auth.models import ThrottleCount
from fundtrack.extensions import db


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["fundtrack-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return Exception

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = ThrottleCount.__table__
        dialect = db.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        statement = insert(table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": _case(expired, amount, table.c.count + amount),
                "expires_at": _case(expired, now + expiry, table.c.expires_at),
            },
        ).returning(table.c.count)
        count = db.session.execute(statement).scalar_one()
        db.session.commit()
        return count

    def get(self, key: str) -> int:
        row = db.session.get(ThrottleCount, key)
        return row.count if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = db.session.get(ThrottleCount, key)
        return row.expires_at if row is not None else time.time()

    def check(self) -> bool:
        try:
            db.session.execute(select(1))
            return True
        except Exception:
            return False

    def reset(self) -> int | None:
        if not has_app_context():
            return None
        count = db.session.execute(delete(ThrottleCount)).rowcount
        db.session.commit()
        return count

    def clear(self, key: str) -> None:
        db.session.execute(delete(ThrottleCount).where(ThrottleCount.key == key))
        db.session.commit()


def _case(condition, then, otherwise):
    return case((condition, then), else_=otherwise)
