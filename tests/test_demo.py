"""The demo network: what `flask demo` loads, that it never mixes with an existing network,
and that its figures add up (instalments, currencies, the designed structural shares)."""

from datetime import date
from decimal import Decimal

import pytest
from schwifty import IBAN
from sqlalchemy import func, select

from fundtrack.audit.actor import acting_as
from fundtrack.audit.models import AuditEvent
from fundtrack.auth.models import Role, User
from fundtrack.centres.models import Centre, Network, Region
from fundtrack.costs.models import CostKind, CostLine
from fundtrack.demo import DemoRefused, build_demo, giving
from fundtrack.income.models import (
    Donor,
    EarmarkedFund,
    Funder,
    FunderType,
    FundingAgreement,
    IncomeCategory,
    IncomeLine,
    StructuralRule,
)
from tests import factories


def _load(session, country="nl"):
    with acting_as("test: demo"):
        result = build_demo(session, country)
    # Releases the test's savepoint, so a later rollback by the CLI keeps the demo.
    session.commit()
    return result


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _snapshot(session) -> dict:
    models = (Network, Region, Centre, Funder, FundingAgreement, IncomeLine, CostLine, User)
    return {model.__name__: _count(session, model) for model in (*models, AuditEvent)}


def _structural_agreement_ids(session) -> set[int]:
    """The agreements the domain rule calls structural, decided here row by row."""
    rules = dict(
        session.execute(
            select(StructuralRule.funder_type, StructuralRule.structural_by_default)
        ).all()
    )
    ids = set()
    for agreement in session.scalars(select(FundingAgreement)):
        if agreement.structural_override is not None:
            structural = agreement.structural_override
        else:
            long_running = agreement.recurring or agreement.multi_year
            structural = rules[agreement.funder.type] and long_running
        if structural:
            ids.add(agreement.id)
    return ids


def _shares_2025(session) -> dict[str, tuple[Decimal, Decimal]]:
    """(structural income, actual costs) of 2025 per centre code, by GROUP BY centre."""
    structural = dict(
        session.execute(
            select(Centre.code, func.sum(IncomeLine.amount))
            .join(IncomeLine, IncomeLine.centre_id == Centre.id)
            .where(
                IncomeLine.fiscal_year == 2025,
                IncomeLine.agreement_id.in_(_structural_agreement_ids(session)),
            )
            .group_by(Centre.code)
        ).all()
    )
    costs = dict(
        session.execute(
            select(Centre.code, func.sum(CostLine.amount))
            .join(CostLine, CostLine.centre_id == Centre.id)
            .where(CostLine.year == 2025, CostLine.kind == CostKind.ACTUAL)
            .group_by(Centre.code)
        ).all()
    )
    return {code: (structural.get(code, Decimal("0.00")), costs[code]) for code in costs}


def _currencies(session, model) -> list[tuple[str, str]]:
    """Distinct (centre currency, line currency) pairs of a model's rows."""
    return session.execute(
        select(Centre.currency, model.currency)
        .join(Centre, Centre.id == model.centre_id)
        .group_by(Centre.currency, model.currency)
    ).all()


def test_demo_command_fills_an_empty_database_with_a_dutch_network(app, session):
    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    network = session.get(Network, 1)
    assert (network.currency, network.locale) == ("EUR", "nl_NL")
    assert (network.target_numerator, network.target_denominator) == (2, 3)
    assert network.fiscal_year_start_month == 1
    assert _count(session, Centre) == 14 and _count(session, Region) == 4
    assert set(session.scalars(select(IncomeLine.fiscal_year).distinct())) == {2024, 2025, 2026}
    assert set(session.scalars(select(CostLine.year).distinct())) == {2024, 2025, 2026}
    assert set(session.scalars(select(Funder.type).distinct())) == set(FunderType)
    assert set(session.scalars(select(IncomeLine.category).distinct())) == set(IncomeCategory)
    # The migration's rules stay as they were: one per funder type.
    assert _count(session, StructuralRule) == len(FunderType)
    assert 2000 <= _count(session, IncomeLine) <= 4000
    for model in (IncomeLine, CostLine, FundingAgreement):
        assert _currencies(session, model) == [("EUR", "EUR")], model.__name__
    changes = select(func.count()).where(AuditEvent.actor == "cli: demo")
    assert session.scalar(changes.select_from(AuditEvent)) > _count(session, IncomeLine)


