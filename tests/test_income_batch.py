"""Batch entry: rows booked all together or not at all, each refusal on its row and field."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundtrack.centres.models import FiscalYearLock
from fundtrack.income.batch import book_batch
from fundtrack.income.batch_rows import Row, copy_rows, parse_day, rows_from_form
from fundtrack.income.models import Donor, FunderType, IncomeLine
from tests import factories


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM", name="Inloophuis Haarlem")


@pytest.fixture
def treasurer(session, centre):
    return factories.user(session, role="treasurer", centre=centre)


@pytest.fixture
def town(session):
    return factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)


def lines(session) -> int:
    return session.scalar(select(func.count()).select_from(IncomeLine))


def book(session, treasurer, centre, rows, count=None, total=None, locale="nl"):
    count = len(rows) if count is None else count
    return book_batch(
        session, treasurer, centre, rows, expected_count=count,
        expected_total=Decimal(total) if total is not None else None, locale=locale,
    )  # fmt: skip


def test_a_batch_books_every_row_with_amounts_typed_in_dutch(session, centre, treasurer, town):
    donor = factories.donor(session, centre, name="Jan de Vries")
    rows = [
        Row(1, "12-6-2025", "Jan de Vries", "", "25,00", "gift"),
        Row(2, "12-6-2025", "Gemeente Haarlem", "", "1.234,56", "subsidy June"),
    ]
    result = book(session, treasurer, centre, rows, total="1259.56")
    assert result.booked, (result.errors, result.batch_errors)
    booked = sorted(result.lines, key=lambda line: line.amount)
    assert [line.amount for line in booked] == [Decimal("25.00"), Decimal("1234.56")]
    assert booked[0].donor_id == donor.id and booked[0].category == "individuals"
    assert booked[1].funder_id == town.id and booked[1].category == "government_subsidies"
    assert lines(session) == 2


def test_norwegian_amounts_take_a_space_between_thousands(session, centre, treasurer):
    result = book(session, treasurer, centre, [Row(1, "1.6.2025", "", "other", "1 234,50")],
                  total="1234.50", locale="nb")  # fmt: skip
    assert result.booked and result.lines[0].amount == Decimal("1234.50")


def test_one_refused_row_books_nothing_and_names_its_row_and_field(
    session, centre, treasurer, town
):
    rows = [
        Row(1, "12-6-2025", "", "other", "10,00"),
        Row(2, "12-6-2025", "Gemeente Haarlem", "individuals", "20,00"),
        Row(3, "31-6-2025", "", "other", "12.50"),
    ]
    result = book(session, treasurer, centre, rows, total="42.50")
    assert not result.booked and result.lines == []
    assert set(result.errors) == {2, 3}
    assert "Gemeente Haarlem" in result.errors[2]["category"][0]
    assert result.errors[3]["date"] == ["is not a date"]
    assert "is not an amount as written here" in result.errors[3]["amount"][0]
    assert lines(session) == 0


def test_a_total_that_differs_from_the_counted_one_is_refused(session, centre, treasurer):
    rows = [Row(1, "2025-06-12", "", "other", "10,00"), Row(2, "2025-06-13", "", "other", "5,00")]
    result = book(session, treasurer, centre, rows, total="16.00")
    assert not result.booked and result.errors == {}
    assert result.batch_errors == [
        ("total", {"expected": Decimal("16.00"), "counted": Decimal("15.00")})
    ]
    assert lines(session) == 0
    short = book(session, treasurer, centre, rows, count=3, total="15.00")
    assert short.batch_errors == [("count", {"expected": 3, "counted": 2})]
    assert lines(session) == 0


def test_a_new_donor_is_created_in_the_row_and_only_when_the_batch_is_booked(
    session, centre, treasurer
):
    row = Row(1, "2025-06-12", "Marieke Jansen", "", "50,00", new_donor=True)
    refused = book(session, treasurer, centre, [row], total="51.00")
    assert not refused.booked
    assert session.scalar(select(Donor).where(Donor.name == "Marieke Jansen")) is None
    result = book(session, treasurer, centre, [row], total="50.00")
    assert result.booked
    donor = session.scalar(select(Donor).where(Donor.name == "Marieke Jansen"))
    assert donor.centre_id == centre.id and result.lines[0].donor_id == donor.id


def test_an_unknown_name_without_new_donor_is_refused_on_its_field(session, centre, treasurer):
    result = book(session, treasurer, centre, [Row(1, "2025-06-12", "Nobody", "", "5,00")],
                  total="5.00")  # fmt: skip
    assert result.errors == {
        1: {
            "counterparty": [
                "no donor, funder or agreement is called 'Nobody'; tick “new donor” to add one"
            ]
        }
    }


def test_a_row_like_a_booked_line_waits_for_confirmation(session, centre, treasurer, town):
    factories.income(session, centre, "500.00", booking_date=date(2025, 6, 1), funder=town,
                     category="government_subsidies")  # fmt: skip
    row = Row(1, "1-6-2025", "Gemeente Haarlem", "", "500,00")
    result = book(session, treasurer, centre, [row], total="500.00")
    assert list(result.errors[1]) == ["confirm_duplicate"]
    assert lines(session) == 1
    row.confirm_duplicate = True
    assert book(session, treasurer, centre, [row], total="500.00").booked
    assert lines(session) == 2


def test_two_identical_rows_in_one_batch_are_flagged_too(session, centre, treasurer, town):
    rows = [Row(n, "1-6-2025", "Gemeente Haarlem", "", "500,00") for n in (1, 2)]
    result = book(session, treasurer, centre, rows, total="1000.00")
    assert list(result.errors) == [2] and "confirm_duplicate" in result.errors[2]


def test_a_closed_year_is_refused_per_row(session, centre, treasurer):
    session.add(FiscalYearLock(year=2024))
    rows = [Row(1, "2025-01-02", "", "other", "1,00"), Row(2, "2024-12-30", "", "other", "2,00")]
    result = book(session, treasurer, centre, rows, total="3.00")
    assert result.errors == {
        2: {"date": ["fiscal year 2024 is closed; its lines can no longer change"]}
    }
    assert lines(session) == 0


def test_another_centres_treasurer_cannot_book_here(session, centre, network):
    stranger = factories.user(session, role="treasurer", centre=factories.centre(session))
    from fundtrack.auth.access import NotAllowed

    with pytest.raises(NotAllowed):
        book(session, stranger, centre, [Row(1, "2025-06-12", "", "other", "1,00")], total="1")


def test_dates_are_read_day_first_and_iso(session):
    today = date(2025, 6, 20)
    assert parse_day("2025-06-12", today) == date(2025, 6, 12)
    assert parse_day("12-6-2025", today) == date(2025, 6, 12)
    assert parse_day("12.06.25", today) == date(2025, 6, 12)
    assert parse_day("12/6", today) == date(2025, 6, 12)


def test_posted_rows_are_read_in_order_and_blank_ones_left_out():
    form = {
        "rows-0-date": "1-6-2025", "rows-0-amount": "5,00", "rows-0-category": "other",
        "rows-1-date": "", "rows-1-amount": "", "rows-1-category": "other",
        "rows-10-date": "2-6-2025", "rows-10-amount": "7,00", "rows-10-new_donor": "1",
    }  # fmt: skip
    rows = rows_from_form(form)
    assert [(r.number, r.amount, r.new_donor) for r in rows] == [(1, "5,00", False),
                                                                  (2, "7,00", True)]  # fmt: skip


def test_last_months_subsidy_is_copied_with_its_dates_moved(session, centre, treasurer, town):
    agreement = factories.agreement(session, centre, town, title="Subsidie 2025")
    factories.income(session, centre, "1250.00", booking_date=date(2025, 5, 31), funder=town,
                     agreement=agreement, category="government_subsidies")  # fmt: skip
    factories.income(session, centre, "99.00", booking_date=date(2025, 4, 30), funder=town,
                     category="government_subsidies")  # fmt: skip
    rows = copy_rows(session, treasurer, centre, "Gemeente Haarlem", (2025, 5), (2025, 6), "nl")
    assert [(r.date, r.counterparty, r.amount, r.category) for r in rows] == [
        ("2025-06-30", "Gemeente Haarlem: Subsidie 2025", "1.250,00", "government_subsidies")
    ]
    result = book(session, treasurer, centre, rows, total="1250.00")
    assert result.booked and result.lines[0].agreement_id == agreement.id


def test_the_batch_screen_shows_refusals_beside_their_rows(client, login_as, centre, town):
    login_as("treasurer", centre=centre, locale="en")
    assert client.get("/income/batch").status_code == 200
    response = client.post(
        "/income/batch",
        data={
            "expected_count": "2", "expected_total": "30.00",
            "rows-0-date": "2025-06-12", "rows-0-counterparty": "Gemeente Haarlem",
            "rows-0-category": "individuals", "rows-0-amount": "20.00",
            "rows-1-date": "2025-06-12", "rows-1-category": "other", "rows-1-amount": "10.00",
        },
        headers={"X-Requested-With": "fetch"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<html" not in page  # the form alone, swapped into the page
    assert "1 row needs a correction; nothing was booked." in page
    assert "Gemeente Haarlem is a funder of type municipality" in page


def test_a_booked_batch_answers_with_a_fresh_form_and_what_was_booked(
    client, login_as, session, centre
):
    login_as("treasurer", centre=centre, locale="en")
    response = client.post(
        "/income/batch",
        data={
            "expected_count": "1", "expected_total": "1,234.50",
            "rows-0-date": "2025-06-12", "rows-0-category": "other", "rows-0-amount": "1,234.50",
        },
    )  # fmt: skip
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 line booked for Inloophuis Haarlem" in page
    assert lines(session) == 1
    # The next line's default date is the one just used.
    assert 'placeholder="2025-06-12"' in client.get("/income/batch").get_data(as_text=True)


def test_a_count_in_odd_digits_is_refused_on_its_field(client, login_as, session, centre):
    login_as("treasurer", centre=centre, locale="en")
    for odd in ("\u00b2", "9" * 5000):
        response = client.post(
            "/income/batch",
            data={
                "expected_count": odd, "expected_total": "10.00",
                "rows-0-date": "2025-06-12", "rows-0-category": "other", "rows-0-amount": "10.00",
            },
        )  # fmt: skip
        assert response.status_code == 422
        assert "a whole number of lines" in response.get_data(as_text=True)
    assert lines(session) == 0


def subsidy_and_project(session, centre, town):
    """A structural subsidy and a half-year project of the same funder, both running in March."""
    subsidy = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    project = factories.agreement(session, centre, town, title="Project voorjaar",
                                  start_date=date(2026, 1, 1), end_date=date(2026, 6, 30),
                                  recurring=False)  # fmt: skip
    return subsidy, project


def test_a_row_naming_a_funder_gets_its_one_running_agreement_and_says_structural(
    session, centre, treasurer, town
):
    subsidy = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    rows = [Row(1, "15-3-2026", "Gemeente Haarlem", "", "500,00"),
            Row(2, "15-3-2026", "", "other", "5,00")]  # fmt: skip
    result = book(session, treasurer, centre, rows, total="505.00")
    assert result.booked and result.lines[0].agreement_id == subsidy.id
    assert rows[0].counterparty == "Gemeente Haarlem: Subsidie 2026"  # filled in on the row
    assert [(o.agreement, o.structural) for o in result.outcomes.values()] == [
        ("Gemeente Haarlem: Subsidie 2026", True),
        (None, False),
    ]


def test_a_row_to_a_funder_with_a_structural_agreement_among_several_asks_to_confirm(
    session, centre, treasurer, town
):
    subsidy_and_project(session, centre, town)
    rows = [Row(1, "15-3-2026", "Gemeente Haarlem", "", "500,00"),
            Row(2, "15-3-2026", "Gemeente Haarlem: Project voorjaar", "", "20,00")]  # fmt: skip
    asked = book(session, treasurer, centre, rows, total="520.00")
    assert not asked.booked and lines(session) == 0
    assert asked.errors == {1: {"confirm_incidental": [
        "Gemeente Haarlem has a structural agreement 'Subsidie 2026' running on Mar 15, 2026:"
        " book the line to it, or confirm it is incidental"
    ]}}  # fmt: skip
    # The other row, though rolled back, says what it would have been.
    assert asked.outcomes[2].structural is False and 1 not in asked.outcomes
    rows[0].confirm_incidental = True
    confirmed = book(session, treasurer, centre, rows, total="520.00")
    assert confirmed.booked and confirmed.lines[0].agreement_id is None
    assert confirmed.outcomes[1].structural is False and confirmed.outcomes[1].agreement is None


def test_the_batch_offers_the_agreements_running_on_its_day_first(
    client, login_as, session, centre, town
):
    subsidy_and_project(session, centre, town)
    factories.agreement(session, centre, town, title="Subsidie 2019", start_date=date(2019, 1, 1),
                        end_date=date(2019, 12, 31))  # fmt: skip
    factories.donor(session, centre, name="Anna Aalberts")
    login_as("treasurer", centre=centre, locale="en")
    with client.session_transaction() as cookie:
        cookie["fundtrack_last_booking_date"] = "2026-03-15"
    page = client.get("/income/batch").get_data(as_text=True)
    datalist = page[page.index('<datalist id="counterparties">') :]
    names = [part.split('"')[0] for part in datalist.split('<option value="')[1:]]
    assert names[:2] == ["Gemeente Haarlem: Subsidie 2026", "Gemeente Haarlem: Project voorjaar"]
    assert names[2:] == sorted(names[2:]) and "Gemeente Haarlem: Subsidie 2019" in names[2:]


def test_the_batch_answer_asks_the_question_and_says_structural_or_incidental_per_line(
    client, login_as, session, centre, town
):
    subsidy_and_project(session, centre, town)
    login_as("treasurer", centre=centre, locale="en")
    form = {
        "expected_count": "2", "expected_total": "520.00",
        "rows-0-date": "2026-03-15", "rows-0-counterparty": "Gemeente Haarlem",
        "rows-0-amount": "500.00",
        "rows-1-date": "2026-03-15", "rows-1-counterparty": "Gemeente Haarlem: Subsidie 2026",
        "rows-1-amount": "20.00",
    }  # fmt: skip
    asked = client.post("/income/batch", data=form, headers={"X-Requested-With": "fetch"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert ("Gemeente Haarlem has a structural agreement &#39;Subsidie 2026&#39; running on"
            " Mar 15, 2026: book the line to it, or confirm it is incidental") in page  # fmt: skip
    assert 'name="rows-0-confirm_incidental"' in page
    assert '<span class="row-outcome note" data-structural="yes">structural</span>' in page
    booked = client.post("/income/batch", data=form | {"rows-0-confirm_incidental": "1"})
    page = booked.get_data(as_text=True)
    assert booked.status_code == 200 and lines(session) == 2
    table = page[page.index('id="batch-booked"') :]
    assert table.count('data-structural="no">incidental') == 1
    assert table.count('data-structural="yes">structural') == 1
