"""Which grant an income or cost line may be booked against."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import MAX_ID
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import ValidationError
from fundtrack.grants.models import Grant, GrantAllocation


def grant_for_line(session: Session, user: User, grant_id, centre: Centre) -> Grant:
    """The grant a line of `centre` may name: the centre's own application, or the national
    office's application with an allocation to that centre. Anything else is a
    ValidationError on `grant`, worded as for a grant that does not exist."""
    grant = None
    if isinstance(grant_id, int) and not isinstance(grant_id, bool) and 0 < grant_id <= MAX_ID:
        allocated = select(GrantAllocation.grant_id).where(GrantAllocation.centre_id == centre.id)
        grant = session.scalars(
            select(Grant).where(
                Grant.id == grant_id,
                or_(Grant.centre_id == centre.id, Grant.id.in_(allocated)),
            )
        ).one_or_none()
    if grant is None or not user.can_view(centre.id):
        raise ValidationError(
            "grant",
            _l("no application of %(centre)s with id %(id)s", centre=centre.code, id=grant_id),
            code="unknown_grant",
        )
    return grant
