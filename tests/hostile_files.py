"""Small hostile workbooks: a few hundred bytes that make a reader ask for too much."""

import zipfile

_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Income" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def workbook(path, dimension: str = "A1:C2", far_cell: str | None = None) -> None:
    """A valid-looking workbook with a heading row; `far_cell` adds one cell far away."""
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>amount</t></is></c></row>'
    )
    if far_cell:
        row = "".join(ch for ch in far_cell if ch.isdigit())
        cells += f'<row r="{row}"><c r="{far_cell}"><v>1</v></c></row>'
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)


_CAMT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
    'camt.053.001.02"><BkToCstmrStmt><Stmt><Id>1</Id>'
)


def camt_statement(path, depth: int = 200_000, text_bytes: int = 12 * 2**20) -> None:
    """A camt.053 statement of one entry whose remittance text is `text_bytes` long and
    nested `depth` elements deep."""
    with open(path, "wb") as out:
        out.write(_CAMT_HEAD.encode())
        out.write(b"<Ntry><NtryDtls><TxDtls><RmtInf><Ustrd>")
        out.write(b"<x>" * depth)
        out.write(b"A" * text_bytes)
        out.write(b"</x>" * depth)
        out.write(b"</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>")


def mt940_statement(path, text_bytes: int = 12 * 2**20) -> None:
    """An MT940 statement of one entry whose :86: details run `text_bytes` long."""
    with open(path, "wb") as out:
        out.write(b":20:HOSTILE\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n")
        out.write(b":60F:C240101EUR0,00\r\n:61:2401020102C10,00NTRFNONREF\r\n:86:")
        out.write(b"/REMI/" + b"A" * text_bytes + b"\r\n")
        out.write(b":62F:C240102EUR10,00\r\n-\r\n")


def csv_one_field(path, text_bytes: int = 12 * 2**20) -> None:
    """A CSV file whose second row is one quoted field `text_bytes` long."""
    with open(path, "wb") as out:
        out.write(b'date;amount;name\r\n"')
        out.write(b"A" * text_bytes)
        out.write(b'";10,00;x\r\n')
