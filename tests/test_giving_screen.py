"""The recurring gifts screen: a treasurer registers a gift in Dutch and sees who is late or
has lapsed, with their contact; another centre's gifts never show."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from fundtrack.giving import operations
from fundtrack.giving.models import RecurringGift
from tests import factories


def _months_ago(months: int) -> date:
    day = date.today().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def test_a_treasurer_registers_a_gift_and_sees_lapsed_donors_with_their_contact(
    client, session, login_as
):
    centre = factories.centre(session, code="HLM")
    donor = factories.donor(session, centre, name="Mevrouw Jansen", phone="0612345678")
    other_centre = factories.centre(session, code="ZWL")
    theirs = factories.donor(session, other_centre, name="Someone Elsewhere")
    office = factories.user(session, "national")
    operations.create_recurring_gift(session, office, {
        "donor": theirs.id, "amount": Decimal("10.00"), "frequency": "monthly",
        "start": _months_ago(5), "payment_method": "other",
    })  # fmt: skip
    login_as("treasurer", centre, locale="nl")
    start = _months_ago(4)
    response = client.post("/giving/recurring", data={
        "donor": donor.id, "amount": "25,00", "frequency": "monthly",
        "start": start.strftime("%d-%m-%Y"), "end": "", "fund": "0",
        "payment_method": "bank_transfer", "reference": "",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    gift = session.scalars(select(RecurringGift).where(RecurringGift.donor_id == donor.id)).one()
    assert gift.amount == Decimal("25.00") and gift.start_date == start

    page = client.get("/giving/recurring?state=lapsed").get_data(as_text=True)
    assert "Mevrouw Jansen" in page and "0612345678" in page
    assert "Someone Elsewhere" not in page
    assert f'data-gift="{gift.id}" data-state="lapsed"' in page
    table = page.split('id="recurring-gifts"')[1].split("</table>")[0]
    assert 'data-state="lapsed"' in table and 'data-state="running"' not in table

    refused = client.post("/giving/recurring", data={
        "donor": donor.id, "amount": "25,00", "frequency": "monthly",
        "start": start.strftime("%d-%m-%Y"), "end": _months_ago(6).strftime("%d-%m-%Y"),
        "fund": "0", "payment_method": "bank_transfer",
    })  # fmt: skip
    assert refused.status_code == 200
    assert 'class="error"' in refused.get_data(as_text=True)


def test_another_centres_list_is_not_found(client, session, login_as):
    centre = factories.centre(session, code="HLM")
    factories.centre(session, code="ZWL")
    login_as("treasurer", centre)
    assert client.get("/giving/recurring?centre=ZWL").status_code == 404
