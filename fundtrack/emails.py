"""One rule for e-mail addresses: the CLI, the user screen, the login form and donors share it."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from fundtrack.errors import ValidationError


def normalise_email(value, field: str = "email") -> str:
    """The address in the form it is stored and looked up in, or a ValidationError on `field`.

    Syntax only (no DNS lookup: sign-in must not depend on the network), and `.test` domains
    are allowed so that a trial installation's accounts can sign in like any other.
    """
    text = str(value or "").strip()
    if not text:
        raise ValidationError(field, _l("is required"), code="required")
    try:
        checked = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(
            field, _l("%(typed)s is not an e-mail address", typed=repr(text)), code="invalid_email"
        ) from None
    return checked.normalized.lower()
