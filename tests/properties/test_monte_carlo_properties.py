"""Hypothesis properties of the Monte Carlo layer on the real income kernels."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.model.distributions import Lognormal, Normal, Pert, Triangular, Uniform
from ipvalue.valuation.discounting import TaxAmortisation
from ipvalue.valuation.income import relief_from_royalty
from ipvalue.valuation.simulate import run_monte_carlo

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rfr_value(
    revenue1: Any,
    growth: Any,
    royalty: Any,
    rate: Any,
    *,
    tax: float,
    horizon: int,
    timing: str,
    tab_years: int | None,
) -> FloatArray:
    """Relief from royalty on an explicit revenue path Rev_t = Rev_1·(1+g)^(t-1)."""
    t = np.arange(horizon, dtype=np.float64)
    rev1, g = np.asarray(revenue1, float)[..., None], np.asarray(growth, float)[..., None]
    revenue = rev1 * (1.0 + g) ** t
    tab = None if tab_years is None else TaxAmortisation(tax, tab_years, timing)  # type: ignore[arg-type]
    return relief_from_royalty(
        revenue,
        royalty,
        tax,
        rate,
        timing=timing,
        tab=tab,
        invalid="nan",  # type: ignore[arg-type]
    ).value


cases = st.fixed_dictionaries(
    {
        "revenue1": st.floats(1e3, 1e8),
        "growth": st.floats(-0.05, 0.10),
        "royalty": st.floats(0.005, 0.2),
        "rate": st.floats(0.06, 0.25),
        "tax": st.floats(0.0, 0.4),
        "horizon": st.integers(1, 25),
        "timing": st.sampled_from(["end", "mid"]),
        "tab_years": st.none() | st.integers(5, 20),
        "seed": st.integers(0, 2**32),
    }
)


@SETTINGS
@given(case=cases)
def test_monte_carlo_mean_converges_to_the_deterministic_value(case: dict[str, Any]) -> None:
    """As every spread shrinks by ε, |E_MC[V] − V(point)| / V ≤ K·ε.

    With common random numbers the sampling error of the mean is first order in ε
    (≤ ε·Σ|∂lnV/∂x|·σ/√n ≈ 25ε/√2000 for a 25-year duration) and the convexity bias second
    order (½ε²·∂²lnV/∂r² ≲ 25²ε²/2 ≈ 3ε at ε = 1e-2); K = 20 bounds both. Every family is
    centred on the point value (lognormal mean, symmetric triangular and PERT), so a wrong
    parametrisation or a broken vectorisation of the kernel shows up as a bias that does not
    shrink with ε.
    """
    conv = {k: case[k] for k in ("tax", "horizon", "timing", "tab_years")}
    point = float(
        rfr_value(case["revenue1"], case["growth"], case["royalty"], case["rate"], **conv)
    )
    assert point > 0

    def evaluate(p: dict[str, FloatArray]) -> FloatArray:
        return rfr_value(p["revenue1"], p["growth"], p["royalty"], p["rate"], **conv)

    for eps in (1e-2, 1e-4, 1e-6):
        dists = {
            "revenue1": Lognormal(mean=case["revenue1"], sd=eps * case["revenue1"]),
            "growth": Triangular(
                low=case["growth"] - eps, mode=case["growth"], high=case["growth"] + eps
            ),
            "royalty": Pert(
                low=case["royalty"] * (1 - eps),
                mode=case["royalty"],
                high=case["royalty"] * (1 + eps),
            ),
            "rate": Normal(mean=case["rate"], sd=eps),
        }
        s = run_monte_carlo(evaluate, dists, paths=2000, seed=case["seed"], block_size=500)
        assert s.rejected == 0
        assert abs(s.mean - point) / point <= 20 * eps


@SETTINGS
@given(
    paths=st.integers(1, 3000),
    block_size=st.integers(50, 700),
    chunks=st.lists(st.integers(1, 4000), min_size=2, max_size=2),
    workers=st.integers(1, 3),
    seed=st.integers(0, 2**63),
    max_stored=st.sampled_from([1, 10**9]),
)
def test_chunking_never_changes_the_numbers(
    paths: int, block_size: int, chunks: list[int], workers: int, seed: int, max_stored: int
) -> None:
    """Chunk size, threads and replaying (instead of storing) never change the numbers."""
    dists = {"x": Lognormal(mean=1, sd=0.8), "y": Uniform(low=-1, high=1)}

    def f(p: dict[str, FloatArray]) -> FloatArray:
        return np.where(p["y"] > -0.9, p["x"] * p["y"], np.nan)

    runs = []
    for chunk_size, w, stored in ((chunks[0], 1, 10**9), (chunks[1], workers, max_stored)):
        try:
            runs.append(
                run_monte_carlo(
                    f,
                    dists,
                    paths=paths,
                    seed=seed,
                    block_size=block_size,
                    chunk_size=chunk_size,
                    workers=w,
                    correlation={("x", "y"): 0.4},
                    max_stored=stored,
                )
            )
        except InputError as e:  # every draw rejected (possible for tiny runs): in both
            runs.append(e)
    a, b = runs
    if isinstance(a, InputError):
        assert isinstance(b, InputError) and a.rule == b.rule
        return
    assert not isinstance(b, InputError)
    for key in ("mean", "std", "percentiles", "histogram", "n", "rejected", "minimum", "maximum"):
        assert getattr(a, key) == getattr(b, key)
    table = list(a.percentiles.values())
    assert table == sorted(table) and a.minimum <= table[0] and table[-1] <= a.maximum
    assert sum(a.histogram.counts) == a.n == paths - a.rejected
