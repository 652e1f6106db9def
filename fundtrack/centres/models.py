"""The network, its regions and centres, and the fiscal years it has closed."""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.money import check_currency, check_locale


class NetworkMissing(DomainError):
    """Nothing works before the network exists; the message says how to create it."""

    def __init__(self):
        super().__init__(
            "network",
            "the network is not set up yet: an admin creates it after signing in, or run "
            "`flask --app fundtrack network create --name NAME --currency EUR --locale nl_NL`",
        )


class Network(db.Model):
    """The one network this database serves (a single row)."""

    __tablename__ = "network"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint(
            "target_numerator > 0 AND target_numerator <= target_denominator",
            name="target_fraction",
        ),
        CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="fiscal_month"),
        CheckConstraint(
            "volunteer_hour_rate IS NULL OR volunteer_hour_rate > 0", name="hour_rate_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    locale: Mapped[str] = mapped_column(String(16), default="nl_NL")
    # The target is a fraction so that two-thirds stays exact in every gap.
    target_numerator: Mapped[int] = mapped_column(default=2)
    target_denominator: Mapped[int] = mapped_column(default=3)
    fiscal_year_start_month: Mapped[int] = mapped_column(default=1)
    # The register number a funder asks for (KvK in the Netherlands, the Brønnøysund
    # organisation number in Norway); empty until known.
    organisation_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # What an hour of volunteer work is worth in grant reports' in-kind co-funding, in the
    # network's currency; empty until the national office sets it.
    volunteer_hour_rate: Mapped[Decimal | None]

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)

    @validates("locale")
    def _check_locale(self, _key, value):
        return check_locale(value)

    @classmethod
    def current(cls, session) -> "Network":
        """The network this database serves, or NetworkMissing saying how to create it."""
        network = session.get(cls, 1)
        if network is None:
            raise NetworkMissing()
        return network

    @property
    def structural_target(self) -> Fraction:
        return Fraction(self.target_numerator, self.target_denominator)

    def fiscal_year_of(self, day: date) -> int:
        """The fiscal year a date falls in, named after the calendar year it starts in."""
        return day.year if day.month >= self.fiscal_year_start_month else day.year - 1


class VolunteerHourRate(db.Model):
    """The value of a volunteer hour from a day on: the history of the network's setting, so
    that hours keep the rate in force when they were given (`fundtrack.grants.timeline`).
    Written by the settings operation (`fundtrack.centres.network.update_network`) whenever
    the rate changes, from the network's day of the change."""

    __tablename__ = "volunteer_hour_rates"
    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(unique=True)
    rate: Mapped[Decimal]


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    centres: Mapped[list["Centre"]] = relationship(back_populates="region")

    def __str__(self) -> str:
        return self.name


class Centre(db.Model):
    __tablename__ = "centres"
    __table_args__ = (
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(default=True)
    organisation_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # The Dutch tax office's number for a charity (RSIN), on every periodic-gift agreement.
    rsin: Mapped[str] = mapped_column(String(9), default="", server_default="")
    # SEPA direct debit (Dutch centres): the creditor identifier the bank issued, and the
    # account collections are paid into.
    creditor_id: Mapped[str] = mapped_column(String(35), default="", server_default="")
    iban: Mapped[str] = mapped_column(String(34), default="", server_default="")

    region: Mapped[Region] = relationship(back_populates="centres")

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FiscalYearLock(db.Model):
    """A closed fiscal year: its income and cost lines can no longer change."""

    __tablename__ = "fiscal_year_locks"
    __table_args__ = (UniqueConstraint("year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    locked_at: Mapped[datetime] = mapped_column(server_default=func.now())
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
