"""Fixtures for analytics tests: the hand-computed PatentsView fixture in a DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ipvalue.analytics import import_source, open_duckdb
from ipvalue.analytics._schema import KEY_COLUMN, PUB_KEYED

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = DATA / "patentsview_mini"


@pytest.fixture(scope="session")
def mini_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DuckDB file holding the hand-computed PatentsView fixture (read-only use)."""
    path = tmp_path_factory.mktemp("mini") / "mini.duckdb"
    con = open_duckdb(path)
    import_source(con, MINI, "patentsview")
    con.close()
    return path


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in con.execute(sql).fetchall()]


def assert_keys_consistent(con: duckdb.DuckDBPyConnection) -> None:
    """Every stored key agrees with the text ids it stands for (the invariant indicators use)."""
    n, distinct, lo, hi = _rows(
        con, "SELECT count(*), count(DISTINCT pub_key), min(pub_key), max(pub_key) FROM publication"
    )[0]
    assert (distinct, lo, hi) == (n, 1, n)  # dense 1..n, one per publication
    for table, col in PUB_KEYED.items():
        if table == "publication":
            continue
        key = KEY_COLUMN[table]
        bad = _rows(
            con,
            f'SELECT count(*) FROM {table} t LEFT JOIN publication p ON p.pub_id = t."{col}" '
            f'WHERE t."{key}" IS DISTINCT FROM p.pub_key',
        )
        assert bad == [(0,)], table
    # doc_key = key of the document's smallest pub_id; cited_key = the cited document's doc_key
    bad_doc = _rows(
        con,
        "SELECT count(*) FROM publication p JOIN (SELECT doc_id, arg_min(pub_key, pub_id) AS k "
        "FROM publication GROUP BY 1) d USING (doc_id) WHERE p.doc_key IS DISTINCT FROM d.k",
    )
    assert bad_doc == [(0,)]
    bad_cited = _rows(
        con,
        "SELECT count(*) FROM citation c LEFT JOIN (SELECT DISTINCT doc_id, doc_key "
        "FROM publication) d ON d.doc_id = c.cited_doc_id "
        "WHERE c.cited_key IS DISTINCT FROM d.doc_key",
    )
    assert bad_cited == [(0,)]
