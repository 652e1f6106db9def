"""Helpers the domain operations share: finding referenced rows the user may see."""

from contextlib import suppress

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import MAX_ID, load_visible, visible  # noqa: F401  (MAX_ID: imported from here too)
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import Conflict, Label, NotFound, ValidationError

FIRST_YEAR, LAST_YEAR = 1900, 2999


def referenced(session: Session, user: User, model, row_id, field: str, label: str):
    """The row `row_id` of `model` that `user` may see, or a ValidationError on `field`.

    A row of another centre gets the same answer as a row that does not exist.
    """
    row = None
    if isinstance(row_id, int):  # a referenced id comes as a number, never as text
        with suppress(NotFound):
            row = load_visible(session, model, row_id, user)
    if row is None:
        raise ValidationError(
            field, _l("no %(what)s with id %(id)s", what=Label("ROW_LABELS", label), id=row_id),
            code="unknown_row",
        )  # fmt: skip
    return row


def centre_by_code(session: Session, user: User | None, code, field: str = "centre") -> Centre:
    """The centre with that code, if the user may see it; else a ValidationError on `field`.

    `user` None is the operator at the server's console (`flask users create`, the demo), who
    holds the database and so sees every centre; every screen and API call passes its user.
    """
    centres = select(Centre) if user is None else visible(Centre, user)
    centre = session.scalars(centres.where(Centre.code == code)).one_or_none()
    if centre is None:
        raise ValidationError(
            field, _l("no centre with code %(code)s", code=repr(code)), code="unknown_centre"
        )
    return centre


def require(values: dict, *fields: str) -> None:
    """Refuse values that lack any of `fields` (or hold None there)."""
    for field in fields:
        if values.get(field) is None:
            raise ValidationError(field, _l("is required"), code="required")


def check_year(year, field: str) -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            field,
            _l("must be a year between %(first)s and %(last)s", first=FIRST_YEAR, last=LAST_YEAR),
            code="year_out_of_range",
        )  # fmt: skip


def check_unused(session: Session, label: str, *uses) -> None:
    """Refuse to delete a row still referenced: `uses` are (column, row id, what) triples."""
    for column, row_id, what in uses:
        count = session.scalar(select(func.count()).where(column == row_id))
        if count:
            raise Conflict(
                "id",
                _l(
                    "this %(row)s still has %(count)s %(what)s; remove those first",
                    row=Label("ROW_LABELS", label), count=count, what=Label("ROWS_LABELS", what),
                ),
                code="in_use",
            )  # fmt: skip


def refuse_unknown(values: dict, fields: tuple, what: str) -> None:
    """Refuse values naming a field the row does not have."""
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(
            sorted(unknown)[0],
            _l("is not a field of this %(what)s", what=Label("ROW_LABELS", what)),
            code="unknown_field",
        )
