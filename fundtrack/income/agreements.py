"""No silent incidental: which agreements of a centre with a funder run on a day, and what a
line booked to that funder without naming one gets.

The one place this is decided; batch entry, the income form, the API and imports all ask here.
A line to a funder with exactly one agreement running on its date is booked under it. With
several, none is picked (they are offered first instead); when one of them is structural, the
line waits for a confirmation that names it, since booking it to the funder alone would count
it as incidental. Whether an agreement is structural is share.classification's SQL rule
(`classified_agreements()`), read once for all of a centre's agreements.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from fundtrack.errors import Day, ValidationError
from fundtrack.income.models import Funder, FundingAgreement
from fundtrack.share.classification import classified_agreements


@dataclass(frozen=True)
class Running:
    """An agreement of the centre as a line's booking sees it."""

    id: int
    funder_id: int
    funder_name: str
    title: str
    start: date
    end: date | None
    structural: bool

    @property
    def name(self) -> str:
        """The title, or the start date of an untitled agreement."""
        return self.title or self.start.isoformat()

    @property
    def label(self) -> str:
        """'Funder: title', as batch entry and the import preview name an agreement."""
        return f"{self.funder_name}: {self.name}"

    def runs_on(self, day: date) -> bool:
        # The same condition as `running_on` below, for rows already loaded.
        return self.start <= day and (self.end is None or day <= self.end)


def running_on(day: date):
    """SQL: the agreement runs on `day` (started, and not ended before it)."""
    return and_(
        FundingAgreement.start_date <= day,
        or_(FundingAgreement.end_date.is_(None), FundingAgreement.end_date >= day),
    )


def running_first(day: date):
    """An ORDER BY term putting the agreements running on `day` before the others."""
    return case((running_on(day), 0), else_=1)


class IncidentalUnconfirmed(ValidationError):
    """A line booked to a funder alone while a structural agreement with it runs.

    Names the field `agreement`; `agreements` are the structural ones running, `day` the
    line's date, so a screen can word the question itself.
    """

    def __init__(self, funder_name: str, day: date, agreements: list[Running]):
        names = ", ".join(f"'{agreement.name}'" for agreement in agreements)
        if len(agreements) == 1:
            message = _l(
                "%(funder)s has a structural agreement %(names)s running on %(day)s: book the line"
                " to it, or confirm it is incidental",
                funder=funder_name, names=names, day=Day(day),
            )  # fmt: skip
        else:
            message = _l(
                "%(funder)s has structural agreements %(names)s running on %(day)s: book the line"
                " to one of them, or confirm it is incidental",
                funder=funder_name, names=names, day=Day(day),
            )  # fmt: skip
        super().__init__("agreement", message, code="incidental_unconfirmed")
        self.funder_name = funder_name
        self.day = day
        self.agreements = agreements


class CentreAgreements:
    """A centre's agreements with their classification: one query, then asked per line."""

    def __init__(self, agreements: Iterable[Running]):
        self.all = list(agreements)
        self.by_id = {agreement.id: agreement for agreement in self.all}

    @classmethod
    def load(cls, session: Session, centre_id: int, funder_id: int | None = None):
        """Every agreement of the centre (or of the centre with one funder), oldest first."""
        classified = classified_agreements()
        stmt = (
            select(
                FundingAgreement.id,
                FundingAgreement.funder_id,
                Funder.name,
                FundingAgreement.title,
                FundingAgreement.start_date,
                FundingAgreement.end_date,
                classified.c.structural,
            )
            .join(Funder, Funder.id == FundingAgreement.funder_id)
            .join(classified, classified.c.id == FundingAgreement.id)
            .where(FundingAgreement.centre_id == centre_id)
            .order_by(FundingAgreement.start_date, FundingAgreement.id)
        )
        if funder_id is not None:
            stmt = stmt.where(FundingAgreement.funder_id == funder_id)
        return cls(
            Running(row.id, row.funder_id, row.name, row.title or "", row.start_date,
                    row.end_date, bool(row.structural))
            for row in session.execute(stmt)
        )  # fmt: skip

    def running(self, funder_id: int, day: date) -> list[Running]:
        """The funder's agreements with the centre running on `day`, oldest first."""
        return [a for a in self.all if a.funder_id == funder_id and a.runs_on(day)]

    def offered(self, day: date) -> list[Running]:
        """Every agreement, those running on `day` first: what a picker offers."""
        return sorted(self.all, key=lambda agreement: not agreement.runs_on(day))

    def for_funder(
        self, funder_id: int, funder_name: str, day: date, *, confirm_incidental: bool = False
    ) -> Running | None:
        """The agreement a line from this funder on `day` is booked under, if any.

        Exactly one running: that one. Several: none is picked, but when one is structural
        the line is refused (IncidentalUnconfirmed) until `confirm_incidental` says booking
        it to the funder alone is meant. The confirmation books the funder alone always.
        """
        if confirm_incidental:
            return None
        running = self.running(funder_id, day)
        if len(running) == 1:
            return running[0]
        structural = [agreement for agreement in running if agreement.structural]
        if structural:
            raise IncidentalUnconfirmed(funder_name, day, structural)
        return None


def agreement_for_funder(
    session: Session, centre_id: int, funder: Funder, day: date, *, confirm_incidental=False
) -> Running | None:
    """`CentreAgreements.for_funder` for a single line: loads only that funder's agreements."""
    if confirm_incidental:
        return None
    known = CentreAgreements.load(session, centre_id, funder.id)
    return known.for_funder(funder.id, funder.name, day)


def structural_agreements(session: Session, agreement_ids: Iterable[int | None]) -> set[int]:
    """Which of these agreements are structural (share.classification's rule), in one query:
    an income line is structural exactly when its agreement is among them."""
    wanted = {agreement_id for agreement_id in agreement_ids if agreement_id is not None}
    if not wanted:
        return set()
    classified = classified_agreements()
    return set(
        session.scalars(
            select(classified.c.id).where(classified.c.id.in_(wanted), classified.c.structural)
        )
    )
