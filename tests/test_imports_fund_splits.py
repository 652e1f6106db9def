"""An import's funds column: each row names a fund or splits its gift over funds; a split
that does not add up is the row's error in the preview; booking writes the line's fund or
its parts (audited), the fund balances follow them, and undo removes them with the lines."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.errors import ValidationError, from_stored
from fundtrack.imports import service
from fundtrack.imports.booking import undo_import
from fundtrack.income.funds import fund_balances
from fundtrack.income.models import IncomeLine, IncomeLineFund
from tests import factories

LIMIT = 1024 * 1024
HEADER = "Datum;Naam;Bedrag;Bestemmingsfonds\n"


@pytest.fixture
def books(session, network, tmp_path):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    treasurer = factories.user(session, role="treasurer", centre=centre)
    factories.donor(session, centre, name="Jan de Vries")
    clothes = factories.fund(session, centre, name="Kledingbank")
    camp = factories.fund(session, centre, name="Zomerkamp")
    return centre, treasurer, clothes, camp, str(tmp_path)


def _preview(session, books, rows: str):
    centre, treasurer, _clothes, _camp, instance = books
    path = f"{instance}/giften.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + rows)
    with open(path, "rb") as stream:
        record = service.receive(session, treasurer, centre, stream, "giften.csv", instance,
                                 LIMIT)  # fmt: skip
    assert record.options["mapping"]["columns"]["funds"] == 3  # the header is recognised
    service.set_mapping(session, treasurer, record, record.options["mapping"], instance)
    return record, service.preview(session, treasurer, record, instance)


def test_a_funds_column_books_one_fund_or_a_split(session, books):
    centre, treasurer, clothes, camp, instance = books
    record, data = _preview(
        session, books,
        "01-03-2025;Jan de Vries;1.000,00;\"Kledingbank 600,50; Zomerkamp 399,50\"\n"
        "02-03-2025;Jan de Vries;25,00;zomerkamp\n"
        "03-03-2025;Jan de Vries;10,00;\n",
    )  # fmt: skip
    assert data["counts"]["error"] == 0, data["rows"]
    assert data["rows"][0]["funds"] == [[clothes.id, "600.50"], [camp.id, "399.50"]]
    assert data["rows"][1]["funds"] == [[camp.id, "25.00"]]
    service.commit(session, treasurer, record, instance)
    split, single, none = session.scalars(select(IncomeLine).order_by(IncomeLine.id)).all()
    assert [(p.earmarked_fund_id, p.amount) for p in split.fund_parts] == [
        (clothes.id, Decimal("600.50")), (camp.id, Decimal("399.50")),
    ]  # fmt: skip
    assert split.earmarked_fund_id is None
    assert (single.earmarked_fund_id, none.earmarked_fund_id) == (camp.id, None)
    balances = {b.name: b.income_year for b in fund_balances(session, treasurer, centre.id, 2025)}
    assert balances == {"Kledingbank": Decimal("600.50"), "Zomerkamp": Decimal("424.50")}
    audited = session.scalar(
        select(func.count()).where(AuditEvent.entity == "income_line_funds",
                                   AuditEvent.centre_id == centre.id)
    )  # fmt: skip
    assert audited == 2
    undo_import(session, treasurer, record)
    session.flush()
    assert session.scalar(select(func.count()).select_from(IncomeLineFund)) == 0
    deleted = session.scalar(
        select(func.count()).where(AuditEvent.entity == "income_line_funds",
                                   AuditEvent.action == "delete")
    )  # fmt: skip
    assert deleted == 2


def test_the_preview_screen_names_the_parts(client, session, login_as, books, monkeypatch):
    centre, _treasurer, _clothes, _camp, instance = books
    monkeypatch.setattr(client.application, "instance_path", instance)
    record, _data = _preview(
        session, books, '01-03-2025;Jan de Vries;100,00;"Kledingbank 60; Zomerkamp 40"\n'
    )
    login_as("treasurer", centre=centre, locale="en")
    page = client.get(f"/imports/{record.id}").get_data(as_text=True).replace("\xa0", " ")
    assert "Earmarked fund(s): Kledingbank € 60,00; Zomerkamp € 40,00" in page


def test_a_split_that_does_not_add_up_is_the_rows_error(session, books):
    _centre, treasurer, _clothes, _camp, instance = books
    record, data = _preview(
        session, books, '01-03-2025;Jan de Vries;100,00;"Kledingbank 60; Zomerkamp 30"\n'
    )
    row = data["rows"][0]
    assert row["status"] == "error"
    assert [column for column, _message in row["errors"]] == ["funds"]
    assert "not to the line's amount" in str(from_stored(row["errors"][0][1]))
    with pytest.raises(ValidationError):
        service.commit(session, treasurer, record, instance)
    assert session.scalar(select(func.count()).select_from(IncomeLine)) == 0
