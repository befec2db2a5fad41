"""S-curve life-cycle fit: exact logistic data are recovered; stages; undefined cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ipvalue.analytics.landscape_lifecycle import fit_lifecycle, logistic, stage_of
from ipvalue.core.errors import InputError


def yearly_from_logistic(k: float, r: float, t_m: float, years: range) -> pd.Series:
    t = np.arange(years.start - 1, years.stop, dtype=float)
    cumulative = logistic(t, k, r, t_m)
    return pd.Series(np.diff(cumulative), index=list(years))


def test_recovers_a_known_s_curve() -> None:
    # K = 1000, r = 0.6, t_m = 2010; data 2000-2016 reach 1000/(1+e^(-3.6)) = 97.3 % of K
    s = yearly_from_logistic(1000.0, 0.6, 2010.0, range(2000, 2017))
    fit = fit_lifecycle(s)
    assert fit is not None
    # the counts start after 1999, whose cumulative value (2.47) is missing from the series:
    # the fitted K is 1000 - 2.47 within 2 %
    before = logistic(np.array([1999.0]), 1000.0, 0.6, 2010.0)[0]
    assert fit.saturation == pytest.approx(1000.0 - before, rel=0.02)
    assert fit.rate == pytest.approx(0.6, rel=0.05)
    assert fit.midpoint == pytest.approx(2010.0, abs=0.2)
    assert fit.r2 > 0.999
    assert fit.stage == "saturation"  # 97 % of K
    # t_90 - t_10 = ln(81) / r
    assert fit.t90 - fit.t10 == pytest.approx(math.log(81) / fit.rate)


def test_growth_stage_when_half_way() -> None:
    s = yearly_from_logistic(500.0, 0.8, 2016.0, range(2005, 2016))  # ends before the midpoint
    fit = fit_lifecycle(s)
    assert fit is not None and fit.stage in ("emerging", "growth")
    assert fit.share_reached < 0.5


def test_exact_fit_is_s_shaped_not_undetermined() -> None:
    fit = fit_lifecycle(yearly_from_logistic(800.0, 0.5, 2012.0, range(2002, 2020)))
    assert fit is not None and fit.stage != "undetermined" and not fit.warnings


def test_stage_cutoffs() -> None:
    assert [stage_of(x) for x in (0.05, 0.1, 0.3, 0.7, 0.95)] == [
        "emerging",
        "growth",
        "growth",
        "maturity",
        "saturation",
    ]
    with pytest.raises(InputError):
        stage_of(0.5, (0.5, 0.2, 0.9))


def test_no_fit_when_data_cannot_support_it() -> None:
    assert fit_lifecycle(pd.Series({2015: 3, 2016: 4, 2017: 5})) is None  # too few years
    flat = pd.Series(dict.fromkeys(range(2000, 2012), 10.0))  # a straight cumulative line
    fit = fit_lifecycle(flat)
    # the logistic bends around the line (R² > 0.99) but cannot claim a stage
    assert fit is None or fit.stage == "undetermined"
    assert fit is None or "straight line" in fit.warnings[0]
    with pytest.raises(InputError):
        fit_lifecycle(pd.Series({2000: -1, 2001: 2, 2002: 3, 2003: 4, 2004: 5, 2005: 6}))
    with pytest.raises(InputError):
        fit_lifecycle(flat, min_years=2)
