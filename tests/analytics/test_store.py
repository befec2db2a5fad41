"""Integer keys stored by the importers: dense, stable on re-import, re-resolved later."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from tests.analytics.conftest import MINI, assert_keys_consistent

from ipvalue.analytics import IndicatorOptions, compute_indicators, import_source, open_duckdb
from ipvalue.analytics._store import CanonicalBatch, write_batch
from ipvalue.core.errors import InputError

OPTS = IndicatorOptions(valuation_date=date(2025, 1, 1))


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in con.execute(sql).fetchall()]


def _keys(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(_rows(con, "SELECT pub_id, pub_key FROM publication"))  # type: ignore[arg-type]


def test_fixture_keys_are_dense_in_pub_id_order_and_resolve_citations() -> None:
    con = open_duckdb(":memory:")
    import_source(con, MINI, "patentsview")
    # 6 patents US-1000001-B2 … US-1000006-*, numbered in pub_id order
    keys = _keys(con)
    assert sorted(keys.values()) == [1, 2, 3, 4, 5, 6]
    assert [k for _, k in sorted(keys.items())] == [1, 2, 3, 4, 5, 6]
    # the 10 US-patent citation rows: 6 cite 1000001 (1000003 twice), 3 cite 1000002 (both in
    # the data), 1 cites 5000000 (not in the data: no key)
    resolved = _rows(
        con,
        "SELECT cited_doc_id, cited_key, count(*) FROM citation WHERE origin = 'us_patent' "
        "GROUP BY ALL ORDER BY 1",
    )
    assert resolved == [
        ("US-1000001", keys["US-1000001-B2"], 6),
        ("US-1000002", keys["US-1000002-B2"], 3),
        ("US-5000000", None, 1),
    ]
    # application and foreign citations never resolve to a granted US patent in the fixture
    assert _rows(con, "SELECT count(cited_key) FROM citation WHERE origin <> 'us_patent'") == [(0,)]
    assert_keys_consistent(con)


def test_reimport_keeps_every_key() -> None:
    con = open_duckdb(":memory:")
    import_source(con, MINI, "patentsview")
    before = _keys(con)
    cited_before = _rows(
        con, "SELECT citing_pub_id, seq, origin, cited_key FROM citation ORDER BY ALL"
    )
    import_source(con, MINI, "patentsview")
    assert _keys(con) == before
    assert (
        _rows(con, "SELECT citing_pub_id, seq, origin, cited_key FROM citation ORDER BY ALL")
        == cited_before
    )
    assert_keys_consistent(con)


def _split_fixture(tmp_path: Path) -> tuple[Path, Path]:
    """Two PatentsView folders: every patent but 1000001 (which the others cite), then 1000001."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(MINI, first)
    second.mkdir()
    for f in first.glob("*.tsv"):
        t = pd.read_csv(f, sep="\t", dtype=str, keep_default_na=False)
        keep = t.patent_id != "1000001"
        t[keep].to_csv(f, sep="\t", index=False)
        t[~keep].to_csv(second / f.name, sep="\t", index=False)
    return first, second


def test_later_import_resolves_older_citations(tmp_path: Path) -> None:
    first, second = _split_fixture(tmp_path)
    con = open_duckdb(":memory:")
    import_source(con, first, "patentsview")
    # 1000001 is not in the data yet: its 6 citations are unresolved
    assert _rows(
        con, "SELECT count(cited_key) FROM citation WHERE cited_doc_id = 'US-1000001'"
    ) == [(0,)]
    before = _keys(con)
    import_source(con, second, "patentsview")
    after = _keys(con)
    assert {k: after[k] for k in before} == before  # existing keys unchanged
    assert after["US-1000001-B2"] == 6  # numbered after the largest key
    assert _rows(
        con, "SELECT DISTINCT cited_key FROM citation WHERE cited_doc_id = 'US-1000001'"
    ) == [(6,)]
    assert_keys_consistent(con)