def test_demo_command_prints_one_working_login_per_role(app, session):
    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    users = session.scalars(select(User)).all()
    assert sorted(user.role for user in users) == sorted(Role)
    for user in users:
        password = f"demo-{user.role.value}-2026"
        assert user.email in result.output and password in result.output
        assert user.check_password(password)
    treasurer = next(user for user in users if user.role == Role.TREASURER)
    assert treasurer.centre.code == "HLM"
    # Donors are personal data done right: valid IBANs and recorded consent.
    donors = session.scalars(select(Donor)).all()
    assert len(donors) == 14 * 12 + len(giving.DUTCH)  # the treasurer's recurring donors
    assert all(IBAN(donor.iban).country_code == "NL" for donor in donors)
    assert {donor.consent_contact for donor in donors} == {True, False}
    assert all(d.consent_recorded_at for d in donors if d.consent_contact)
    funds = session.scalars(select(EarmarkedFund.name)).all()
    assert "Inrichting stilteruimte" in funds and len(funds) == 14 * 3 + 4


def _paid(session, centre_code, title, year) -> list[Decimal]:
    return session.scalars(
        select(IncomeLine.amount)
        .join(FundingAgreement, FundingAgreement.id == IncomeLine.agreement_id)
        .join(Centre, Centre.id == IncomeLine.centre_id)
        .where(Centre.code == centre_code, FundingAgreement.title == title)
        .where(IncomeLine.fiscal_year == year)
        .order_by(IncomeLine.booking_date)
    ).all()


def test_instalments_add_up_to_the_annual_amount_or_to_the_months_an_agreement_runs(session):
    _load(session)

    per_year = session.execute(
        select(
            FundingAgreement.start_date,
            FundingAgreement.end_date,
            FundingAgreement.annual_amount,
            IncomeLine.fiscal_year,
            func.sum(IncomeLine.amount),
        )
        .join(IncomeLine, IncomeLine.agreement_id == FundingAgreement.id)
        .join(Funder, Funder.id == FundingAgreement.funder_id)
        # Foundations' project grants are generated per year, not written in the table.
        .where(IncomeLine.fiscal_year.in_([2024, 2025]), Funder.type != FunderType.FOUNDATION)
        .group_by(FundingAgreement.id, IncomeLine.fiscal_year)
    ).all()
    whole_years = [
        (annual, paid)
        for start, end, annual, year, paid in per_year
        if start <= date(year, 1, 1) and (end is None or end >= date(year, 12, 31))
    ]
    # Of the 58 agreements in the Dutch table, 52 run all of 2024 and 52 all of 2025.
    assert len(whole_years) == 104
    assert all(paid == annual for annual, paid in whole_years)
    # Haarlem: 36,000 a year until June 2025, then 43,200 a year from July.
    assert _paid(session, "HLM", "Subsidie Wmo 2022 - juni 2025", 2025) == [Decimal("3000.00")] * 6
    assert _paid(session, "HLM", "Subsidie Wmo juli 2025 - 2028", 2025) == [Decimal("3600.00")] * 6
    # A one-off grant of 6,000: 60 % at the start, 40 % at the end.
    assert _paid(session, "APD", "Eenmalige subsidie lotgenotengroep jongeren 2025", 2025) == [
        Decimal("3600.00"),
        Decimal("2400.00"),
    ]
    # 2026 runs until 24 November: 11 of Groningen's 12 monthly instalments of 4,800.
    groningen = _paid(session, "GRN", "Subsidie Wmo inloopfunctie", 2026)
    assert groningen == [Decimal("4800.00")] * 11
    assert session.scalar(select(func.max(IncomeLine.booking_date))) <= date(2026, 11, 24)


