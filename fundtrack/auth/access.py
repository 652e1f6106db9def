"""Who may see and change which rows: the one place every screen, API call and PDF asks."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import NotAllowed  # noqa: F401  (raised and caught under this name)


def centre_column(model):
    """The column that ties a model's rows to a centre, or None for network-wide data."""
    if model is Centre:
        return Centre.id
    return getattr(model, "centre_id", None)


def visibility(model, user: User):
    """The WHERE clause limiting `model` to the rows `user` may see, or None for all rows.

    Rows of a model that is shared unless it names a centre (funders: a private person
    belongs to one centre) are visible while they name none.
    """
    if user.sees_all_centres:
        return None
    column = centre_column(model)
    if column is None:
        return None
    if getattr(model, "shared_without_centre", False):
        return or_(column.is_(None), column == user.centre_id)
    return column == user.centre_id


def scoped(stmt: Select, model, user: User) -> Select:
    """Narrow a query on `model` to the rows `user` may see."""
    clause = visibility(model, user)
    return stmt if clause is None else stmt.where(clause)


def visible(model, user: User) -> Select:
    """All rows of `model` the user may see, as a select statement to refine further."""
    return scoped(select(model), model, user)


def get_visible(session: Session, model, row_id, user: User):
    """One row by id, or None when it does not exist or belongs to another centre.

    Callers answer both cases alike (404), so nobody learns what another centre holds.
    """
    return session.scalars(visible(model, user).where(model.id == row_id)).one_or_none()


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
