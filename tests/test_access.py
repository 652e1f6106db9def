"""A treasurer's session never reaches another centre's rows through the query helpers."""

import pytest
from sqlalchemy import func, select

from fundtrack.auth.access import NotAllowed, get_visible, require_manage, visible
from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostLine
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
    assert get_visible(session, model, theirs.id, treasurer) is None
    assert get_visible(session, model, mine.id, treasurer) is mine


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
