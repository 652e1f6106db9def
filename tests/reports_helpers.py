"""What the report tests share: reading a PDF's text per page, and keeping PDFs to look at."""

import io
import os
from pathlib import Path

from pypdf import PdfReader


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, with runs of whitespace (and no-break spaces) made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().replace("\xa0", " ").split()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def keep(pdf: bytes, name: str) -> None:
    """Write the PDF to $FUNDTRACK_REPORTS_KEEP (when set), to look at with pdftoppm."""
    folder = os.environ.get("FUNDTRACK_REPORTS_KEEP")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, name).write_bytes(pdf)
