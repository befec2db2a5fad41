"""Fixtures for analytics tests: the hand-computed PatentsView fixture in a DuckDB file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipvalue.analytics import import_source, open_duckdb

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
