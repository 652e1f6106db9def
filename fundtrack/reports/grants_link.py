"""What the reports read from grant applications (fundtrack.grants), kept in one place."""

from sqlalchemy.orm import Session

from fundtrack.auth.models import User


def open_applications(session: Session, user: User, centre_id: int) -> list[dict]:
    """The centre's applications still open (submitted, awarded, reporting), as plain rows."""
    return []
