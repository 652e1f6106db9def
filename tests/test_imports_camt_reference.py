"""Our camt.053 field reading against pycamt's, the reference it was written from."""

from pathlib import Path

import pytest
from lxml import etree
from pycamt.parser import Camt053Parser

from fundtrack.imports.parsers import camt_fields
from fundtrack.imports.samples import write_camt

SAMPLES = Path(__file__).parent / "fixtures" / "imports"


class _Reference(Camt053Parser):
    def __init__(self, ns: str):  # no document: one entry at a time, as ours reads them
        self.namespaces = {None: ns}


def _pairs(path: Path):
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    ns = etree.QName(tree.getroot()).namespace
    ours, reference = camt_fields.EntryReader(ns), _Reference(ns)
    for statement in tree.iter(f"{{{ns}}}Stmt"):
        for entry in statement.iter(f"{{{ns}}}Ntry"):
            yield ours.details(entry), reference._extract_transaction(entry, statement)


@pytest.mark.parametrize(
    "name", ["camt053_v02.xml", "camt053_v08.xml", "camt053_odd_shapes.xml", "generated"]
)
def test_our_camt_fields_equal_pycamts_for_the_sample_statements(name, tmp_path):
    path = SAMPLES / name
    if name == "generated":
        path = tmp_path / "generated.xml"
        write_camt(path, 20)
    pairs = list(_pairs(path))
    assert pairs
    for ours, theirs in pairs:
        assert len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs, strict=True):
            mine = {k: v for k, v in mine.items() if k not in camt_fields.OWN_FIELDS}
            assert mine == {key: value for key, value in reference.items() if key in mine}
            # Every field the entries are made from is read: none is left to pycamt.
            used = {key for key in reference if key in camt_fields.USED_FIELDS}
            assert used <= mine.keys()
