"""A treasurer's session never reaches another centre's rows through the query helpers."""

import pytest
from sqlalchemy import func, select

from fundtrack.auth.access import (
    NotAllowed,
    load_visible,
    may_change,
    require_manage,
    visible,
)
from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostLine
from fundtrack.errors import NotFound
from fundtrack.income.models import Donor, EarmarkedFund, FundingAgreement, IncomeLine
from tests import factories


@pytest.fixture
def two_centres(session, network):
    own, other = factories.centre(session), factories.centre(session)
    funder = factories.funder(session)
    for centre in (own, other):
        factories.income(session, centre)
        factories.cost(session, centre)
        factories.donor(session, centre)
        factories.fund(session, centre)
        factories.agreement(session, centre, funder)
    return own, other


@pytest.mark.parametrize(
    "model", [Centre, IncomeLine, CostLine, Donor, EarmarkedFund, FundingAgreement]
)
def test_treasurer_sees_only_their_own_centres_rows(session, two_centres, model):
    own, other = two_centres
    treasurer = factories.user(session, role="treasurer", centre=own)
    rows = session.scalars(visible(model, treasurer)).all()
    assert rows
    column = "id" if model is Centre else "centre_id"
    assert {getattr(row, column) for row in rows} == {own.id}


@pytest.mark.parametrize("model", [IncomeLine, CostLine, Donor, EarmarkedFund])
def test_treasurer_cannot_open_another_centres_row_by_id(session, two_centres, model):
    own, other = two_centres
    treasurer = factories.user(session, role="treasurer", centre=own)
    theirs = session.scalars(select(model).where(model.centre_id == other.id)).first()
    mine = session.scalars(select(model).where(model.centre_id == own.id)).first()
    with pytest.raises(NotFound) as refused:
        load_visible(session, model, theirs.id, treasurer)
    with pytest.raises(NotFound) as unknown:
        load_visible(session, model, 2**31 - 2, treasurer)
    assert (refused.value.field, refused.value.code) == (unknown.value.field, "not_found")
    assert load_visible(session, model, mine.id, treasurer) is mine
    assert load_visible(session, model, str(mine.id), treasurer) is mine  # as a URL gives it
    assert may_change(treasurer, mine)


@pytest.mark.parametrize("role", ["admin", "national", "auditor"])
def test_network_roles_see_every_centre(session, two_centres, role):
    user = factories.user(session, role=role)
    stmt = visible(IncomeLine, user).with_only_columns(func.count(IncomeLine.id))
    total = session.scalar(select(func.count(IncomeLine.id)))
    assert session.scalar(stmt) == total >= 2


def test_treasurer_may_change_only_their_own_centre(session, two_centres):
    own, other = two_centres
    treasurer = factories.user(session, role="treasurer", centre=own)
    require_manage(treasurer, own.id)
    with pytest.raises(NotAllowed):
        require_manage(treasurer, other.id)


def test_auditor_reads_everything_and_changes_nothing(session, two_centres):
    own, _ = two_centres
    auditor = factories.user(session, role="auditor")
    assert auditor.can_view(own.id)
    with pytest.raises(NotAllowed):
        require_manage(auditor, own.id)


@pytest.mark.parametrize("row_id", [0, -1, 2**31, 2**63, "12a", "", None, "١٢", True, 1.0])
def test_what_cannot_be_an_id_is_not_found_like_a_row_of_another_centre(
    session, two_centres, row_id
):
    admin = factories.user(session, role="admin")
    with pytest.raises(NotFound):
        load_visible(session, IncomeLine, row_id, admin)


def test_who_may_change_a_row_follows_its_centre_and_the_network_rows_the_office(
    session, two_centres
):
    own, other = two_centres
    mine = session.scalars(select(IncomeLine).where(IncomeLine.centre_id == own.id)).first()
    theirs = session.scalars(select(IncomeLine).where(IncomeLine.centre_id == other.id)).first()
    region = own.region
    treasurer = factories.user(session, role="treasurer", centre=own)
    auditor = factories.user(session, role="auditor")
    national = factories.user(session, role="national")
    assert may_change(treasurer, mine) and may_change(treasurer, own)
    assert not may_change(treasurer, theirs) and not may_change(treasurer, other)
    assert not may_change(auditor, mine) and load_visible(session, IncomeLine, mine.id, auditor)
    assert all(may_change(national, row) for row in (mine, theirs, own, other))
    if region is not None:
        assert may_change(national, region) and not may_change(treasurer, region)
