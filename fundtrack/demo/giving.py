"""Recurring donors of the treasurer's centre, made through the giving operations.

Dutch centre (EUR): monthly and quarterly gifts by SEPA direct debit under signed mandates,
collected on the 5th of every month of 2026 and credited the next day; one donor's account
was closed in September (AC04: the mandate is flagged, the gift has lapsed since), and the
November run is read back from the bank's camt.053 statement through the import, with one
AM04 return (that gift is late). Norwegian centre (NOK): monthly gifts by bank transfer, booked
on the 20th; one donor stopped after July (lapsed), one has not paid November (late).
Everything is a fixed table: the demo comes out the same on every build.
"""

import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.giving.operations import create_recurring_gift
from fundtrack.giving.returns import batch_id, record_return
from fundtrack.giving.sepa import book_collection, create_collection, create_mandate
from fundtrack.income.models import Donor, DonorKind
from fundtrack.income.operations import book_income, delete_income

D = Decimal
START = date(2026, 1, 1)
CREDITOR_ID = "NL56ZZZ404817180000"
CENTRE_IBAN = "NL44RABO0123456789"

# name, e-mail, IBAN, amount, every so many months, the month (2026) the bank's return came
# back and its code: SEPA direct debit in the Netherlands.
DUTCH = [
    ("Joke Jansen", "joke.jansen@example.nl", "NL91ABNA0417164300", D("25.00"), 1, None),
    ("Piet Bakker", "p.bakker@example.nl", "NL20INGB0001234567", D("12.50"), 1, None),
    ("Anna de Vries", "anna.devries@example.nl", "NL80SNSB0927466158", D("10.00"), 1, (11, "AM04")),
    ("Kees Visser", "kees.visser@example.nl", "NL34ASNB0707070701", D("50.00"), 3, None),
    ("Fatima el Amrani", "f.elamrani@example.nl", "NL74TRIO0390476183", D("15.00"), 1,
     (9, "AC04")),
    ("Henk Smit", "henk.smit@example.nl", "NL49KNAB0255345218", D("20.00"), 1, None),
]  # fmt: skip
# name, e-mail, IBAN, amount, the last month (2026) they paid: bank transfer in Norway.
NORWEGIAN = [
    ("Kari Nordmann", "kari.nordmann@example.no", "NO4739101729625", D("300.00"), 11),
    ("Ola Hansen", "ola.hansen@example.no", "NO3639107232730", D("200.00"), 11),
    ("Ingrid Johansen", "ingrid.j@example.no", "NO1042006658452", D("500.00"), 10),
    ("Lars Olsen", "lars.olsen@example.no", "NO3730005023730", D("250.00"), 7),
    ("Sigrid Berg", "sigrid.berg@example.no", "NO9643128311360", D("150.00"), 11),
]


def build_giving(session: Session, treasurer: User, today: date) -> int:
    """The treasurer's centre's recurring donors; how many gifts were registered."""
    centre = treasurer.centre
    if centre.currency == "EUR":
        return _dutch(session, treasurer, centre, today)
    return _norwegian(session, treasurer, centre, today)


def _donor(session: Session, centre: Centre, name: str, email: str, iban: str) -> Donor:
    # A donor who signs up to give every month agrees to be contacted about it.
    signed = datetime(2025, 12, 10, 12, 0)
    donor = Donor(centre=centre, kind=DonorKind.PERSON, name=name, email=email, iban=iban,
                  consent_contact=True, consent_recorded_at=signed)  # fmt: skip
    session.add(donor)
    session.flush()
    return donor


def _gift(session, treasurer, donor, amount, months, method, today, words) -> None:
    create_recurring_gift(session, treasurer, {
        "donor": donor.id, "amount": amount, "start": START, "payment_method": method,
        "frequency": {1: "monthly", 3: "quarterly"}[months], "reference": f"{words} {donor.name}",
    }, today=today)  # fmt: skip


def _norwegian(session, treasurer, centre, today) -> int:
    for name, email, iban, amount, last in NORWEGIAN:
        donor = _donor(session, centre, name, email, iban)
        _gift(session, treasurer, donor, amount, 1, "bank_transfer", today, "Fast gave")
        for month in range(1, last + 1):
            book_income(session, treasurer, {
                "centre": centre.code, "date": date(2026, month, 20), "amount": amount,
                "donor": donor.id, "reference": f"Fast gave {month:02}/2026",
            })  # fmt: skip
    return len(NORWEGIAN)