def test_split_import_gives_the_same_indicators_as_one_import(tmp_path: Path) -> None:
    first, second = _split_fixture(tmp_path)
    split_db, whole_db = tmp_path / "split.duckdb", tmp_path / "whole.duckdb"
    con = open_duckdb(split_db)
    import_source(con, first, "patentsview")
    import_source(con, second, "patentsview")
    con.close()
    con = open_duckdb(whole_db)
    import_source(con, MINI, "patentsview")
    con.close()
    split = compute_indicators(split_db, OPTS).to_pylist()
    whole = compute_indicators(whole_db, OPTS).to_pylist()
    assert split == whole
    assert any(r["fwd_cits5"] for r in whole)  # the comparison covers resolved citations


def _batch(pubs: list[tuple[str, str]], cites: list[tuple[str, str]]) -> CanonicalBatch:
    b = CanonicalBatch()
    b.add(
        "publication",
        pd.DataFrame(
            {
                "pub_id": [p for p, _ in pubs],
                "doc_id": [d for _, d in pubs],
                "grant_date": [date(2010, 1, 5)] * len(pubs),
                "citations_listed": True,
            }
        ),
    )
    if cites:
        b.add(
            "citation",
            pd.DataFrame(
                {
                    "citing_pub_id": [c for c, _ in cites],
                    "seq": range(len(cites)),
                    "origin": "us_patent",
                    "cited_doc_id": [d for _, d in cites],
                }
            ),
        )
    return b


def test_document_key_moves_to_a_smaller_pub_id_added_later() -> None:
    con = open_duckdb(":memory:")
    write_batch(
        con,
        _batch([("US-7-B2", "US-7"), ("US-8-B1", "US-8")], [("US-8-B1", "US-7")]),
        source_format="test",
        source_path="a",
    )
    # keys in pub_id order: US-7-B2 = 1, US-8-B1 = 2; the citation resolves to US-7-B2
    assert _rows(con, "SELECT cited_key FROM citation") == [(1,)]
    # US-7-A1 sorts before US-7-B2: the document (and its citation) now resolve to it
    write_batch(con, _batch([("US-7-A1", "US-7")], []), source_format="test", source_path="b")
    assert _keys(con) == {"US-7-B2": 1, "US-8-B1": 2, "US-7-A1": 3}
    assert _rows(con, "SELECT doc_key FROM publication WHERE doc_id = 'US-7'") == [(3,), (3,)]
    assert _rows(con, "SELECT cited_key FROM citation") == [(3,)]
    assert_keys_consistent(con)


def _old_file(tmp_path: Path) -> Path:
    """A database as an earlier ipvalue wrote it: the canonical tables without the key columns."""
    db = tmp_path / "old.duckdb"
    con = open_duckdb(db)
    import_source(con, MINI, "patentsview")
    for table, cols in (
        ("publication", ("pub_key", "doc_key")),
        ("citation", ("citing_key", "cited_key")),
        ("classification", ("pub_key",)),
        ("party", ("pub_key",)),
        ("priority", ("pub_key",)),
        ("tech_field", ("pub_key",)),
    ):
        for col in cols:
            con.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
    con.close()
    return db


def test_older_file_is_upgraded_in_place_on_read_only_open(tmp_path: Path, mini_db: Path) -> None:
    db = _old_file(tmp_path)
    # compute_indicators opens read-only: the file is upgraded first, then read
    assert compute_indicators(db, OPTS).to_pylist() == compute_indicators(mini_db, OPTS).to_pylist()
    con = duckdb.connect(str(db), read_only=True)
    assert sorted(_keys(con).values()) == [1, 2, 3, 4, 5, 6]
    assert_keys_consistent(con)
    con.close()


def test_older_file_that_cannot_be_upgraded_is_refused_with_the_rebuild_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _old_file(tmp_path)
    real = duckdb.connect

    def no_write(path: str, read_only: bool = False, **kw: object) -> duckdb.DuckDBPyConnection:
        if not read_only:
            raise duckdb.IOException("read-only file system")
        return real(path, read_only=True)

    monkeypatch.setattr("ipvalue.analytics._store.duckdb.connect", no_write)
    with pytest.raises(InputError, match=r"without integer keys.*ipvalue patents import") as e:
        compute_indicators(db, OPTS)
    assert e.value.field == "analytics_db"
