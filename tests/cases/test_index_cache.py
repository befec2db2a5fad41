"""Persisted similar-case index: growth appended to a log, replayed by a new process, rebuilt
when the appended share passes the setting or on demand."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from cases_helpers import source
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipvalue.cases import CaseProfile, CaseStore, SimilarityIndex
from ipvalue.cases import _store as store_module
from ipvalue.cases._index_cache import IndexState, append_state, load_state, save_state
from ipvalue.cases._similar import CaseDoc
from ipvalue.core.settings import get_settings


def _doc(i: int, text: str = "dry coating cathode") -> CaseDoc:
    return CaseDoc(
        i,
        1,
        f"t{i}",
        "patent",
        "KR",
        "H01M4/04",
        "licensing",
        f"{text} {i}",
        {"royalty_rate": 0.01 * i},
    )


def _state(n: int) -> IndexState:
    return IndexState(n, f"h{n}", n, n, SimilarityIndex([_doc(i) for i in range(1, n + 1)]))


URL = "sqlite:///x.db"


def test_appended_chunks_are_replayed_and_the_base_is_not_rewritten(index_cache: Path) -> None:
    state = _state(5)
    save_state(URL, 1, state)
    (base,) = index_cache.glob("*.pkl")
    before = base.stat().st_mtime_ns, base.stat().st_size
    for lo in (6, 8):  # two saves: versions 6-7, then 8
        docs = [_doc(i) for i in range(lo, min(lo + 2, 9))]
        after = state.last_id
        state.index.extend(docs)
        state.last_id, state.seq, state.head_hash = docs[-1].case_id, lo + 10, f"h{lo}"
        append_state(URL, 1, state, docs, after)
    assert (base.stat().st_mtime_ns, base.stat().st_size) == before
    loaded = load_state(URL, 1)
    assert loaded is not None
    assert (loaded.last_id, loaded.seq, loaded.head_hash) == (8, 18, "h8")
    assert len(loaded.index) == 8 and loaded.index.built_size == 5
    assert loaded.index.appended_share == pytest.approx(3 / 8)


def test_duplicate_foreign_and_torn_chunks_are_skipped(index_cache: Path) -> None:
    state = _state(3)
    save_state(URL, 1, state)
    other = _state(3)  # another build (a different build_id)
    docs = [_doc(4)]
    state.index.extend(docs)
    state.last_id, state.seq, state.head_hash = 4, 4, "h4"
    append_state(URL, 1, other, docs, 3)  # foreign build: skipped
    append_state(URL, 1, state, docs, 3)
    append_state(URL, 1, state, docs, 3)  # a concurrent process appended the same rows: skipped
    (delta,) = index_cache.glob("*.delta")
    with delta.open("ab") as fh:  # a crash in the middle of the next append
        fh.write((1000).to_bytes(8, "little") + b"partial")
    loaded = load_state(URL, 1)
    assert loaded is not None and loaded.last_id == 4 and loaded.index.rows == 4


def test_a_new_build_retires_the_log(index_cache: Path) -> None:
    state = _state(3)
    save_state(URL, 1, state)
    state.index.extend([_doc(4)])
    state.last_id = 4
    append_state(URL, 1, state, [_doc(4)], 3)
    save_state(URL, 1, state)  # same build rewritten (e.g. a forest fitted): log kept
    assert list(index_cache.glob("*.delta"))
    save_state(URL, 1, _state(4))  # new build: log removed
    assert not list(index_cache.glob("*.delta"))


def _fresh_process() -> None:
    store_module._STATES.clear()


def test_store_appends_growth_and_a_new_process_answers_the_same(
    store: CaseStore, index_cache: Path
) -> None:
    for i in range(10):
        store.save(
            source(i, title=f"Sodium ion anode binder {i}" if i % 3 else None),
            org="acme",
            user="alice",
        )
    # Builds (share 0.2): at 1, 2, 3, 4, 6, 8 cases; the save of case 10 saw 9 cases (1/9
    # appended), this query sees 10 (2/10 = 0.2, not above): both appended to the log.
    warm = store.similar("acme", 1, top=5)
    assert len(list(index_cache.glob("*.delta"))) == 1
    _fresh_process()
    loaded = load_state(store.engine.url.render_as_string(hide_password=True), 1)
    assert loaded is not None
    assert (loaded.index.built_size, loaded.index.rows, loaded.last_id) == (8, 10, 10)
    assert store.similar("acme", 1, top=5) == warm


def test_rebuild_when_the_appended_share_passes_the_setting(
    store: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPVALUE_CASES_INDEX_REBUILD_SHARE", "0.5")
    get_settings.cache_clear()
    for i in range(8):
        store.save(source(i), org="acme", user="alice")
    from ipvalue.core.db import read_session

    def state() -> IndexState:
        with read_session(store.engine) as s:
            return store.index_state(store.org(s, "acme"))

    s0 = state()  # 8 cases
    built = s0.index.built_size
    # saves 9.. : appended/rows stays <= 0.5 until rows > 2 × built
    n = 8
    while (n + 1 - built) / (n + 1) <= 0.5:
        store.save(source(n), org="acme", user="alice")
        n += 1
        assert state().build_id == s0.build_id
    store.save(source(n), org="acme", user="alice")
    s1 = state()
    assert s1.build_id != s0.build_id and s1.index.built_size == n + 1
    assert s1.index.appended_share == 0.0


def test_reindex_rebuilds_on_demand(store: CaseStore, run_cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(6):
        store.save(source(i), org="acme", user="alice")
    from ipvalue.core.db import read_session

    with read_session(store.engine) as s:
        before = store.index_state(store.org(s, "acme"))
    store.save(source(6), org="acme", user="alice")
    code, out, err = run_cli("cases", "reindex", "--org", "acme", "--db", db_url)
    assert code == 0, err
    assert "7 cases" in out
    after = store.reindex("acme")
    assert after.build_id != before.build_id and after.index.built_size == 7
    assert after.index.appended_share == 0.0
    code, _, err = run_cli("cases", "reindex", "--org", "nobody", "--db", db_url)
    assert code == 2 and "--org" in err


def test_rebuild_share_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    for bad in ("0", "1.5", "-0.1"):
        monkeypatch.setenv("IPVALUE_CASES_INDEX_REBUILD_SHARE", bad)
        get_settings.cache_clear()
        with pytest.raises(ValidationError, match="cases_index_rebuild_share"):
            get_settings()
    get_settings.cache_clear()
    assert os.environ["IPVALUE_CASES_INDEX_REBUILD_SHARE"] == "-0.1"


WORDS = ("cathode", "anode", "binder", "coating", "sodium", "lithium", "drink", "brand")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), min_size=2, max_size=14
    ),
    cuts=st.lists(st.integers(1, 13), max_size=4),
    base=st.integers(1, 6),
)
def test_replayed_log_answers_exactly_like_the_index_it_persisted(
    index_cache: Path, texts: list[list[str]], cuts: list[int], base: int
) -> None:
    """Property: however the growth is split into appended chunks (cases may repeat: a new
    version replaces its case's row), the loaded file + log scores every case exactly as the
    in-memory index that wrote them."""
    for f in index_cache.glob("*"):
        f.unlink()
    docs = [_doc(1 + i % 5 if i % 3 == 0 else 10 + i, " ".join(t)) for i, t in enumerate(texts)]
    base = min(base, len(docs) - 1)
    state = IndexState(0, "", 0, 0, SimilarityIndex(docs[:base]))
    state.last_id = base
    save_state(URL, 1, state)
    bounds = sorted({c for c in cuts if base < c < len(docs)} | {len(docs)})
    lo = base
    for hi in bounds:
        chunk = docs[lo:hi]
        after = state.last_id
        state.index.extend(chunk)
        state.last_id, state.seq, state.head_hash = hi, hi, f"h{hi}"
        append_state(URL, 1, state, chunk, after)
        lo = hi
    loaded = load_state(URL, 1)
    assert loaded is not None and loaded.last_id == len(docs)
    for words in texts[:3]:
        q = CaseProfile(
            "", "patent", "KR", "H01M4/04", "licensing", " ".join(words), None, None, {}
        )
        a, _ = state.index.scores(q)
        b, _ = loaded.index.scores(q)
        assert np.array_equal(a, b)
        assert loaded.index.query(q, top=5) == state.index.query(q, top=5)
