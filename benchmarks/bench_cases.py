"""Case store benchmark: save throughput and similar-case latency with 100,000 stored cases.

Usage::

    .venv/bin/python benchmarks/bench_cases.py [--cases 100000] [--saves 100] [--db URL]

Every figure is printed next to a baseline measured in the same run on the same database:

* save: ``CaseStore.save`` (parse → checks incl. deviation and anomaly → one transaction with
  the version, findings and audit entries) against a bare one-row INSERT per transaction.
  The valuation itself is precomputed once with the real engine (``examples/``) so the figure
  is the store's own cost; the engine's time for that case is printed separately.
* similar: a warm ``SimilarityIndex.query`` and a warm ``CaseStore.similar`` (read session,
  cache check, query) against a primary-key lookup; the one-off index build is printed too.
  Target: similar-case query ≤ 50 ms with 100,000 stored cases.
* growth: the case base grows by 10 % (``--growth``); the index is brought up to date
  incrementally (new rows appended with the build's TF-IDF vocabulary, persisted by appending
  to the index's log) against a full rebuild (``cases reindex``; what every 10 % growth cost
  before), then a new process loads the base and replays the log.
* audit: every bulk-inserted version gets a ``version.save`` entry vouching for its row (a
  chain as long as the case base); the audit part of ``cases show`` (``case_audit``) without a
  checkpoint (whole chain verified) against after ``audit checkpoint`` (entries after it only).

Descriptions and technology classes of the synthetic case base are real USPTO abstracts and
CPC codes (``../shared/data/patents/uspto_random_10000.csv.gz``, cycled); IP type,
jurisdiction, purpose and key parameters are drawn from a seeded generator.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "patents" / "uspto_random_10000.csv.gz"
EXAMPLE = ROOT / "examples" / "relief_from_royalty_patent.yaml"


#: Run in a new process: first similar-case query (loads the persisted index), then warm ones.
FRESH = """
import sys, time
t0 = time.perf_counter()
from ipvalue.cases import CaseStore
from ipvalue.core.db import make_engine
store = CaseStore(make_engine(sys.argv[1], pooled=False), migrate=False)
t1 = time.perf_counter()
store.similar("bench", 1, top=10)
t2 = time.perf_counter()
warm = []
for _ in range(20):
    t = time.perf_counter(); store.similar("bench", 1, top=10); warm.append(time.perf_counter() - t)
