"""Fixtures of the case-store tests: every database test runs on SQLite and on PostgreSQL.

The PostgreSQL half gets a private schema per test (``search_path`` in the URL), so parallel
pytest workers and tests never see each other's rows.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ipvalue.cases import CaseStore
from ipvalue.core.db import make_engine

sys.path.insert(0, str(Path(__file__).parent))
from cases_helpers import fake_evaluator


@pytest.fixture(autouse=True)
def index_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private folder for persisted similar-case indexes (never the user's cache)."""
    from ipvalue.core.settings import get_settings

    folder = tmp_path / "index-cache"
    monkeypatch.setenv("IPVALUE_CASES_INDEX_CACHE", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty case database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.db'}"
        return
    base = request.getfixturevalue("pg_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine: Engine) -> CaseStore:
    """A migrated store valuing cases with the hand-checkable fake evaluator."""
    return CaseStore(engine, evaluator=fake_evaluator)