def test_three_centres_meet_two_thirds_in_2025_and_the_other_eleven_do_not(session):
    from fundtrack.demo import netherlands
    from fundtrack.share.service import funding_share

    _load(session)

    shares = _shares_2025(session)
    assert shares["GRN"] == (Decimal("106800.00"), Decimal("148000.00"))  # 72.2 %
    assert shares["ENS"] == (Decimal("93600.00"), Decimal("134000.00"))  # 69.9 %
    assert shares["DHG"] == (Decimal("106400.00"), Decimal("156000.00"))  # 68.2 %, overridden
    assert shares["HLM"] == (Decimal("44400.00"), Decimal("102000.00"))  # 43.5 %
    assert shares["BRD"] == (Decimal("26400.00"), Decimal("92000.00"))  # 28.7 %
    at_target = {code for code, (s, costs) in shares.items() if 3 * s >= 2 * costs}
    assert at_target == {"GRN", "ENS", "DHG"}
    assert len(shares) - len(at_target) == 11
    for row in netherlands.CENTRES:  # every centre lands where its table row says
        structural, costs = shares[row.code]
        assert abs(structural / costs - row.intended_share) < Decimal("0.0005"), row.code
    # DHG gets there through the national charity's contribution, overridden with a reason.
    overridden = session.scalars(
        select(FundingAgreement).where(FundingAgreement.structural_override.is_not(None))
    ).one()
    assert (overridden.centre.code, overridden.structural_override) == ("DHG", True)
    assert "2024-2027" in overridden.override_reason

    admin = session.scalars(select(User).where(User.role == Role.ADMIN)).one()
    figures = funding_share(session, admin, 2025)
    assert figures.centres_at_target == 3
    assert {c.code for c in figures.centres if c.meets_target} == {"GRN", "ENS", "DHG"}
    groningen = next(c for c in figures.centres if c.code == "GRN")
    assert (groningen.structural_income, groningen.costs, groningen.costs_basis) == (
        Decimal("106800.00"),
        Decimal("148000.00"),
        "actual",
    )
    # In the running year most centres only have a budget.
    running = funding_share(session, admin, 2026, centre_code="HLM").centres[0]
    assert running.costs_basis == "budget"


def test_norwegian_demo_counts_in_nok(session):
    result = _load(session, "no")

    network = session.get(Network, 1)
    assert (network.currency, network.locale, result.currency) == ("NOK", "nb_NO", "NOK")
    assert _count(session, Centre) == 14 and _count(session, Region) == 4
    assert set(session.scalars(select(Funder.type).distinct())) == set(FunderType)
    for model in (IncomeLine, CostLine, FundingAgreement):
        assert _currencies(session, model) == [("NOK", "NOK")], model.__name__
    assert all(IBAN(iban).country_code == "NO" for iban in session.scalars(select(Donor.iban)))
    shares = _shares_2025(session)
    at_target = {code for code, (s, costs) in shares.items() if 3 * s >= 2 * costs}
    assert at_target == {"DK-NORD", "PF-BKT", "DK-VEST"}


def test_demo_refuses_a_filled_database_and_writes_nothing(app, session):
    _load(session)
    before = _snapshot(session)

    result = app.test_cli_runner().invoke(args=["demo", "--country", "no"])

    assert result.exit_code != 0
    assert "already holds a network" in result.output
    assert "Netwerk Inloophuizen bij Kanker (demo)" in result.output
    assert _snapshot(session) == before


def test_demo_if_empty_leaves_a_filled_database_untouched_and_succeeds(app, session):
    _load(session)
    before = _snapshot(session)

    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output and "treasurer@fundtrack.example" in result.output
    assert _snapshot(session) == before


def test_demo_is_all_or_nothing_when_it_fails_halfway(app, session):
    # No network yet, but the demo's admin address is taken: the last step fails.
    factories.user(session, role="admin", email="admin@fundtrack.example")
    session.commit()

    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code != 0
    assert "nothing was written" in result.output and "admin@fundtrack.example" in result.output
    assert session.get(Network, 1) is None
    assert _count(session, Centre) == 0 and _count(session, IncomeLine) == 0


def test_demo_refuses_a_database_with_only_a_network_row(session):
    factories.network(session, name="Real network")

    with pytest.raises(DemoRefused, match="Real network"):
        build_demo(session)
    assert _count(session, Centre) == 0


