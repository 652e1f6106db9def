"""The donors' screens for one person each: the likely duplicates of a treasurer's own
centre, two donors side by side with the values to keep, the merge and its undo."""

from datetime import date

import pytest
from sqlalchemy import select

from fundtrack.income.merge_models import DonorMerge
from fundtrack.income.models import Donor
from tests import factories


@pytest.fixture
def pair(session, network):
    centre = factories.centre(session, code="HLM")
    first = factories.donor(session, centre, name="Joke Jansen", email="joke@example.org")
    second = factories.donor(session, centre, name="Jóke  Jansen", phone="023 1234567",
                             email="joke@example.org")  # fmt: skip
    factories.income(session, centre, donor=second, booking_date=date(2026, 1, 2))
    return centre, first, second


def test_a_treasurer_merges_a_likely_duplicate_and_undoes_it(client, session, login_as, pair):
    centre, first, second = pair
    login_as("treasurer", centre=centre)
    listed = client.get("/admin/donors/").get_data(as_text=True)
    assert "/admin/donors/duplicates/" in listed
    page = client.get("/admin/donors/duplicates/").get_data(as_text=True)
    assert "Jóke  Jansen" in page and "same e-mail address" in page and "same name" in page
    shown = client.get(f"/admin/donors/merge/?survivor={first.id}&merged={second.id}")
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "023 1234567" in text and "Income line: 1" in text
    done = client.post("/admin/donors/merge/", data={
        "survivor": first.id, "merged": second.id, "keep-phone": "merged",
        "keep-name": "survivor"})  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Donor, second.id).merged_into_id == first.id
    assert session.get(Donor, first.id).phone == "023 1234567"
    page = client.get("/admin/donors/duplicates/").get_data(as_text=True)
    assert "No donors look like one person." in page and "Undo" in page
    record = session.scalars(select(DonorMerge)).one()
    assert client.post("/admin/donors/merge/undo/", data={"id": record.id}).status_code == 302
    session.expire_all()
    assert session.get(Donor, second.id).merged_into_id is None
    assert session.get(Donor, first.id).phone is None


def test_another_centres_treasurer_neither_sees_nor_merges_the_pair(client, session, login_as,
                                                                    pair):  # fmt: skip
    _centre, first, second = pair
    login_as("treasurer", centre=factories.centre(session))
    page = client.get("/admin/donors/duplicates/").get_data(as_text=True)
    assert "Joke Jansen" not in page
    url = f"/admin/donors/merge/?survivor={first.id}&merged={second.id}"
    assert client.get(url).status_code == 404
    assert (
        client.post(
            "/admin/donors/merge/", data={"survivor": first.id, "merged": second.id}
        ).status_code
        == 404
    )
    session.expire_all()
    assert session.get(Donor, second.id).merged_into_id is None


def test_the_national_office_sees_every_centres_pairs_and_an_auditor_merges_nothing(
    client, session, login_as, pair
):
    centre, first, second = pair
    login_as("national")
    page = client.get("/admin/donors/duplicates/").get_data(as_text=True)
    assert "Jóke  Jansen" in page and "HLM" in page
    login_as("auditor")
    url = f"/admin/donors/merge/?survivor={first.id}&merged={second.id}"
    assert client.get(url).status_code == 403
