"""The network's settings: created once, then changed by the national office and admins.

The CLI, the first-run screen, the admin's settings screen and the API all come here, so a
target of 3/2 or a fiscal year starting in month 13 is refused the same way everywhere.
"""

from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import NotAllowed, require_network_manager
from fundtrack.auth.models import User
from fundtrack.centres.models import Network, NetworkMissing, VolunteerHourRate
from fundtrack.centres.orgnumbers import check_organisation_number
from fundtrack.errors import Conflict, ValidationError
from fundtrack.formatting import network_today
from fundtrack.money import check_cents, is_currency

NETWORK_FIELDS = (
    "name", "currency", "locale", "target", "fiscal_year_start_month", "organisation_number",
    "volunteer_hour_rate",
)  # fmt: skip
# A target such as 2/3 stays exact; denominators beyond this are typing errors, not policy.
MAX_DENOMINATOR = 1000


def parse_target(value, field: str = "target") -> Fraction:
    """A target fraction from "2/3", "0.75" or a Fraction; it must lie in (0, 1]."""
    try:
        target = value if isinstance(value, Fraction) else Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            field, _l("%(typed)s is not a fraction such as 2/3", typed=repr(value)),
            code="not_a_fraction",
        ) from None  # fmt: skip
    if not 0 < target <= 1:
        raise ValidationError(
            field, _l("%(typed)s must lie above 0 and at most 1 (such as 2/3)", typed=value),
            code="target_out_of_range",
        )  # fmt: skip
    if target.denominator > MAX_DENOMINATOR:
        raise ValidationError(
            field, _l("%(typed)s: write it as a simple fraction such as 2/3", typed=value),
            code="not_a_fraction",
        )  # fmt: skip
    return target


def _text(values: dict, field: str, limit: int) -> str:
    text = str(values.get(field) or "").strip()
    if not text:
        raise ValidationError(field, _l("is required"), code="required")
    if len(text) > limit:
        raise ValidationError(
            field, _l("at most %(limit)s characters", limit=limit), code="too_long"
        )
    return text


def _locale(value) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(str(value or "").strip().replace("-", "_"))
    except (TypeError, ValueError, UnknownLocaleError):
        raise ValidationError(
            "locale", _l("%(typed)s is not a locale such as nl_NL", typed=repr(value)),
            code="unknown_locale",
        ) from None  # fmt: skip
    if not locale.territory:
        # Money formats differ per country (nl_NL and nl_BE): ask for both parts.
        raise ValidationError(
            "locale", _l("%(typed)s: give language and country, such as nl_NL", typed=repr(value)),
            code="locale_without_country",
        )  # fmt: skip
    return str(locale)


def _month(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise ValidationError(
            "fiscal_year_start_month", _l("a month from 1 to 12"), code="not_a_month"
        )
    return value


def _checked(values: dict, network: Network | None) -> dict:
    unknown = set(values) - set(NETWORK_FIELDS)
    if unknown:
        raise ValidationError(
            sorted(unknown)[0], _l("is not a setting of the network"), code="unknown_field"
        )
    current = settings(network) if network else {"target": "2/3", "fiscal_year_start_month": 1}
    merged = current | {k: v for k, v in values.items() if v is not None}
    currency = str(merged.get("currency") or "").strip()
    if not is_currency(currency):
        raise ValidationError(
            "currency", _l("%(code)s is not an ISO 4217 code such as EUR", code=repr(currency)),
            code="unknown_currency",
        )  # fmt: skip
    target = parse_target(merged["target"])
    return {
        "name": _text(merged, "name", 200),
        "currency": currency,
        "locale": _locale(merged.get("locale")),
        "target_numerator": target.numerator,
        "target_denominator": target.denominator,
        "fiscal_year_start_month": _month(merged["fiscal_year_start_month"]),
        "organisation_number": check_organisation_number(
            merged.get("organisation_number"), _locale(merged.get("locale"))
        ),
        "volunteer_hour_rate": _hour_rate(merged.get("volunteer_hour_rate")),
    }


def _hour_rate(value):
    """What a volunteer hour is worth in grant reports' in-kind co-funding: more than 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or value <= 0:
        raise ValidationError("volunteer_hour_rate", _l("must be more than 0"), code="not_positive")
    return check_cents(Decimal(value), "volunteer_hour_rate")


def settings(network: Network) -> dict:
    """The network's settings under the names the API and the CLI use."""
    return {
        "name": network.name,
        "currency": network.currency,
        "locale": network.locale,
        "target": f"{network.target_numerator}/{network.target_denominator}",
        "fiscal_year_start_month": network.fiscal_year_start_month,
        "organisation_number": network.organisation_number,
        "volunteer_hour_rate": network.volunteer_hour_rate,
    }


def create_network(session: Session, user: User | None, values: dict) -> Network:
    """Create the network once. `user` is None for the CLI, else it must be an admin."""
    if user is not None and not user.is_admin:
        raise NotAllowed(_l("only an administrator may create the network"))
    existing = session.get(Network, 1)
    if existing is not None:
        raise Conflict(
            "network",
            _l("the network %(name)s already exists; change its settings instead",
               name=repr(existing.name)),
            code="network_exists",
        )  # fmt: skip
    network = Network(id=1, **_checked(values, None))
    session.add(network)
    session.flush()
    if network.volunteer_hour_rate is not None:
        _rate_from_today(session, network.volunteer_hour_rate)
        session.flush()
    return network


def update_network(session: Session, user: User, values: dict) -> Network:
    """Change the network's settings (national office and admins)."""
    require_network_manager(user)
    network = Network.current(session)
    checked = _checked(values, network)
    if checked["currency"] != network.currency and _has_centres(session):
        raise ValidationError(
            "currency",
            _l("the network already has centres; their books stay in their currency"),
            code="currency_fixed",
        )
    if checked["fiscal_year_start_month"] != network.fiscal_year_start_month and _has_income(
        session
    ):
        # Booked lines carry their fiscal year: a new first month would silently re-date them,
        # into or out of closed years.
        raise ValidationError(
            "fiscal_year_start_month",
            _l(
                "income is already booked by fiscal year; the first month can only change "
                "before the first line is booked"
            ),
            code="month_fixed",
        )
    rate = checked["volunteer_hour_rate"]
    if rate is not None and rate != network.volunteer_hour_rate:
        _rate_from_today(session, rate)
    for attribute, value in checked.items():
        setattr(network, attribute, value)
    session.flush()
    return network


def _rate_from_today(session: Session, rate: Decimal) -> None:
    """Keep the volunteer-hour rate's history: `rate` from the network's today on (hours
    given before keep the rate in force then)."""
    today = network_today()
    row = session.scalars(
        select(VolunteerHourRate).where(VolunteerHourRate.valid_from == today)
    ).one_or_none()
    if row is None:
        session.add(VolunteerHourRate(valid_from=today, rate=rate))
    else:
        row.rate = rate


def _has_centres(session: Session) -> bool:
    from fundtrack.centres.models import Centre

    return session.scalar(select(Centre.id).limit(1)) is not None


def _has_income(session: Session) -> bool:
    from fundtrack.income.models import IncomeLine

    return session.scalar(select(IncomeLine.id).limit(1)) is not None


__all__ = ["NETWORK_FIELDS", "NetworkMissing", "create_network", "settings", "update_network"]
