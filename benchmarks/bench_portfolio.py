"""Portfolio: N assets in one vectorised pass vs a loop calling the single-asset function.

Both paths start from validated case models. The loop is timed on a subset of assets and
scaled linearly to N (stated in the output); target ratio >= 100x. The vectorised result keeps
per-asset results as arrays and builds the per-asset objects when they are read; a second
figure adds reading every one of them (``tuple(result.assets)``, ``tuple(result.approaches)``,
``tuple(result.warnings)`` — per-asset warnings such as ``life_cap`` are built when read too),
as printing or serialising the result does, so both costs are on record. Times are process CPU
time (``time.process_time``): on a shared machine wall-clock time mostly measures the load of
other processes. Both paths run in this process, after one warm-up call.

    .venv/bin/python benchmarks/bench_portfolio.py [--assets 100000] [--loop-subset 500]
        [--evidence-rows 2000000]

With ``--evidence-rows N`` (> 0) an evidence variant follows in the same run: an indicators
file of N generated patents (Parquet, with cohorts, dates and the twelve indicators) and a
cycle-time file; the same portfolio, but without the legal terms written in the case, names
one patent per asset, so the terms come from the file's expiry dates (exactly the written
terms, checked). Reported: the pass with evidence against the pass without, and reading every
per-asset evidence object (rows, peer tables, assumptions, warnings).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np

from ipvalue.model.case import ValuationCase
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.valuation.engine import value
from ipvalue.valuation.portfolio import asset_case, value_portfolio


def build(n: int, seed: int = 7) -> PortfolioCase:
    rng = np.random.default_rng(seed)
    revenue = rng.uniform(1e5, 1e7, (n, 5))
    royalty = rng.uniform(0.01, 0.08, n)
    rate = rng.uniform(0.08, 0.2, n)
    life = rng.uniform(3, 15, n)
    assets = [
        {
            "asset": {
                "id": f"A{i}",
                "type": "patent",
                "name": f"patent {i}",
                "remaining_legal_term_years": float(life[i]),
            },
            "approaches": [
                {
                    "method": "relief_from_royalty",
                    "revenue": revenue[i].tolist(),
                    "royalty_rate": float(royalty[i]),
                    "tax_rate": 0.24,
                    "discount_rate": float(rate[i]),
                    "tab": {"period_years": 15},
                }
            ],
        }
        for i in range(n)
    ]
    return PortfolioCase.model_validate(
        {
            "id": "bench",
            "title": "bench",
            "purpose": "transaction",
            "valuation_date": "2025-01-01",
            "currency": "USD",
            "conventions": {"timing": "mid"},
            "assets": assets,
        }
    )


def write_evidence(folder: Path, rows: int, seed: int = 3) -> tuple[Path, Path]:
    """Indicators (Parquet) of ``rows`` generated patents ``P0…`` and a cycle-time file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    grant = rng.integers(10_957, 20_089, rows)  # 2000-01-01 .. 2025-01-01 as day numbers
    filing = grant - rng.integers(300, 1500, rows)
    expiry = filing + 7305 + rng.integers(0, 900, rows)
    years = 1970 + (grant // 365.25).astype(int)
    cohort = np.char.add(
        years.astype(str), np.array([" section H", " section G"])[rng.integers(0, 2, rows)]
    )
    empty = rng.random(rows) < 0.1  # undefined cells stay empty
    cols = {
        "patent_id": pa.array([f"P{i}" for i in range(rows)]),
        "grant_date": pa.array(grant.astype("datetime64[D]")),
        "filing_date": pa.array(filing.astype("datetime64[D]")),
        "expiry_date": pa.array(expiry.astype("datetime64[D]")),
        "cohort": pa.array(cohort),
        "window_complete": pa.array(grant < 18_000),
        "fwd_cits5": pa.array(rng.poisson(3, rows).astype(float)),
        "bwd_cits": pa.array(rng.poisson(12, rows).astype(float)),
        "patent_scope": pa.array(rng.integers(1, 6, rows).astype(float)),
        "claims": pa.array(rng.integers(1, 40, rows).astype(float)),
        "grant_lag": pa.array((grant - filing).astype(float)),
        "generality": pa.array(rng.random(rows), mask=empty),
        "originality": pa.array(rng.random(rows), mask=empty),
        "radicalness": pa.array(rng.random(rows)),
        "tct": pa.array(rng.gamma(4, 2, rows)),
        "family_size": pa.array(rng.integers(1, 8, rows).astype(float)),
        "quality_index": pa.array(rng.random(rows)),
        "remaining_life": pa.array((expiry - 20_089) / 365.25),
    }
    ind = folder / "indicators.parquet"
    pq.write_table(pa.table(cols), ind)
    ct = folder / "cycle_time.csv"
    ct.write_text("scheme,code,n_patents,n_ages,q1,q2,q3\nIPC,H01L,100,900,2.6,5.0,9.2\n")
    return ind, ct


def evidence_case(
    case: PortfolioCase, ind: Path, ct: Path, rows: int
) -> tuple[PortfolioCase, PortfolioCase]:
    """The portfolio with its terms rounded to whole days written in the case, and the same
    portfolio with them left out, each asset naming a patent whose expiry date gives exactly
    that term at the valuation date."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(case.assets)
    picks = np.random.default_rng(5).choice(rows, size=n, replace=False)
    vdate = (case.valuation_date - dt.date(1970, 1, 1)).days
    terms = np.array([it.asset.remaining_legal_term_years for it in case.assets])
    # expiry so that (expiry − valuation date) days / 365.25 is the term: whole days
    days = np.round(terms * 365.25).astype(np.int64)
    table = pq.read_table(ind)
    expiry = table.column("expiry_date").to_numpy().astype("datetime64[D]").astype(np.int64)
    expiry[picks] = vdate + days
    table = table.set_column(
        table.schema.get_field_index("expiry_date"),
        "expiry_date",
        pa.array(expiry.astype("datetime64[D]")),
    )
    pq.write_table(table, ind)
    data = case.model_dump(exclude_none=True)
    for k, item in enumerate(data["assets"]):
        item["asset"]["remaining_legal_term_years"] = float(days[k] / 365.25)
    written = PortfolioCase.model_validate(data)
    for k, item in enumerate(data["assets"]):
        del item["asset"]["remaining_legal_term_years"]
        item["patent_evidence"] = {"patent_id": f"P{int(picks[k])}"}
    data["patent_evidence"] = {
        "indicators_file": str(ind),
        "cycle_time_file": str(ct),
        "cycle_time_code": "H01L",
    }
    return written, PortfolioCase.model_validate(data)


def bench_evidence(case: PortfolioCase, rows: int) -> None:
    """Evidence variant: same portfolio, terms from the file, against terms written."""
    with tempfile.TemporaryDirectory() as tmp:
        ind, ct = write_evidence(Path(tmp), rows)
        written, with_ev = evidence_case(case, ind, ct, rows)
        t0 = time.process_time()
        base = value_portfolio(written)
        t_base = time.process_time() - t0
        t0 = time.process_time()
        ev = value(with_ev)
        t_ev = time.process_time() - t0
        t0 = time.process_time()
        steps = {t.step: t for t in ev.trace}
        tuple(steps["patent_evidence"].rows), tuple(steps["patent_evidence.peers"].rows)
        tuple(steps["patent_evidence.assumptions"].rows), tuple(ev.warnings)
        t_read = time.process_time() - t0
    same = [a.value for a in ev.assets] == [a.value for a in base.assets]
    assert same, "values with evidence differ from values with the same terms written"
    d = steps["patent_evidence"].detail
    print(f"evidence variant: {len(case.assets):,} assets, indicators file of {rows:,} patents")
    print(f"  pass without evidence (terms written in the case): {t_base:.2f} s")
    print(
        f"  pass with evidence (files read, ids found, terms filled, quality peers): "
        f"{t_ev:.2f} s -> added {t_ev - t_base:.2f} s ({t_ev / t_base:.2f}x)"
    )
    print(
        f"  reading every per-asset evidence object (rows, {len(case.assets) * 12:,} peer "
        f"rows, assumptions, warnings): {t_read:.2f} s"
    )
    print(f"  legal terms filled: {d['legal_term_filled']:,}; warnings: {d['warnings_by_code']}")
    print("  values equal to the written-term portfolio: yes")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=100_000)
    ap.add_argument("--loop-subset", type=int, default=500)
    ap.add_argument("--evidence-rows", type=int, default=2_000_000)
    args = ap.parse_args()
    case = build(args.assets)
    singles: list[ValuationCase] = [asset_case(case, i) for i in range(args.loop_subset)]

    value(singles[0])  # warm caches (refdata, adapters) for both paths
    t0 = time.process_time()
    result = value_portfolio(case)
    t_vec = time.process_time() - t0
    t0 = time.process_time()
    tuple(result.assets), tuple(result.approaches), tuple(result.warnings)
    t_read = time.process_time() - t0

    t0 = time.process_time()
    loop_values = [value(c).value for c in singles]
    t_loop_subset = time.process_time() - t0
    t_loop = t_loop_subset * args.assets / args.loop_subset

    vec_values = [a.value for a in result.assets[: args.loop_subset]]
    assert vec_values == loop_values, "portfolio values differ from single-asset values"
    print(f"assets: {args.assets:,}")
    print(f"vectorised portfolio pass: {t_vec:.2f} s")
    print(
        f"loop of single-asset value(): {t_loop_subset:.2f} s for {args.loop_subset} assets "
        f"-> {t_loop:.1f} s scaled to {args.assets:,}"
    )
    print(f"ratio loop / vectorised: {t_loop / t_vec:.1f}x (target >= 100x)")
    print(f"warnings: {len(result.warnings):,}")
    print(
        f"reading every per-asset result object afterwards: {t_read:.2f} s "
        f"(ratio including it: {t_loop / (t_vec + t_read):.1f}x)"
    )
    if args.evidence_rows > 0:
        bench_evidence(case, max(args.evidence_rows, args.assets))


if __name__ == "__main__":
    main()
