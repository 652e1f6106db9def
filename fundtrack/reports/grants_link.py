"""What the reports read from grant applications (fundtrack.grants), kept in one place."""

from sqlalchemy.orm import Session, joinedload

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.grants.models import Grant, GrantState
from fundtrack.labels import GRANT_STATE_LABELS, label_of

OPEN_STATES = (
    GrantState.SUBMITTED,
    GrantState.AWARDED,
    GrantState.PARTLY_AWARDED,
    GrantState.REPORTING,
)


def open_applications(session: Session, user: User, centre_id: int) -> list[dict]:
    """The centre's applications still open (submitted, awarded, reporting), as plain rows."""
    stmt = (
        visible(Grant, user)
        .where(Grant.centre_id == centre_id, Grant.state.in_(OPEN_STATES))
        .options(joinedload(Grant.funder))
        .order_by(Grant.start_date, Grant.id)
    )
    return [
        {
            "project": grant.project_name,
            "funder": grant.funder.name,
            "status_label": label_of(GRANT_STATE_LABELS, grant.state),
            "requested": grant.amount_requested,
            "awarded": grant.amount_awarded,
            "currency": grant.currency,
        }
        for grant in session.scalars(stmt)
    ]
