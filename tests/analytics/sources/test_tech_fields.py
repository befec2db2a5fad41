"""WIPO fields derived at import for USPTO XML, Lens and BigQuery (Schmoch 2008 concordance).

Expected fields are read off ``analytics/data/ipc_technology.csv`` by hand for real records of
the shared samples; the cross-checks compare every publication with
:func:`ipvalue.analytics.wipo_fields.fields_of` on the same codes in the stated order.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analytics.conftest import DATA, MINI, assert_keys_consistent
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics import IndicatorOptions, compute_indicators, import_source, open_duckdb
from ipvalue.analytics._store import CanonicalBatch, write_batch
from ipvalue.analytics.sources._lens import unpack_ipc
from ipvalue.analytics.sources._tech_fields import concordance_version
from ipvalue.analytics.wipo_fields import fields_of

XML = SHARED_DATA / "patents" / "uspto-xml"
LENS = SHARED_DATA / "patents" / "lens"

# IPC before CPC, the code marked first before the others, then the source's order
_ORDERED_CODES = """
SELECT p.pub_key,
       list(c.code_full ORDER BY CASE c.scheme WHEN 'IPC' THEN 0 ELSE 1 END,
            CASE WHEN c."first" THEN 0 ELSE 1 END, c.seq, c.code_full)
         FILTER (WHERE c.scheme IN ('IPC', 'CPC')) AS codes
FROM publication p LEFT JOIN classification c ON c.pub_key = p.pub_key GROUP BY 1
"""


def _fields(con: duckdb.DuckDBPyConnection, pub_id: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT wipo_field_id FROM tech_field WHERE pub_id = ? ORDER BY seq", [pub_id]
        ).fetchall()
    ]


def _assert_matches_fields_of(con: duckdb.DuckDBPyConnection) -> int:
    """Every publication's stored fields equal ``fields_of`` of its ordered codes; n checked."""
    stored = dict(
        con.execute(
            "SELECT pub_key, list(wipo_field_id ORDER BY seq) FROM tech_field GROUP BY 1"
        ).fetchall()
    )
    rows = con.execute(_ORDERED_CODES).fetchall()
    for key, codes in rows:
        expected = [str(f.field_id) for f in fields_of(codes or [])]
        assert stored.get(key, []) == expected, (key, codes)
    seqs = con.execute(
        "SELECT count(*) FROM (SELECT pub_key, max(seq) + 1 = count(*) AND min(seq) = 0 AS ok "
        "FROM tech_field GROUP BY 1) WHERE NOT ok"
    ).fetchall()
    assert seqs == [(0,)]  # seq is 0, 1, … per publication
    return len(rows)


@pytest.fixture(scope="module")
def xml_con() -> duckdb.DuckDBPyConnection:
    require_shared_data(XML)
    con = open_duckdb(":memory:")
    report = import_source(con, XML, "uspto-xml")
    assert report.n_fields_derived == 200  # 421 grants − 220 designs − 1 H04W-only grant
    return con


def test_uspto_xml_hand_checked_records(xml_con: duckdb.DuckDBPyConnection) -> None:
    # US-6837063-B1 (2005-01-04), IPC F25D23/12 (first), F25D27/00, F28D15/00, H05K7/20:
    # F25D → 34 Other consumer goods (twice), F28 → 30 Thermal processes, H05K → 2 Audio-visual
    assert _fields(xml_con, "US-6837063-B1") == ["34", "30", "2"]
    # US-7863250-B2, IPC C07H21/02 (first), C07H21/04, A01N43/04, A61K31/70: C07H is
    # "14 Organic fine chemistry, not with A61K" and A61K31/70 is present → both C07H codes drop;
    # A01N → 19 Basic materials chemistry, A61K → 16 Pharmaceuticals
    assert _fields(xml_con, "US-7863250-B2") == ["19", "16"]
    # US-8420318-B2, IPC C12Q1/68, B01D59/50, C12P19/34, C12M1/00, C12M1/34, C07H21/00: no A61K,
    # so C12Q/C12P/C12M → 15 Biotechnology and C07H → 14 count; B01D-059 → 23 Chemical engineering
    assert _fields(xml_con, "US-8420318-B2") == ["15", "23", "14"]
    # US-7643833-B2 has one IPC code, H04W24/00: H04W was created after IPC 8 (2008) → no field
    assert _fields(xml_con, "US-7643833-B2") == []
    titles = xml_con.execute(
        "SELECT wipo_sector_title, wipo_field_title FROM tech_field "
        "WHERE pub_id = 'US-6837063-B1' AND seq = 0"
    ).fetchall()
    assert titles == [("Other fields", "Other consumer goods")]


