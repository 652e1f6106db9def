"""Generated files of any size, written as a stream: for the benchmark and the tests that
need a big statement (a killed import, background jobs). Never used by the app itself."""

from datetime import date, timedelta
from decimal import Decimal

from schwifty import IBAN

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>GEN-{tag}</MsgId><CreDtTm>2025-12-31T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>GEN-{tag}</Id><CreDtTm>2025-12-31T06:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
"""
_ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
<AcctSvcrRef>{tag}-{n:07d}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{tag}-{n:07d}</EndToEndId></Refs>
<Amt Ccy="EUR">{amount}</Amt>
<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>
<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>Gift {n}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
"""


def payers(count: int) -> list[tuple[str, str]]:
    """`count` payers with valid Dutch IBANs."""
    return [
        (
            f"Donor {i:05d}",
            IBAN.generate("NL", bank_code="INGB", account_code=f"{i + 1:010d}").compact,
        )
        for i in range(count)
    ]


def rows(count: int, donors: int = 500, year: int = 2025):
    """(n, day, amount, name, iban) for `count` gifts spread over `year`."""
    people = payers(donors)
    first = date(year, 1, 1)
    for n in range(count):
        name, iban = people[n % donors]
        day = first + timedelta(days=n % 365)
        amount = Decimal(5 + (n * 37) % 500) + Decimal(n % 100) / 100
        yield n, day, amount, name, iban


def write_camt(path, count: int, donors: int = 500, tag: str = "GEN") -> None:
    """A camt.053.001.08 statement of `count` booked credits (no balances: none to check)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(_HEAD.format(tag=tag))
        for n, day, amount, name, iban in rows(count, donors):
            out.write(_ENTRY.format(tag=tag, n=n, day=day.isoformat(), amount=amount,
                                    name=name, iban=iban))  # fmt: skip
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def write_xlsx(path, count: int, donors: int = 500) -> None:
    """An income list of `count` rows (write-only openpyxl: memory stays flat)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Giften")
    sheet.append(["Datum", "Naam", "IBAN", "Bedrag", "Omschrijving", "Transactie-id"])
    for n, day, amount, name, iban in rows(count, donors):
        sheet.append([day, name, iban, float(amount), f"Gift {n}", f"X{n:07d}"])
    book.save(path)
