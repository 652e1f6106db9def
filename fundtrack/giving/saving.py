"""How a giving screen runs one operation: commit it, or roll back and say why.

NotAllowed answers 403; any other refusal of the error family goes under the form's field it
names, or at the top of the page when the form has no such field (or there is no form).
"""

from flask import abort, flash

from fundtrack.auth.access import NotAllowed
from fundtrack.errors import DomainError
from fundtrack.extensions import db


def refuse(form, error: DomainError) -> None:
    """A refusal under the field it names, else as a message at the top."""
    field = getattr(form, error.field, None) if form is not None else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [str(error.message)]
    else:
        flash(str(error.message), "error")


def saved(change, form=None) -> bool:
    """Run an operation and commit; False (the form or the page says why) when refused."""
    try:
        change()
        db.session.commit()
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        refuse(form, error)
        return False
    return True
