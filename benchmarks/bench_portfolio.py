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
"""

from __future__ import annotations

import argparse
import time

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
            "asset": {"id": f"A{i}", "type": "patent", "name": f"patent {i}",
                      "remaining_legal_term_years": float(life[i])},
            "approaches": [{
                "method": "relief_from_royalty", "revenue": revenue[i].tolist(),
                "royalty_rate": float(royalty[i]), "tax_rate": 0.24,
                "discount_rate": float(rate[i]), "tab": {"period_years": 15},
            }],
        }
        for i in range(n)
    ]
    return PortfolioCase.model_validate({
        "id": "bench", "title": "bench", "purpose": "transaction",
        "valuation_date": "2025-01-01", "currency": "USD",
        "conventions": {"timing": "mid"}, "assets": assets,
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=100_000)
    ap.add_argument("--loop-subset", type=int, default=500)
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
    print(f"loop of single-asset value(): {t_loop_subset:.2f} s for {args.loop_subset} assets "
          f"-> {t_loop:.1f} s scaled to {args.assets:,}")
    print(f"ratio loop / vectorised: {t_loop / t_vec:.1f}x (target >= 100x)")
    print(f"warnings: {len(result.warnings):,}")
    print(f"reading every per-asset result object afterwards: {t_read:.2f} s "
          f"(ratio including it: {t_loop / (t_vec + t_read):.1f}x)")


if __name__ == "__main__":
    main()
