"""USPTO grant XML importer on the real weekly samples; broken XML gives a clean error."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.analytics.conftest import assert_keys_consistent
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics import import_source, open_duckdb
from ipvalue.core.errors import InputError

XML = SHARED_DATA / "patents" / "uspto-xml"


REPORTS: dict[str, object] = {}


@pytest.fixture(scope="module")
def con():  # type: ignore[no-untyped-def]
    require_shared_data(XML)
    c = open_duckdb(":memory:")
    REPORTS["xml"] = import_source(c, XML, "uspto-xml")
    return c


def test_keys_agree_with_the_text_ids(con) -> None:  # type: ignore[no-untyped-def]
    assert_keys_consistent(con)


def test_counts_match_the_data_readme(con) -> None:  # type: ignore[no-untyped-def]
    # README: 225 grants in the nine *.small.xml files + 196 in ipg120327.196.xml (2012-03-27);
    # 9,170 cited references, 8,189 to US documents
    rows = dict(
        con.execute(
            "SELECT grant_date = DATE '2012-03-27', count(*) FROM publication GROUP BY 1"
        ).fetchall()
    )
    assert rows == {False: 225, True: 196}
    types = dict(con.execute("SELECT patent_type, count(*) FROM publication GROUP BY 1").fetchall())
    assert types == {"utility": 199, "design": 220, "plant": 1, "sir": 1}  # appl-type attribute
    n_refs = con.execute("SELECT count(*) FROM citation WHERE origin <> 'npl'").fetchall()[0][0]
    n_us = con.execute("SELECT count(*) FROM citation WHERE cited_country = 'US'").fetchall()[0][0]
    assert (n_refs, n_us) == (9170, 8189)
    # README: assignees JP 75, KR 19, TW 13, CN 4, SG 1, AU 1
    rows = dict(
        con.execute(
            "SELECT country, count(*) FROM party WHERE role = 'assignee' GROUP BY 1"
        ).fetchall()
    )
    assert {k: rows[k] for k in ("JP", "KR", "TW", "CN", "SG", "AU")} == {
        "JP": 75,
        "KR": 19,
        "TW": 13,
        "CN": 4,
        "SG": 1,
        "AU": 1,
    }
    # sequence listings are separate documents: reported, never silently dropped
    issues = REPORTS["xml"].issues  # type: ignore[attr-defined]
    assert len(issues) == 5 and all("sequence-cwu" in i.rule for i in issues)


def test_fields_match_the_document(con) -> None:  # type: ignore[no-untyped-def]
    # ipg130416.small.xml, US08418361-20130416: appl 13299685 filed 20111118, 5 claims,
    # KR priority 10-2008-0034874 of 20080415, IPC H05K 3/02 (symbol position F)
    row = con.execute(
        "SELECT source_id, kind, app_id, filing_date::VARCHAR, grant_date::VARCHAR, n_claims, "
        "priority_date::VARCHAR FROM publication WHERE pub_id = 'US-8418361-B2'"
    ).fetchall()
    assert row == [("8418361", "B2", "13299685", "2011-11-18", "2013-04-16", 5, "2008-04-15")]
    ipc = con.execute(
        "SELECT code_full, subclass4, first FROM classification "
        "WHERE pub_id = 'US-8418361-B2' AND scheme = 'IPC'"
    ).fetchall()
    assert ipc == [("H05K3/02", "H05K", True)]
    # 2005 file, DTD v4.0: edition-7 IPC "F25D 2312" → F25D23/12, "H05K  720" → H05K7/20
    codes = [
        r[0]
        for r in con.execute(
            "SELECT code_full FROM classification WHERE "
            "pub_id = 'US-6837063-B1' AND scheme = 'IPC' ORDER BY seq"
        ).fetchall()
    ]
    assert codes == ["F25D23/12", "F25D27/00", "F28D15/00", "H05K7/20"]
    # design patent D607201: cited D426060 dated 20000600 → 2000-06-01 (day 00 convention)
    cited = con.execute(
        "SELECT cited_doc_id, cited_date::VARCHAR, category FROM citation "
        "WHERE citing_pub_id = 'US-D607201-S1' AND seq = 0"
    ).fetchall()
    assert cited == [("US-D426060", "2000-06-01", "cited by examiner")]


def test_broken_xml_names_file_and_line(tmp_path: Path) -> None:
    src = require_shared_data(XML / "ipg050104.small.xml").read_bytes()
    bad = tmp_path / "ipgbroken.xml"
    cut = src.index(b"</invention-title>", 200000)
    bad.write_bytes(src[:cut] + src[cut + len(b"</invention-title>") :])
    line = src[:cut].count(b"\n") + 1
    con = open_duckdb(":memory:")
    with pytest.raises(InputError, match=r"ipgbroken.xml:\d+: must be well-formed XML") as exc:
        import_source(con, bad, "uspto-xml")
    reported = int(exc.value.field.rsplit(":", 1)[1])
    next_doc = src[: src.index(b"<?xml", cut)].count(b"\n") + 1
    assert line <= reported < next_doc  # where lxml detects the mismatch, inside that document
    assert con.execute("SELECT count(*) FROM publication").fetchall()[0][0] == 0


def test_not_utf8_xml(tmp_path: Path) -> None:
    bad = tmp_path / "latin.xml"
    bad.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<us-patent-grant>\n<x>caf\xe9</x></us-patent-grant>\n"
    )
    con = open_duckdb(":memory:")
    with pytest.raises(InputError, match=r"latin.xml:\d+: must be well-formed XML"):
        import_source(con, bad, "uspto-xml")