def test_uspto_xml_every_record_and_coverage(xml_con: duckdb.DuckDBPyConnection) -> None:
    assert _assert_matches_fields_of(xml_con) == 421
    assert_keys_consistent(xml_con)
    # every utility/plant/reissue grant but US-7643833-B2 (H04W only) has a field; the 221
    # without one are that grant and the 220 designs (Locarno/USPC codes only)
    missing = xml_con.execute(
        "SELECT patent_type, count(*) FROM publication ANTI JOIN tech_field USING (pub_key) "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert missing == [("design", 220), ("utility", 1)]
    run = xml_con.execute("SELECT source_format, wipo_concordance FROM import_run").fetchall()
    assert run == [("uspto-xml", concordance_version())]
    assert concordance_version().startswith("Schmoch 2008 Table 2")


def test_cohorts_use_the_derived_field(xml_con: duckdb.DuckDBPyConnection, tmp_path) -> None:
    db = tmp_path / "xml.duckdb"
    con = open_duckdb(db)
    import_source(con, XML, "uspto-xml")
    con.close()
    out = compute_indicators(db, IndicatorOptions(valuation_date=date(2025, 1, 1))).to_pylist()
    by_id = {r["patent_id"]: r["cohort"] for r in out}
    assert by_id["6837063"] == "2005 field 34"  # granted 2005-01-04, first field 34
    assert by_id["7643833"] == "2010 section H"  # no field: falls back to the section


def test_reimport_replaces_derived_fields_and_keeps_keys(tmp_path) -> None:
    require_shared_data(XML)
    con = open_duckdb(":memory:")
    import_source(con, XML, "uspto-xml")
    first = con.execute("SELECT * FROM tech_field ORDER BY pub_key, seq").fetchall()
    import_source(con, XML, "uspto-xml")
    assert con.execute("SELECT * FROM tech_field ORDER BY pub_key, seq").fetchall() == first
    assert_keys_consistent(con)


def test_lens_hand_checked_records() -> None:
    path = require_shared_data(LENS / "pizza_lens_1000.csv")
    con = open_duckdb(":memory:")
    import_source(con, path, "lens", encoding="mac_roman")
    pid = dict(con.execute("SELECT source_id, pub_id FROM publication").fetchall())
    # AU 1990/054797 A: IPC A21B1/48 (first) → 29 Other special machines, A21B2/00 → 29,
    # A23L1/01, A23L3/00, A23L3/005 → 18 Food chemistry, H05B6/64, H05B6/80 → 1; its first CPC
    # code is H05B6/782 (field 1), but IPC codes come first, so field 29 leads
    assert _fields(con, pid["AU 1990/054797 A"]) == ["29", "18", "1"]
    # US 7790213 B2: IPC A21D6/00 → 18; CPC A47J37/01 → 33 Furniture, games (CPC adds it)
    assert _fields(con, pid["US 7790213 B2"]) == ["18", "33"]
    # AU 1991/080432 A: IPC B65D5/04 → 25 Handling, A47J27/00 → 33, B65D81/34 → 25,
    # F24C7/02 → 30, H05B6/64 → 1; CPC B65D2581/3406 (4-digit group: subclass B65D → 25) and
    # Y10S99/14 (CPC-only, no field) add nothing
    assert _fields(con, pid["AU 1991/080432 A"]) == ["25", "33", "30", "1"]
    assert _assert_matches_fields_of(con) == 1000


def test_wipo_landscape_packed_codes_get_fields() -> None:
    path = require_shared_data(LENS / "ritonavir_804.csv")
    con = open_duckdb(":memory:")
    import_source(con, path, "lens")
    # CN101440091 A: packed C07D41714 | A61P03118 | A61K031426 = C07D417/14, A61P31/18,
    # A61K31/426; C07D (14, not with A61K) drops beside A61K; A61P and A61K → 16
    assert _fields(con, "CN-101440091-A") == ["16"]
    codes = con.execute(
        "SELECT list(code_full ORDER BY seq) FROM classification WHERE pub_id = 'CN-101440091-A'"
    ).fetchall()
    assert codes == [(["C07D417/14", "A61P31/18", "A61K31/426"],)]
    # CA2425495 A1: H01J04900 | G01N03072 → H01J49/00 (1), G01N30/72 (10 Measurement)
    assert _fields(con, "CA-2425495-A1") == ["1", "10"]
    _assert_matches_fields_of(con)


@pytest.mark.parametrize(
    ("packed", "code"),
    [
        ("C07D41714", "C07D417/14"),
        ("A61K031426", "A61K31/426"),
        ("A61K00920", "A61K9/20"),
        ("H01J04900", "H01J49/00"),
        ("C07D417/14", "C07D417/14"),  # already unpacked
        ("A61K", "A61K"),
        ("7A61K31:495J", "7A61K31:495J"),  # IPC-7 indexing form: left as written
    ],
)
def test_unpack_ipc(packed: str, code: str) -> None:
    assert unpack_ipc(packed) == code


def _batch(pubs: dict[str, list[tuple[str, str]]], fields: dict[str, list[str]]) -> CanonicalBatch:
    b = CanonicalBatch()
    b.add("publication", pd.DataFrame({"pub_id": list(pubs), "doc_id": list(pubs)}))
    rows = [
        {"pub_id": p, "scheme": s, "seq": i, "code_full": c, "first": i == 0}
        for p, codes in pubs.items()
        for i, (s, c) in enumerate(codes)
    ]
    if rows:
        b.add("classification", pd.DataFrame(rows))
    tf = [
        {"pub_id": p, "seq": i, "wipo_field_id": f}
        for p, fs in fields.items()
        for i, f in enumerate(fs)
    ]
    if tf:
        b.add("tech_field", pd.DataFrame(tf))
    return b


def test_fields_a_source_gives_are_never_touched() -> None:
    con = open_duckdb(":memory:")
    batch = _batch(
        {"US-1-B1": [("IPC", "H01M10/0525")], "US-2-B1": [("IPC", "H01M10/0525")]},
        {"US-1-B1": ["8"]},  # the source says Semiconductors; H01M would give 1
    )
    report = write_batch(
        con, batch, source_format="bigquery", source_path="x", derive_wipo_fields=True
    )
    assert (report.n_publications, report.n_fields_derived) == (2, 1)
    assert _fields(con, "US-1-B1") == ["8"]
    assert _fields(con, "US-2-B1") == ["1"]  # H01M → 1 Electrical machinery
    assert_keys_consistent(con)


def test_patentsview_fields_are_the_source_s() -> None:
    con = open_duckdb(":memory:")
    assert import_source(con, MINI, "patentsview").n_fields_derived is None
    assert con.execute("SELECT wipo_concordance FROM import_run").fetchall() == [(None,)]


def test_failed_derivation_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipvalue.analytics.sources import _tech_fields

    def boom(code: str) -> None:
        raise RuntimeError("concordance unreadable")

    monkeypatch.setattr(_tech_fields, "field_rule", boom)
    con = open_duckdb(":memory:")
    batch = _batch({"US-1-B1": [("IPC", "H01M10/0525")]}, {})
    with pytest.raises(RuntimeError):
        write_batch(con, batch, source_format="lens", source_path="x", derive_wipo_fields=True)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM publication), (SELECT count(*) FROM tech_field), "
        "(SELECT count(*) FROM import_run)"
    ).fetchall()
    assert counts == [(0, 0, 0)]