def _dutch(session, treasurer, centre, today) -> int:
    centre.creditor_id, centre.iban = CREDITOR_ID, CENTRE_IBAN
    returns = {}
    for name, email, iban, amount, months, returned in DUTCH:
        donor = _donor(session, centre, name, email, iban)
        _gift(session, treasurer, donor, amount, months, "direct_debit", today, "Vaste gift")
        create_mandate(session, treasurer, {"donor": donor.id, "signed_on": date(2025, 12, 10)})
        if returned is not None:
            returns[donor.id] = returned
    for month in range(1, today.month + 1):
        run = date(2026, month, 5)
        if run > today:
            break
        collection = create_collection(session, treasurer, centre, run)
        if month == today.month:
            _read_back(session, treasurer, collection, returns)
            continue
        book_collection(session, treasurer, collection, run.replace(day=6))
        for item in collection.items:
            if returns.get(item.mandate.donor_id, (None,))[0] == month:
                # Returned before this demo had imports: recorded as the import records it.
                line = item.instalment.income_line
                item.instalment.income_line_id = None
                delete_income(session, treasurer, line)
                record_return(session, treasurer, item, run.replace(day=9), returns[
                    item.mandate.donor_id][1])  # fmt: skip
    return len(DUTCH)


def _read_back(session, treasurer, collection, returns) -> None:
    """The bank's statement of the run's credit and a return, read through the import."""
    from fundtrack.imports.service import import_file

    credits = {}
    for item in collection.items:
        batch = batch_id(collection.message_id, item.sequence.value)
        credits[batch] = credits.get(batch, D("0.00")) + item.amount
    returned = [i for i in collection.items if returns.get(i.mandate.donor_id, (0,))[0]
                == collection.collection_date.month]  # fmt: skip
    xml = _statement(collection, credits, returned, returns)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rabobank-camt053.xml"
        path.write_text(xml, encoding="utf-8")
        import_file(session, treasurer, collection.centre, path, current_app.instance_path,
                    limit=1024 * 1024)  # fmt: skip


def _statement(collection, credits: dict, returned: list, returns: dict) -> str:
    day = collection.collection_date.replace(day=6)
    entries = []
    for number, (batch, total) in enumerate(sorted(credits.items()), start=1):
        entries.append(_ENTRY.format(
            amount=total, sign="CRDT", day=day, ref=f"{day:%d%m%Y}0000{number:04}",
            family="ESDD", details=f"<Btch><MsgId>{collection.message_id}</MsgId>"
            f"<PmtInfId>{batch}</PmtInfId></Btch>",
        ))  # fmt: skip
    debits = D("0.00")
    for number, item in enumerate(returned, start=1):
        debits += item.amount
        code = returns[item.mandate.donor_id][1]
        entries.append(_ENTRY.format(
            amount=item.amount, sign="DBIT", day=day.replace(day=9),
            ref=f"{day:%d%m%Y}0001{number:04}", family="UPDD",
            details=f"<TxDtls><Refs><EndToEndId>{item.end_to_end_id}</EndToEndId></Refs>"
            f"<RltdPties><Dbtr><Nm>{item.mandate.donor.name}</Nm></Dbtr></RltdPties>"
            f"<RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf></TxDtls>",
        ))  # fmt: skip
    opening = D("2500.00")
    closing = opening + sum(credits.values(), D("0.00")) - debits
    return _DOCUMENT.format(
        iban=collection.centre.iban, day=day, opening=opening, closing=closing,
        entries="".join(entries),
    )  # fmt: skip


_ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>{family}</SubFmlyCd></Fmly></Domn>
</BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>
"""
_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>CAMT053RABO{day:%Y%m%d}</MsgId><CreDtTm>{day}T06:45:00</CreDtTm></GrpHdr>
<Stmt><Id>{iban}-{day}</Id><CreDtTm>{day}T06:45:00</CreDtTm><Acct><Id><IBAN>{iban}</IBAN></Id>
<Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
{entries}</Stmt></BkToCstmrStmt></Document>
"""