def test_demo_names_the_countries_it_knows(app, session):
    result = app.test_cli_runner().invoke(args=["demo", "--country", "se"])

    assert result.exit_code != 0 and "nl" in result.output and "no" in result.output
    assert session.get(Network, 1) is None


def test_demo_grants_in_every_state_with_money_from_the_ledger(session):
    from fundtrack.demo.build import DEMO_TODAY
    from fundtrack.grants.figures import grant_money
    from fundtrack.grants.models import Grant, GrantState
    from fundtrack.grants.obligations import reports_due

    _load(session)

    grants = session.scalars(select(Grant).order_by(Grant.id)).all()
    assert {g.state for g in grants} == set(GrantState)
    assert all(len(g.goals) >= 2 and g.budget_lines for g in grants)
    admin = session.scalars(select(User).where(User.role == Role.ADMIN)).one()
    paid = [g for g in grants if grant_money(session, g).received > 0]
    spent = [g for g in grants if grant_money(session, g).spent > 0]
    assert len(paid) >= 3 and len(spent) >= 2
    first = grant_money(session, grants[0])
    assert (first.received, first.spent) == (Decimal("40000.00"), Decimal("6000.00"))
    due = reports_due(session, admin, DEMO_TODAY)
    assert due.overdue and due.due
    # Costs moved onto grants leave every centre's totals, and so the shares, as designed.
    assert _shares_2025(session)["HLM"] == (Decimal("44400.00"), Decimal("102000.00"))


def test_norwegian_demo_has_the_companion_service_application(session):
    from fundtrack.grants.models import GoalKind, Grant

    _load(session, "no")

    companion = session.scalars(
        select(Grant).where(Grant.project_name.startswith("Følgetjeneste"))
    ).one()
    assert companion.centre is None and companion.currency == "NOK"
    assert companion.amount_requested == Decimal("700000.00")
    assert len(companion.allocations) == 8
    assert {a.centre.code[:3] for a in companion.allocations} == {"DK-"}
    assert sum(a.amount for a in companion.allocations) == Decimal("700000.00")
    counted = [g for g in companion.goals if g.kind == GoalKind.QUANTITATIVE]
    assert Decimal("160.00") in {g.target for g in counted}
    assert len([g for g in companion.goals if g.kind == GoalKind.QUALITATIVE]) == 2


def test_the_treasurers_centre_has_recurring_donors_late_lapsed_and_a_return_read_back(session):
    from fundtrack.giving.queries import state_counts
    from fundtrack.giving.sepa_models import CollectionItem, Mandate
    from fundtrack.imports.models import Import

    _load(session)
    treasurer = session.scalars(select(User).where(User.role == Role.TREASURER)).one()
    counts = state_counts(session, treasurer, today=date(2026, 11, 24), centre_code="HLM")
    assert counts == {"running": 4, "late": 1, "lapsed": 1, "ended": 0}
    flagged = session.scalars(select(Mandate).where(Mandate.flagged_on.is_not(None))).one()
    assert (flagged.donor.name, flagged.flag_reason) == ("Fatima el Amrani", "AC04")
    november = session.scalars(
        select(CollectionItem).where(CollectionItem.return_import_id.is_not(None))
    ).one()
    assert (november.mandate.donor.name, november.return_reason) == ("Anna de Vries", "AM04")
    read_back = session.get(Import, november.return_import_id)
    # Four instalments credited in the run; Anna's line went again with her return.
    assert (read_back.kind, read_back.rows_booked) == ("camt053", 4)
    kept = select(func.count()).where(IncomeLine.import_id == read_back.id)
    assert session.scalar(kept) == 3


def test_the_norwegian_demo_has_monthly_givers_by_bank_transfer_one_late_one_lapsed(session):
    from fundtrack.giving.queries import state_counts

    _load(session, "no")
    treasurer = session.scalars(select(User).where(User.role == Role.TREASURER)).one()
    counts = state_counts(session, treasurer, today=date(2026, 11, 24))
    assert counts == {"running": 3, "late": 1, "lapsed": 1, "ended": 0}
