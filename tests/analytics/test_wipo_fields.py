"""WIPO IPC–technology concordance (Schmoch 2008, Table 2): table checks and lookups."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics.wipo_fields import (
    SECTORS,
    concordance,
    concordance_source,
    field_key,
    field_of,
    fields,
    fields_of,
)
from ipvalue.frameworks._kr_smart import WIPO_SECTORS

WIPO_STATS = SHARED_DATA / "patents" / "wipo_tech_region.csv"


def test_table_shape_and_source() -> None:
    rows = concordance()
    assert len(rows) == 385  # tokens of Table 2 (update May 2008)
    assert len({p for _, p, _ in rows}) == len(rows)  # no pattern in two fields
    per_field = Counter(f.field_id for f, _, _ in rows)
    assert sorted(per_field) == list(range(1, 36))
    # counts of Table 2 tokens for a few fields: 4 Digital communication = H04L only,
    # 19 Basic materials chemistry = 26 tokens, 34 Other consumer goods = 30 tokens
    assert (per_field[4], per_field[19], per_field[34]) == (1, 26, 30)
    sectors = {f.field_id: f.sector for f, _, _ in rows}
    assert [sum(1 for s in sectors.values() if s == name) for name in SECTORS] == [8, 5, 11, 8, 3]
    assert tuple(SECTORS.values()) == WIPO_SECTORS  # the SMART5 sector codes
    src = concordance_source()
    assert "Schmoch" in src and "wipo_ipc_technology.pdf" in src and "update: May 2008" in src


def test_names_match_wipo_statistics() -> None:
    path = require_shared_data(WIPO_STATS)
    with path.open(encoding="utf-8") as fh:
        stats = {int(r["technology_number"]): r["technology"] for r in csv.DictReader(fh)}
    stats.pop(0)  # "Unknown"
    assert {i: f.field_en for i, f in fields().items()} == stats


@pytest.mark.parametrize(
    ("code", "field_id"),
    [
        ("H01M10/0525", 1),  # battery electrode: electrical machinery, apparatus, energy
        ("H01M 10/0525", 1),
        ("F21V 8/00", 1),  # class pattern F21#
        ("H04N 5/232", 2),  # H04N-005 audio-visual
        ("H04N 7/18", 3),  # H04N-007 telecommunications
        ("H04L 9/32", 4),
        ("H03M 13/00", 5),
        ("G06F 3/041", 6),  # G06# not G06Q
        ("G06Q 30/02", 7),
        ("H01L 21/02", 8),
        ("H01L2224/48", 8),  # CPC 2000-series indexing code: subclass pattern
        ("G01N 21/64", 10),  # G01N not G01N-033
        ("G01S 7/48", 10),  # printed "G01S;" in the PDF
        ("G01N33/53", 11),
        ("A61B 5/00", 13),
        ("A61K 8/97", 14),  # cosmetics: A61K-008 in organic fine chemistry
        ("A61Q 19/00", 14),
        ("C12N 15/11", 15),
        ("A61K 31/44", 16),  # A61K not A61K-008
        ("C08J 5/18", 29),  # C08J is "other special machines", not polymers
        ("B01D 1/00", 23),  # B01D-000#: main groups 1-9
        ("B01D 39/20", 23),  # B01D-03##
        ("B01D 53/94", 24),  # B01D-053 environmental
        ("B01D 71/02", 23),  # B01D-07##
        ("E01F 8/00", 24),  # noise barriers: environmental
        ("E01F 13/04", 35),  # E01F-01#
        ("G05G 1/00", 31),  # G05G mechanical elements, not control
        ("A99Z 99/00", 34),
    ],
)
def test_field_of(code: str, field_id: int) -> None:
    f = field_of(code)
    assert f is not None and f.field_id == field_id


@pytest.mark.parametrize(
    "code",
    [
        "Y02E 60/10",
        "H04N 19/70",
        "B01D 44/00",
        "B01D2257/504",
        "G16H 10/60",
        "B33Y 10/00",
        "",
        "not a code",
        "H0",
        "G06F3/",
        "12345",
    ],
)
def test_no_field(code: str) -> None:
    # CPC-only scheme, groups/subclasses newer than IPC 2008, main groups B01D lacks, junk
    assert field_of(code) is None


def test_keys() -> None:
    assert field_key(" h01m  10/0525 ") == "H01M-010"
    assert field_key("F21") == "F21" and field_key("G06Q") == "G06Q"
    assert field_key("H01L2224/48") == "H01L-2224"
    assert field_key(None) is None  # type: ignore[arg-type]


def test_patent_level_not_a61k() -> None:
    # (C07B … C40B) not A61K: a C07D code counts for organic fine chemistry only without A61K
    assert [f.field_id for f in fields_of(["C07D 401/04", "A61P 35/00"])] == [14]
    assert [f.field_id for f in fields_of(["C07D 401/04", "A61K 31/44"])] == [16]
    assert [f.field_id for f in fields_of(["C12N 15/11", "A61K 48/00"])] == [16]
    # A61K-008 (cosmetics) is itself in A61K, so C07 codes drop beside it as well
    assert [f.field_id for f in fields_of(["C07C 69/00", "A61K 8/37"])] == [14]
    # other fields are unaffected; order of first appearance, duplicates once
    got = fields_of(["H01M 4/13", "Y02E 60/10", "G06F 1/16", "H01M 10/44"])
    assert [f.field_id for f in got] == [1, 6]


_codes = st.builds(
    lambda sub, g, s: f"{sub}{g}/{s}",
    st.sampled_from(
        ["A61K", "B01D", "C07D", "E01F", "G01N", "G06F", "G06Q", "H04N", "H01M", "Y10T", "C12N"]
    ),
    st.integers(1, 99),
    st.integers(0, 999),
)


@given(_codes)
def test_lookup_ignores_subgroup_spacing_and_case(code: str) -> None:
    sub, rest = code[:4], code[4:]
    group = rest.split("/")[0]
    base = field_of(f"{sub}{group}/00")
    assert field_of(code) == base
    assert field_of(f" {sub.lower()}  {rest} ") == base
    assert base is None or base in fields().values()


@given(st.lists(_codes, max_size=8))
def test_fields_of_is_subset_and_order_free(codes: list[str]) -> None:
    got = fields_of(codes)
    assert set(got) <= {f for c in codes if (f := field_of(c)) is not None}
    assert set(got) == set(fields_of(list(reversed(codes))))
    assert len(got) == len(set(got))


def test_data_file_is_packaged() -> None:
    path = Path(__file__).resolve().parents[2] / "src/ipvalue/analytics/data/ipc_technology.csv"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# WIPO IPC-technology concordance")