warm.sort()
print(f"    imports + engine {(t1 - t0) * 1000:8.1f} ms")
print(f"    first query (load persisted index + query) {(t2 - t1) * 1000:8.1f} ms")
print(f"    next queries median {warm[len(warm) // 2] * 1000:8.2f} ms")
"""


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def ms(xs: list[float]) -> str:
    arr = np.asarray(xs) * 1000
    return f"median {np.median(arr):8.2f} ms  p95 {np.percentile(arr, 95):8.2f} ms"


def bulk_cases(engine: Any, org_id: int, user_id: int, n: int, seed: int) -> None:
    """Insert ``n`` cases (header + version) directly, in chunks (benchmark setup only)."""
    from ipvalue.cases._models import Case, CaseVersion

    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        pats = pd.read_csv(fh, usecols=["abstract", "classifications_cpc"]).dropna()
    rng = np.random.default_rng(seed)
    abstracts = pats["abstract"].tolist()
    cpcs = [c.split(";")[0].replace(" ", "").upper() for c in pats["classifications_cpc"]]
    types = ["patent"] * 7 + ["trademark", "copyright", "trade_secret", "data_asset"]
    jurs = ["KR", "CN", "JP", "SG", "HK", "IN", "AU", "US"]
    purposes = [
        "licensing",
        "collateral",
        "transaction",
        "financial_reporting",
        "tax",
        "litigation",
    ]
    now = "2026-01-01T00:00:00Z"
    chunk = 5_000
    with engine.begin() as conn:
        start = conn.execute(select(Case.id).order_by(Case.id.desc()).limit(1)).scalar() or 0
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        heads, versions = [], []
        for i in range(lo, hi):
            cid = start + i + 1
            k = i % len(abstracts)
            heads.append(
                {
                    "id": cid,
                    "org_id": org_id,
                    "title": f"case {cid}",
                    "latest_version": 1,
                    "created_at": now,
                    "created_by": user_id,
                }
            )
            versions.append(
                {
                    "org_id": org_id,
                    "case_id": cid,
                    "version_no": 1,
                    "created_at": now,
                    "created_by": user_id,
                    "source_name": "bench",
                    "source_format": "yaml",
                    "source_text": "",
                    "case_json": "{}",
                    "resolved_json": "{}",
                    "result_json": "{}",
                    "content_sha256": "0" * 64,
                    "software_version": "bench",
                    "refdata_version": None,
                    "title": f"case {cid}",
                    "ip_type": types[rng.integers(len(types))],
                    "jurisdiction": jurs[rng.integers(len(jurs))],
                    "tech_class": cpcs[k],
                    "purpose": purposes[rng.integers(len(purposes))],
                    "description": abstracts[k],
                    "value": float(rng.lognormal(20, 1)),
                    "currency": "KRW",
                    "royalty_rate": float(rng.uniform(0.01, 0.08)),
                    "discount_rate": float(rng.uniform(0.08, 0.25)),
                    "economic_life": float(rng.integers(3, 15)),
                    "growth": None,
                    "contribution": float(rng.uniform(0.1, 0.5)),
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(Case), heads)
            conn.execute(insert(CaseVersion), versions)


def bulk_audit(engine: Any, org_id: int) -> int:
    """Append a ``version.save`` entry for every version without one (benchmark setup only):
    the hashes are real, so verification does its full work on them."""
    from ipvalue.cases._audit import append, canonical_json, entry_hash, row_sha256, utc_now
    from ipvalue.cases._models import AuditHead, CaseVersion

    del append  # the entries are built as append() builds them, in bulk
    with engine.begin() as conn:
        head = conn.execute(select(AuditHead).where(AuditHead.org_id == org_id)).one()
        seq, prev = head.seq, head.hash
        done = {
            int(r[0])
            for r in conn.execute(
                text(
                    "SELECT entity_id FROM audit_log WHERE org_id = :o AND entity = 'case_version'"
                ),
                {"o": org_id},
            )
        }
        rows = conn.execute(
            select(CaseVersion).where(CaseVersion.org_id == org_id).order_by(CaseVersion.id)
        ).all()
        batch = []
        for r in rows:
            if r.id in done:
                continue
            fields = dict(r._mapping)
            body = {
                "case_id": r.case_id,
                "version_no": r.version_no,
                "content_sha256": r.content_sha256,
                "findings": [],
                "row_sha256": row_sha256_of(fields, row_sha256),
            }
            seq += 1
            e = {
                "org_id": org_id,
                "seq": seq,
                "at": utc_now(),
                "actor": "alice",
                "action": "version.save",
                "entity": "case_version",
                "entity_id": str(r.id),
                "payload_json": canonical_json(body),
                "prev_hash": prev,
            }
            e["hash"] = prev = entry_hash(e)
            batch.append(e)
        if batch:
            conn.execute(
                text(
                    "INSERT INTO audit_log (org_id, seq, at, actor, action, entity, entity_id, "
                    "payload_json, prev_hash, hash) VALUES (:org_id, :seq, :at, :actor, :action, "
                    ":entity, :entity_id, :payload_json, :prev_hash, :hash)"
                ),
                batch,
            )
            conn.execute(
                text("UPDATE audit_head SET seq = :s, hash = :h WHERE org_id = :o"),
                {"s": seq, "h": prev, "o": org_id},
            )
    return len(batch)


def row_sha256_of(fields: dict[str, Any], row_sha256: Callable[[Any], str]) -> str:
    """``row_sha256`` of a version given as a column mapping (as the ORM row would give it)."""

    class _Row:
        __table__ = None

    from ipvalue.cases._models import CaseVersion

    row = _Row()
    row.__table__ = CaseVersion.__table__  # type: ignore[assignment]
    for k, v in fields.items():
        setattr(row, k, v)
    return row_sha256(row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--saves", type=int, default=100)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument(
        "--growth",
        type=float,
        default=0.1,
        help="share of cases added after the index build (growth section)",
    )
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    if not DATA.exists():
        sys.exit(f"missing {DATA}")

    import ipvalue
    from ipvalue.cases import CaseStore, profile_case, read_source
    from ipvalue.cases._intake import engine_evaluator
    from ipvalue.cases._models import Case, Organisation, User
    from ipvalue.core.db import make_engine, read_session

    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    os.environ["IPVALUE_CASES_INDEX_CACHE"] = str(Path(tmp.name) / "index-cache")
    engine = make_engine(url)
    source = read_source(EXAMPLE)
    engine_evaluator(source.data)  # warm-up: imports and reference data
    import sklearn.ensemble
    import sklearn.feature_extraction.text  # noqa: F401

    t = time.perf_counter()
    evaluation = engine_evaluator(source.data)
    engine_s = time.perf_counter() - t

    def precomputed(case: Any, seed: int | None = None) -> Any:
        return evaluation

    store = CaseStore(engine, evaluator=precomputed)
    print(f"database: {engine.dialect.name}; ipvalue {ipvalue.__version__}")
    print(
        f"valuation engine, example case, warm (not part of the save figures): "
        f"{engine_s * 1000:.1f} ms"
    )

    # ---- case base of args.cases cases
    store.save(source, org="bench", user="alice")
    with read_session(engine) as s:
        org_id = s.execute(select(Organisation.id).where(Organisation.code == "bench")).scalar_one()
        user_id = s.execute(select(User.id).where(User.username == "alice")).scalar_one()
    t = time.perf_counter()
    bulk_cases(engine, int(org_id), int(user_id), args.cases - 1, seed=42)
    print(f"setup: {args.cases:,} cases bulk-inserted in {time.perf_counter() - t:.1f} s")

    # ---- similar-case query
    with read_session(engine) as s:
        repo = store.org(s, "bench")
        t = time.perf_counter()
        index = store.index(repo)
        build_s = time.perf_counter() - t
    query = profile_case(source.data, evaluation.result)
    q_index = timed(lambda: index.query(query, top=10, exclude_case=1), args.queries)
    q_store = timed(lambda: store.similar("bench", 1, top=10), args.queries)

    def pk_lookup() -> None:
        with read_session(engine) as s:
            stmt = select(Case.title).where(Case.org_id == org_id, Case.id == args.cases // 2)
            s.execute(stmt).one()

    base = timed(pk_lookup, args.queries)
    print(f"\nsimilar cases with {len(index):,} stored cases (top 10; target <= 50 ms)")
    print(f"  index build (once per case base, persisted; extended on writes): {build_s:.2f} s")
    print(f"  baseline primary-key lookup     {ms(base)}")
    print(
        f"  SimilarityIndex.query           {ms(q_index)}  "
        f"ratio {np.median(q_index) / np.median(base):6.1f}x"
    )
    print(
        f"  CaseStore.similar (warm)        {ms(q_store)}  "
        f"ratio {np.median(q_store) / np.median(base):6.1f}x"
    )
    best = index.query(query, top=3, exclude_case=1)
    print("  best hits:", ", ".join(f"#{h.case_id} {h.score:.3f}" for h in best))
    fresh = subprocess.run(
        [sys.executable, "-c", FRESH, url],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    print("  new process (persisted index; what a CLI call pays):")
    print(fresh.stdout.rstrip())

    # ---- growth: incremental extension against a full rebuild, same new rows
    grown = int(args.cases * args.growth)
    bulk_cases(engine, int(org_id), int(user_id), grown, seed=43)
    # as saves would have: one audited entry per version, so the index sees the chain move
    t = time.perf_counter()
    entries = bulk_audit(engine, int(org_id))
    audit_setup_s = time.perf_counter() - t
    with read_session(engine) as s:
        repo = store.org(s, "bench")
        t = time.perf_counter()
        state = store.index_state(repo)
        inc_s = time.perf_counter() - t
    share = state.index.appended_share
    fresh = subprocess.run(
        [sys.executable, "-c", FRESH, url],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    t = time.perf_counter()
    store.reindex("bench")
    full_s = time.perf_counter() - t
    print(f"\nindex growth by {grown:,} cases ({args.growth:.0%}) to {len(state.index):,}")
    print(f"  full rebuild (cases reindex; every 10 % growth before) {full_s * 1000:10.1f} ms")
    print(
        f"  incremental (append rows, log on disk; share {share:.3f}) {inc_s * 1000:10.1f} ms"
        f"  ratio rebuild/incremental {full_s / inc_s:6.1f}x"
    )
    print("  new process after the growth (base + replayed log):")
    print(fresh.stdout.rstrip())

    # ---- audit: a chain as long as the case base, show's audit with and without checkpoint
    print(f"\naudit chain: {entries:,} version.save entries added in {audit_setup_s:.1f} s")
    t = time.perf_counter()
    report, mine = store.case_audit("bench", 1)
    no_cp = time.perf_counter() - t
    t = time.perf_counter()
    _, cp = store.checkpoint("bench", user="alice")
    cp_s = time.perf_counter() - t
    store.save(source, org="bench", user="alice", case_id=1)  # an entry after the checkpoint
    with_cp = timed(lambda: store.case_audit("bench", 1), 5)
    fast = store.case_audit("bench", 1)[0]
    print(
        f"  cases show audit, no checkpoint (whole chain, {report.entries:,} entries) "
        f"{no_cp * 1000:10.1f} ms"
    )
    print(f"  audit checkpoint (full verify + record)                 {cp_s * 1000:10.1f} ms")
    print(
        f"  cases show audit after the checkpoint ({fast.entries} entries) "
        f"{ms(with_cp)}  ratio {no_cp / statistics.median(with_cp):8.1f}x faster; "
        f"ok={fast.ok and report.ok}, {len(mine)} entries concern case 1"
    )
    assert cp is not None

    # ---- save throughput (on top of the full case base)
    def bare_insert() -> None:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO org_setting (org_id, key, value) VALUES (:o, :k, 'x')"),
                {"o": org_id, "k": f"b{time.perf_counter_ns()}"},
            )

    n = args.saves
    bare = timed(bare_insert, n)
    saves = timed(lambda: store.save(source, org="bench", user="alice", case_id=1), n)
    print(
        f"\nsave throughput over {n} saves (new versions of one case, "
        f"{args.cases + grown:,} cases stored, deviation + anomaly checks on)"
    )
    print(
        f"  baseline bare INSERT transaction {statistics.median(bare) * 1000:8.2f} ms  "
        f"{n / sum(bare):8.1f} /s"
    )
    ratio = statistics.median(saves) / statistics.median(bare)
    print(
        f"  CaseStore.save                   {statistics.median(saves) * 1000:8.2f} ms  "
        f"{n / sum(saves):8.1f} /s  ratio {ratio:.1f}x"
    )
    print(f"  audit chain intact: {store.verify('bench').ok}")
    engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
