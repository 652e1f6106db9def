"""Who paid: an entry's IBAN or name matched to a centre's donor, a funder or its agreement.

Everything a centre's matching needs is loaded once (donors, funders, agreements, the
structural rules, the choices the centre confirmed before), so a file of 100,000 entries
costs a handful of statements, not one per entry. Order of trust: what the user chose in
this preview, what the centre chose before, the donor with that IBAN, a donor, agreement
or funder with that name; else the payer becomes a new donor. A funder gets the agreement
the income package says a line of that day gets (income.agreements: the only one running,
or none, or a question when a structural one runs among several).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import stored
from fundtrack.imports.models import ImportProfile
from fundtrack.income.agreements import CentreAgreements, IncidentalUnconfirmed, Running
from fundtrack.income.models import Donor, Funder, FundingAgreement, StructuralRule
from fundtrack.income.operations import implied_category
from fundtrack.share.classification import Verdict, facts_of_agreement, verdict

CHOICE_KINDS = ("donor", "funder", "agreement", "new_donor", "skip")
MATCH_PREFIX = "match:"


def counterparty_key(iban: str | None, name: str) -> str:
    """How a payer is recognised again: the IBAN, else the name folded."""
    return iban if iban else "name:" + " ".join(name.casefold().split())


@dataclass
class Match:
    kind: str | None  # donor, funder, agreement, new_donor, skip, or None (nobody)
    id: int | None = None
    label: str = ""
    by: str = ""  # choice, remembered, iban, name
    category: str | None = None
    structural: bool = False
    funder_id: int | None = None
    donor_kind: str = "person"
    # A funder matched while a structural agreement of theirs runs among several: the
    # question to answer in the preview (choose the agreement, or the funder to confirm).
    question: dict | str = ""  # errors.stored form


@dataclass
class Counterparties:
    """A centre's donors, the funders it may book from, its agreements and the rules."""

    centre: Centre
    donors: dict[int, Donor] = field(default_factory=dict)
    by_iban: dict[str, Donor] = field(default_factory=dict)
    by_name: dict[str, tuple[str, object]] = field(default_factory=dict)
    funders: dict[int, Funder] = field(default_factory=dict)
    agreements: dict[int, FundingAgreement] = field(default_factory=dict)
    running: CentreAgreements = field(default_factory=lambda: CentreAgreements(()))
    rules: dict = field(default_factory=dict)
    remembered: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, user: User, centre: Centre) -> "Counterparties":
        found = cls(centre=centre)
        # Shared funders and this centre's private persons: someone who sees every centre
        # imports for one, and another centre's private person is no payer of it.
        funders = select(Funder).where(Funder.centre_id.is_(None) | (Funder.centre_id == centre.id))
        for funder in session.scalars(funders.order_by(Funder.name)):
            found.funders[funder.id] = funder
            found.by_name[_fold(funder.name)] = ("funder", funder)
        agreements = session.scalars(
            select(FundingAgreement)
            .where(FundingAgreement.centre_id == centre.id)
            .order_by(FundingAgreement.start_date, FundingAgreement.id)
        )
        for agreement in agreements:
            found.agreements[agreement.id] = agreement
        for donor in session.scalars(
            select(Donor).where(Donor.centre_id == centre.id, Donor.not_merged()).order_by(Donor.id)
        ):
            found.add_donor(donor)
        found.rules = {
            rule.funder_type: rule.structural_by_default
            for rule in session.scalars(select(StructuralRule))
        }
        for profile in session.scalars(
            select(ImportProfile).where(
                ImportProfile.centre_id == centre.id, ImportProfile.key.startswith(MATCH_PREFIX)
            )
        ):
            found.remembered[profile.key.removeprefix(MATCH_PREFIX)] = profile.value
        found.running = CentreAgreements(found._running(a) for a in found.agreements.values())
        return found

    def _running(self, agreement: FundingAgreement) -> Running:
        funder = self.funders.get(agreement.funder_id) or agreement.funder
        return Running(
            agreement.id, funder.id, funder.name, agreement.title or "", agreement.start_date,
            agreement.end_date, self.structural(agreement, funder),
        )  # fmt: skip

    def offered_to(self, match: dict | None, day: date | None) -> list[Running]:
        """The agreements the preview offers a payer first: those of the funder it was
        matched to, the ones running on `day` (its latest row's) before the others."""
        match = match or {}
        if match.get("kind") == "funder":
            funder_id = match.get("id")
        elif match.get("kind") == "agreement" and match.get("id") in self.agreements:
            funder_id = self.agreements[match["id"]].funder_id
        else:
            return []
        offered = self.running.offered(day) if day else self.running.all
        return [agreement for agreement in offered if agreement.funder_id == funder_id]

    def add_donor(self, donor: Donor) -> None:
        self.donors[donor.id] = donor
        if donor.iban:
            self.by_iban.setdefault(donor.iban, donor)
        # A funder's name means the funder; among donors the first registered wins.
        self.by_name.setdefault(_fold(donor.name), ("donor", donor))

    def match(self, iban: str | None, name: str, day: date | None, choices: dict) -> Match:
        key = counterparty_key(iban, name)
        if key in choices:
            return self._chosen(choices[key], day, "choice")
        if key in self.remembered:
            chosen = self._chosen(self.remembered[key], day, "remembered")
            if chosen.kind is not None:
                return chosen
        if iban and iban in self.by_iban:
            return self._donor(self.by_iban[iban], "iban")
        named = self.by_name.get(_fold(name)) if name else None
        if named is not None:
            kind, row = named
            if kind == "donor":
                return self._donor(row, "name")
            return self._funder(row, day, "name")
        if name:
            return Match("new_donor", label=name, by="new", category="individuals")
        return Match(None)

    def _chosen(self, choice: dict, day: date | None, by: str) -> Match:
        kind, row_id = choice.get("kind"), choice.get("id")
        if kind == "donor" and row_id in self.donors:
            return self._donor(self.donors[row_id], by)
        if kind == "funder" and row_id in self.funders:
            return self._funder(self.funders[row_id], day, by)
        if kind == "agreement" and row_id in self.agreements:
            return self._agreement(self.agreements[row_id], by)
        if kind == "new_donor":
            donor_kind = "organisation" if choice.get("donor_kind") == "organisation" else "person"
            category = "companies" if donor_kind == "organisation" else "individuals"
            return Match("new_donor", label=choice.get("name") or "", by=by,
                         category=category, donor_kind=donor_kind)  # fmt: skip
        if kind == "skip":
            return Match("skip", by=by)
        return Match(None, by=by)  # not one of this centre's (another's, or gone)

    def _donor(self, donor: Donor, by: str) -> Match:
        category = implied_category(None, donor)
        return Match("donor", donor.id, donor.name, by, category.value if category else None)

    def _funder(self, funder: Funder, day: date | None, by: str) -> Match:
        category = implied_category(funder, None)
        alone = Match("funder", funder.id, funder.name, by, category.value, False, funder.id)
        if day is None:
            return alone
        try:
            # Choosing the funder in this preview is the confirmation that it is incidental.
            running = self.running.for_funder(
                funder.id, funder.name, day, confirm_incidental=by == "choice"
            )
        except IncidentalUnconfirmed as question:
            alone.question = stored(question.message)  # kept in the plan file
            return alone
        return alone if running is None else self._agreement(self.agreements[running.id], by)

    def _agreement(self, agreement: FundingAgreement, by: str) -> Match:
        funder = self.funders.get(agreement.funder_id) or agreement.funder
        label = f"{funder.name}: {agreement.title or agreement.start_date.isoformat()}"
        return Match(
            "agreement",
            agreement.id,
            label,
            by,
            implied_category(funder, None).value,
            self.structural(agreement, funder),
            funder.id,
        )

    def structural(self, agreement: FundingAgreement, funder: Funder) -> bool:
        """Does this agreement's income count as structural? share.classification's rule."""
        return self.verdict(agreement, funder).structural

    def verdict(self, agreement: FundingAgreement, funder: Funder) -> Verdict:
        """The rule's verdict from the loaded rows (no statement): structural or not,
        awaiting confirmation or not, and why."""
        facts = facts_of_agreement(agreement, funder.type, self.rules.get(funder.type))
        return verdict(facts)


def _fold(name: str) -> str:
    return " ".join((name or "").casefold().split())