_CODES = st.sampled_from(
    [
        "A61K31/70",
        "A61K8/97",
        "C07D417/14",
        "C12N15/10",
        "H01M10/0525",
        "G06Q10/06",
        "G06F3/01",
        "Y02E60/10",
        "H04W24/00",
        "B01D53/94",
        "B01D59/50",
        "F25D23/12",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(["IPC", "CPC"]), _CODES), max_size=6),
        min_size=1,
        max_size=5,
    )
)
def test_sql_derivation_equals_fields_of(pubs: list[list[tuple[str, str]]]) -> None:
    con = open_duckdb(":memory:")
    write_batch(
        con,
        _batch({f"US-{i}-B1": codes for i, codes in enumerate(pubs)}, {}),
        source_format="lens",
        source_path="x",
        derive_wipo_fields=True,
    )
    _assert_matches_fields_of(con)


def test_bigquery_export_gets_fields() -> None:
    con = open_duckdb(":memory:")
    import_source(con, DATA / "bigquery" / "publications_sample.jsonl", "bigquery")
    # US-7650331-B1: IPC G06F15/16, CPC G06F9/5066, G06F16/24532 → all G06 (not G06Q) → 6;
    # KR-101234567-B1: CPC G06F9/5066 → 6; CN-1234567-A has no codes → no field
    rows = con.execute("SELECT pub_id, seq, wipo_field_id FROM tech_field ORDER BY 1").fetchall()
    assert rows == [("KR-101234567-B1", 0, "6"), ("US-7650331-B1", 0, "6")]
    assert con.execute("SELECT wipo_concordance FROM import_run").fetchall() == [
        (concordance_version(),)
    ]
