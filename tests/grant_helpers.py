"""Building grant applications in tests, through the operations a user would use."""

from datetime import date
from decimal import Decimal

from fundtrack.grants import operations
from fundtrack.grants.models import Grant
from tests import factories


def grant(session, centre, funder=None, user=None, **values) -> Grant:
    """A draft application by `centre` (None: the national office), made by a manager."""
    funder = funder or factories.funder(session, type="foundation")
    user = user or factories.user(session, role="national")
    defaults = {
        "funder": funder.id,
        "centre": centre.code if centre else None,
        "project_name": "Companion service",
        "start": date(2025, 1, 1),
        "end": date(2025, 12, 31),
        "amount_requested": Decimal("700000.00"),
    }
    return operations.create_grant(session, user, defaults | values)


def awarded(session, centre, amount="700000.00", **values) -> Grant:
    """An application moved to awarded (or partly awarded, when `amount` is less)."""
    row = grant(session, centre, **values)
    user = factories.user(session, role="national")
    operations.move_grant(session, user, row, "submitted", on=date(2024, 10, 1))
    operations.move_grant(
        session, user, row, "awarded", amount_awarded=Decimal(amount), on=date(2024, 12, 1)
    )
    return row
