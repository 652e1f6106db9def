"""Where a PDF's words stand on its pages (poppler's `pdftotext -bbox`), and what a printed
report must never do: words on top of each other, words past the page's side margins, text
smaller than 8 pt.

pdftotext measures every word with its font's real widths, which pypdf's text visitor does not
give; poppler-utils is already what the PDF tests and CI install.
"""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

MM = 72 / 25.4
SIDE_MARGIN = 16 * MM  # templates/reports/print.css: @page margin 20mm 16mm 18mm 16mm
EDGE = 8 * MM  # the running head and foot stand in the top and bottom margins, not past this
# DejaVu Sans's box (ascent + descent) is 1.164 em: 8 pt text gives a box 9.3 pt high.
SMALLEST_BOX = 8 * 1.164 - 0.05
SLACK = 0.4  # points: boxes touching by a rounding error do not overprint


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Word") -> bool:
        return (
            self.x0 + SLACK < other.x1
            and other.x0 + SLACK < self.x1
            and self.y0 + SLACK < other.y1
            and other.y0 + SLACK < self.y1
        )

    def __str__(self) -> str:
        return f"{self.text!r} at ({self.x0 / MM:.1f} mm, {self.y0 / MM:.1f} mm)"


def words(pdf_path) -> tuple[list[list[Word]], float, float]:
    """The words of each page, and the page's width and height in points."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, check=True, text=True
    ).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    pages, width, height = [], 0.0, 0.0
    for number, page in enumerate(ET.fromstring(out).iter(f"{ns}page"), start=1):
        width, height = float(page.get("width")), float(page.get("height"))
        found = {
            Word(number, w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iter(f"{ns}word")
        }  # a set: a value drawn twice in one place (its halo, then its letters) is one word
        pages.append(sorted(found, key=lambda w: (w.y0, w.x0)))
    return pages, width, height


def layout_faults(pdf_path) -> list[str]:
    """Everything wrong with the PDF's page layout, one sentence each (empty: none)."""
    pages, width, height = words(pdf_path)
    faults = []
    for page in pages:
        for i, word in enumerate(page):
            where = f"page {word.page}: {word}"
            if word.x0 < SIDE_MARGIN - 1 or word.x1 > width - SIDE_MARGIN + 1:
                faults.append(f"{where} crosses the side margin")
            if word.y0 < EDGE or word.y1 > height - EDGE:
                faults.append(f"{where} runs off the page")
            if word.y1 - word.y0 < SMALLEST_BOX:
                faults.append(f"{where} is smaller than 8 pt")
            for other in page[i + 1 :]:
                if other.y0 > word.y1:
                    break
                if word.overlaps(other):
                    faults.append(f"{where} overlaps {other}")
    return faults
