"""Who may see and change which rows: the one place every screen, API call and PDF asks."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import NotAllowed, NotFound

# Integer columns: an id beyond this cannot exist (and PostgreSQL refuses to compare with it).
MAX_ID = 2**31 - 1


def centre_column(model):
    """The column that ties a model's rows to a centre, or None for network-wide data."""
    if model is Centre:
        return Centre.id
    return getattr(model, "centre_id", None)


def visibility(model, user: User):
    """The WHERE clause limiting `model` to the rows `user` may see, or None for all rows.

    Merged donors (`Donor.not_merged`) are left out for everybody.

    Rows of a model that is shared unless it names a centre (funders: a private person
    belongs to one centre) are visible while they name none.
    """
    # A donor merged into another no longer stands for anybody: nobody sees or picks it.
    current = model.not_merged() if hasattr(model, "not_merged") else None
    if user.sees_all_centres:
        return current
    column = centre_column(model)
    if column is None:
        return current
    if getattr(model, "shared_without_centre", False):
        clause = or_(column.is_(None), column == user.centre_id)
    else:
        clause = column == user.centre_id
    return clause if current is None else and_(clause, current)


def scoped(stmt: Select, model, user: User) -> Select:
    """Narrow a query on `model` to the rows `user` may see."""
    clause = visibility(model, user)
    return stmt if clause is None else stmt.where(clause)


def visible(model, user: User) -> Select:
    """All rows of `model` the user may see, as a select statement to refine further."""
    return scoped(select(model), model, user)


def load_visible(session: Session, model, row_id, user: User):
    """The row of `model` with id `row_id` if `user` may see it; NotFound otherwise.

    A row of another centre is answered as one that does not exist, so nobody learns what
    another centre holds: the API answers 404, the screens their 404 page. `row_id` may be
    text as a URL or form gives it; what cannot be an id is not found either.
    """
    if isinstance(row_id, str) and row_id.isascii() and row_id.isdigit() and len(row_id) <= 10:
        row_id = int(row_id)
    row = None
    if isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id <= MAX_ID:
        row = session.scalars(visible(model, user).where(model.id == row_id)).one_or_none()
    if row is None:
        raise NotFound("id", _l("nothing with id %(id)s that you may see", id=str(row_id)[:20]))
    return row


def centre_of(row) -> int | None:
    """The centre a row belongs to, or None for the network's own rows."""
    column = centre_column(type(row))
    return None if column is None else getattr(row, column.key)


def may_change(user: User, row) -> bool:
    """May `user` change (or delete) `row`? Its centre's managers may; the network's own rows
    (regions, shared funders, grants of the network) belong to the national office."""
    return user.can_manage(centre_of(row))


def require_manage(user: User, centre_id: int | None) -> None:
    if not user.can_manage(centre_id):
        raise NotAllowed(
            _l("your role may not change this centre's records"), code="not_your_centre"
        )


def require_network_manager(user: User) -> None:
    if not user.can_manage_network:
        raise NotAllowed(
            _l("only the national office may change the network's settings"),
            code="national_office_only",
        )
