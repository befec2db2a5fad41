"""Comparables from deal records (pure core): hand-computed weights, recency, FX and quality
ratio on a tiny fixture; the weight cap as a property; cross-checks with the case engine."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.analytics.comparables import (
    ComparableOptions,
    ComparablesResult,
    DealRecord,
    PatentMatch,
    QualityScore,
    Subject,
    capped_weights,
    deal_matches,
    recency_factor,
    select_comparables,
)
from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.analytics.similar import build_index
from ipvalue.core.errors import InputError
from ipvalue.refdata import Figure

AS_OF = dt.date(2020, 1, 1)


def fake_fx(src: str, dst: str, on: dt.date) -> Figure:
    """1 JPY = 0.01 USD on every date (a test rate, not market data)."""
    assert (src, dst) == ("JPY", "USD")
    return Figure(0.01, "USD per JPY", "test", "JPY:USD", "rate", "test rate", on.isoformat())


def deal(where: str, pid: str, price: float, date: str, **kw: object) -> DealRecord:
    base: dict[str, object] = {"currency": "USD", "basis": "price"}
    base.update(kw)
    return DealRecord(where, pid, price, date=dt.date.fromisoformat(date), **base)  # type: ignore[arg-type]


# The tiny fixture. Ages at 2020-01-01: 2016-01-01 is 1,461 days = 4.0 years (365.25-day
# years), 2012-01-01 is 2,922 days = 8.0 years, so with a half-life of 4 years the recency
# factors are exactly 1, 0.5 and 0.25.
DEALS = (
    deal("d.csv:2", "P1", 1000.0, "2020-01-01", deal_id="D1"),
    deal("d.csv:3", "P2", 100_000.0, "2016-01-01", currency="JPY", deal_id="D2"),
    deal("d.csv:4", "P3", 2000.0, "2012-01-01", deal_id="D3", data_quality=0.5),
    deal("d.csv:5", "P4", 500.0, "2019-06-01", deal_id="D4"),
    deal("d.csv:6", "P5", 700.0, "2019-06-01", deal_id="D5"),
    deal("d.csv:7", "P1", 900.0, "2021-01-01", deal_id="D6"),
)
MATCHES = {
    "P1": PatentMatch("US-P1", 0.8),
    "P2": PatentMatch("US-P2", 0.5),
    "P3": PatentMatch("US-P3", 0.6),
    "P4": PatentMatch("US-P4", 0.05),
}
OPTS = ComparableOptions(as_of=AS_OF, recency_half_life=4.0, min_count=3, max_weight=0.5)


def run(**kw: object) -> object:
    args: dict[str, object] = {
        "options": OPTS,
        "subject": Subject("subject"),
        "fx": fake_fx,
    }
    args.update(kw)
    return select_comparables(DEALS, MATCHES, **args)  # type: ignore[arg-type]


def test_hand_computed_weights_recency_fx_and_value() -> None:
    res = run()
    assert [r.name for r in res.rows] == ["D1", "D3", "D2"]  # similarity 0.8, 0.6, 0.5
    by = {r.name: r for r in res.rows}
    # recency = 0.5 ** (age / 4): ages 0, 8, 4 years
    assert by["D1"].age_years == 0.0 and by["D1"].recency == 1.0
    assert by["D3"].age_years == pytest.approx(8.0, abs=1e-15) and by["D3"].recency == 0.25
    assert by["D2"].age_years == pytest.approx(4.0, abs=1e-15) and by["D2"].recency == 0.5
    # raw = s × r × q: 0.8 × 1 × 1 = 0.8; 0.6 × 0.25 × 0.5 = 0.075; 0.5 × 0.5 × 1 = 0.25
    assert by["D1"].raw_weight == pytest.approx(0.8)
    assert by["D3"].raw_weight == pytest.approx(0.075)
    assert by["D2"].raw_weight == pytest.approx(0.25)
    # normalised: 0.8 / 1.125 = 0.711 > cap 0.5 → D1 = 0.5; the other 0.5 is spread pro rata
    # over 0.25 and 0.075: D2 = 0.5 × 0.25 / 0.325 = 5/13, D3 = 0.5 × 0.075 / 0.325 = 1.5/13
    assert by["D1"].weight == pytest.approx(0.5) and by["D1"].capped
    assert by["D2"].weight == pytest.approx(5 / 13) and not by["D2"].capped
    assert by["D3"].weight == pytest.approx(1.5 / 13)
    # FX: 100,000 JPY × 0.01 USD per JPY = 1,000 USD, recorded with its source
    assert by["D2"].unit_price == pytest.approx(1000.0)
    assert by["D2"].fx is not None and by["D2"].fx.rate == 0.01
    assert by["D2"].fx.source == "test rate" and by["D2"].fx.reference_date == "2016-01-01"
    assert by["D1"].fx is None  # already USD
    # V = 0.5 × 1000 + 5/13 × 1000 + 1.5/13 × 2000 = 500 + 8000/13
    assert res.indicative_value == pytest.approx(500 + 8000 / 13)
    # spread = (2000 − 1000) / V
    assert res.spread == pytest.approx(1000 / (500 + 8000 / 13))
    assert res.quality_adjustment == "none" and res.basis == "price"


def test_exclusions_are_reported_with_reasons() -> None:
    res = run()
    reasons = {e.where: e.reason for e in res.excluded}
    assert reasons["d.csv:5"] == "similarity below 0.1"
    assert reasons["d.csv:6"] == "patent not in the corpus"
    assert "look-ahead" in reasons["d.csv:7"]
    assert any("not in the corpus: P5" in w for w in res.warnings)
    assert any("look-ahead" in w and "d.csv:7" in w for w in res.warnings)


def test_quality_ratio_hand_computed() -> None:
    qualities = {
        "P1": QualityScore("1", 0.3),
        "P2": QualityScore("2", 0.6),
        "P3": QualityScore("3", 1.2),
    }
    res = run(qualities=qualities, subject=Subject("subject", quality=0.6))
    by = {r.name: r for r in res.rows}
    # Q/Q_i = 0.6/0.3 = 2, 0.6/0.6 = 1, 0.6/1.2 = 0.5
    assert [by[n].quality_ratio for n in ("D1", "D2", "D3")] == pytest.approx([2, 1, 0.5])
    # V = 0.5 × 1000 × 2 + 5/13 × 1000 × 1 + 1.5/13 × 2000 × 0.5 = 1000 + 6500/13 = 1500
    assert res.indicative_value == pytest.approx(1500.0)
    block = res.validated_block()
    assert block["quality_adjustment"] == "ratio" and block["subject_quality"] == 0.6
    assert [c["patent_id"] for c in block["comparables"]] == ["1", "3", "2"]
    assert [c["quality_score"] for c in block["comparables"]] == [0.3, 1.2, 0.6]


def test_comparable_without_quality_is_excluded_and_reported() -> None:
    qualities = {"P1": QualityScore("1", 0.3), "P2": QualityScore("2", None)}
    with pytest.raises(InputError) as exc:
        run(qualities=qualities, subject=Subject("s", quality=0.6))
    assert "only 1 deals" in exc.value.rule
    assert (
        "quality score missing" in exc.value.rule and "no row in the indicators" in exc.value.rule
    )
    res = run(
        qualities=qualities,
        subject=Subject("s", quality=0.6),
        options=ComparableOptions(as_of=AS_OF, min_count=1, max_weight=None),
    )
    assert [r.name for r in res.rows] == ["D1"]
    reasons = {e.where: e.reason for e in res.excluded}
    assert reasons["d.csv:3"] == "quality score missing or not > 0"
    assert reasons["d.csv:4"] == "no row in the indicators file"


def test_unknown_subject_quality_leaves_it_to_the_case() -> None:
    qualities = {p: QualityScore(p, 0.5) for p in ("P1", "P2", "P3")}
    res = run(qualities=qualities)
    assert res.indicative_value is None and res.spread is None
    block = res.validated_block()
    assert "subject_quality" not in block and block["quality_adjustment"] == "ratio"
    assert any("subject's quality score is unknown" in w for w in res.warnings)


def test_too_few_comparables_names_each_reason() -> None:
    with pytest.raises(InputError) as exc:
        run(options=ComparableOptions(as_of=AS_OF, min_count=4, max_weight=None))
    rule = exc.value.rule
    assert exc.value.field == "comparables" and "only 3 deals" in rule and "at least 4" in rule
    assert "1 patent not in the corpus" in rule and "1 similarity below 0.1" in rule


def test_infeasible_cap_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        run(options=ComparableOptions(as_of=AS_OF, max_weight=0.3))
    assert exc.value.field == "--max-weight" and "0.3 × 3 comparables < 1" in exc.value.rule


def test_mixed_bases_refused_naming_rows_and_basis_filter() -> None:
    deals = (*DEALS[:2], deal("d.csv:4", "P3", 0.04, "2012-01-01", basis="royalty_rate"))
    with pytest.raises(InputError) as exc:
        select_comparables(deals, MATCHES, options=OPTS, subject=Subject("s"), fx=fake_fx)
    assert "d.csv:4 (royalty_rate)" in exc.value.rule and "d.csv:2 (price)" in exc.value.rule
    assert "--basis" in exc.value.rule
    res = select_comparables(
        deals,
        MATCHES,
        options=ComparableOptions(as_of=AS_OF, min_count=2, basis="price", max_weight=None),
        subject=Subject("s"),
        fx=fake_fx,
    )
    assert [r.name for r in res.rows] == ["D1", "D2"]
    assert {e.where: e.reason for e in res.excluded}["d.csv:4"] == "basis royalty_rate, not price"


def test_royalty_rates_are_not_converted_and_warn_without_scale() -> None:
    deals = tuple(
        deal(f"r.csv:{i}", p, rate, "2019-01-01", basis="royalty_rate", currency=None)
        for i, (p, rate) in enumerate((("P1", 0.05), ("P2", 0.03), ("P3", 0.04)), start=2)
    )
    res = select_comparables(
        deals,
        MATCHES,
        options=ComparableOptions(as_of=AS_OF, max_weight=None),
        subject=Subject("s"),
        fx=lambda *a: pytest.fail("royalty rates must not be converted"),  # type: ignore[arg-type,return-value]
    )
    assert [r.unit_price for r in res.rows] == [0.05, 0.04, 0.03]
    assert any("subject_scale 1" in w for w in res.warnings)
    scaled = select_comparables(
        deals,
        MATCHES,
        options=ComparableOptions(as_of=AS_OF, subject_scale=2e6),
        subject=Subject("s"),
    )
    assert scaled.approach_block()["subject_scale"] == 2e6
    assert not any("subject_scale" in w for w in scaled.warnings)


def test_top_keeps_the_most_similar_then_newest() -> None:
    deals = (
        deal("t:2", "P2", 10.0, "2015-01-01", deal_id="old"),
        deal("t:3", "P2", 10.0, "2018-01-01", deal_id="new"),
        deal("t:4", "P1", 10.0, "2010-01-01", deal_id="best"),
    )
    res = select_comparables(
        deals,
        MATCHES,
        options=ComparableOptions(as_of=AS_OF, top=2, min_count=2, max_weight=None),
        subject=Subject("s"),
    )
    assert [r.name for r in res.rows] == ["best", "new"]
    assert {e.where: e.reason for e in res.excluded}["t:2"] == "beyond --top 2"


def test_subject_own_deal_is_not_a_comparable() -> None:
    res = run(
        subject=Subject("P1", pub_id="US-P1"),
        options=ComparableOptions(as_of=AS_OF, min_count=2, max_weight=None),
    )
    assert [r.name for r in res.rows] == ["D3", "D2"]
    assert {e.where: e.reason for e in res.excluded}["d.csv:2"] == "the subject patent itself"


def test_real_fx_rate_of_the_deal_date_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipvalue.core.settings import get_settings

    deals = (
        deal("k:2", "P1", 1_000_000.0, "2019-06-30", currency="KRW"),  # a Sunday
        deal("k:3", "P2", 1000.0, "2019-06-30"),
        deal("k:4", "P3", 1000.0, "2019-06-30"),
    )

    def run_real() -> ComparablesResult:
        return select_comparables(
            deals,
            MATCHES,
            options=ComparableOptions(as_of=AS_OF, max_weight=None),
            subject=Subject("s"),
        )

    res = run_real()
    row = res.rows[0]
    # ECB rates of Friday 2019-06-28 (the latest on or before the Sunday): USD 1.138 and
    # KRW 1315.35 per EUR, so USD per KRW = 1.138 / 1315.35 = 0.000865169 and the deal is
    # 1,000,000 × 0.000865169 = USD 865.169
    assert row.fx is not None and row.fx.rate == pytest.approx(1.138 / 1315.35, rel=1e-15)
    assert row.unit_price == pytest.approx(865.1689664, rel=1e-9)
    assert row.fx.reference_date == "2019-06-28" and row.fx.flags == ()
    assert row.fx.source is not None and "European Central Bank" in row.fx.source
    assert not any(w.startswith("KRW→USD") for w in res.warnings)  # a weekend is no gap
    assert "KRW" in res.approach_block()["comparables"][0]["source"]
    # with a 1-day tolerance the 2-day weekend gap is reported
    monkeypatch.setenv("IPVALUE_FX_MAX_GAP_DAYS", "1")
    get_settings.cache_clear()
    try:
        warned = run_real()
    finally:
        get_settings.cache_clear()
    (w,) = [w for w in warned.warnings if w.startswith("KRW→USD")]
    assert "the rate of 2019-06-28 converted deals dated 2019-06-30" in w
    assert "look-ahead" not in w


def test_block_values_in_the_case_engine_as_computed_here() -> None:
    from ipvalue.model.approaches import MarketComparables
    from ipvalue.valuation.market import Comparable, comparable_transactions

    res = run()
    block = MarketComparables.model_validate(res.validated_block())
    engine = comparable_transactions(
        [
            Comparable(
                c.name, c.unit_price, similarity=c.similarity, recency=c.recency, quality=c.quality
            )
            for c in block.comparables
        ],
        subject_scale=block.subject_scale,
        c_min=0.5,
        c_max=2.0,
        min_count=block.min_comparables,
        max_weight=block.max_weight,
    )
    assert float(engine.value) == pytest.approx(res.indicative_value, rel=1e-12)
    assert [a.weight for a in engine.comparables] == pytest.approx([r.weight for r in res.rows])


def test_block_refuses_what_the_case_model_refuses() -> None:
    res = run()
    long = DealRecord("x", "P1", 1.0, "USD", AS_OF, "price", deal_id="D" * 301)
    bad = type(res.rows[0])(**{**res.rows[0].__dict__, "deal": long})
    from dataclasses import replace

    with pytest.raises(InputError) as exc:
        replace(res, rows=(bad, *res.rows[1:])).validated_block()
    assert exc.value.field == "approach.comparables.0.name"


@pytest.mark.parametrize(
    ("kw", "option"),
    [
        ({"currency": "usd"}, "--currency"),
        ({"recency_half_life": 0.0}, "--recency-half-life"),
        ({"top": 0}, "--top"),
        ({"min_similarity": 0.0}, "--min-similarity"),
        ({"min_count": 0}, "--min-count"),
        ({"min_count": 11}, "--min-count"),
        ({"max_weight": 1.5}, "--max-weight"),
        ({"basis": "barter"}, "--basis"),
        ({"subject_scale": math.inf}, "--subject-scale"),
    ],
)
def test_bad_options(kw: dict[str, object], option: str) -> None:
    with pytest.raises(InputError) as exc:
        ComparableOptions(as_of=AS_OF, **kw).validate()  # type: ignore[arg-type]
    assert exc.value.field == option


def test_recency_factor_values() -> None:
    assert recency_factor(0.0, 5.0) == 1.0
    assert recency_factor(5.0, 5.0) == 0.5
    assert recency_factor(15.0, 5.0) == 0.125  # three half-lives: 0.5³
    with pytest.raises(InputError):
        recency_factor(-0.1, 5.0)
    with pytest.raises(InputError):
        recency_factor(1.0, 0.0)


@given(
    age=st.floats(0, 200, allow_nan=False),
    extra=st.floats(0, 50, allow_nan=False),
    half=st.floats(0.1, 50, allow_nan=False),
)
def test_recency_in_unit_interval_and_decreasing(age: float, extra: float, half: float) -> None:
    r = recency_factor(age, half)
    assert 0.0 <= r <= 1.0
    assert recency_factor(age + extra, half) <= r


raw_weights = st.lists(
    st.floats(1e-12, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=25
)


@settings(max_examples=300, deadline=None)  # timing varies on a shared 2-core machine
@given(raw=raw_weights, cap=st.floats(0.01, 1.0))
def test_capped_weights_properties(raw: list[float], cap: float) -> None:
    if cap * len(raw) < 1 - 1e-12:
        with pytest.raises(InputError):
            capped_weights(raw, cap)
        return
    w, capped = capped_weights(raw, cap)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert (w >= 0).all() and (w <= cap + 1e-9).all()
    r = np.asarray(raw)
    # the cap never reverses an order: a larger raw weight keeps a weight at least as large
    for i in range(len(r)):
        for j in range(len(r)):
            if r[i] > r[j]:
                assert w[i] >= w[j] - 1e-12
    # weights below the cap stay proportional to their raw weights
    free = (~capped) & (r > 0)
    if free.sum() >= 2:
        ratios = w[free] / r[free]
        assert ratios == pytest.approx(np.full(free.sum(), ratios[0]), rel=1e-9)


@given(raw=raw_weights)
def test_capped_weights_without_cap_normalise_only(raw: list[float]) -> None:
    w, capped = capped_weights(raw, None)
    assert w == pytest.approx(np.asarray(raw) / sum(raw))
    assert not capped.any()


def test_capped_weights_hand_example() -> None:
    # raw 6, 3, 1 → 0.6, 0.3, 0.1; cap 0.5: first = 0.5, the other 0.5 spread 3:1 → 0.375, 0.125
    w, capped = capped_weights([6, 3, 1], 0.5)
    assert w == pytest.approx([0.5, 0.375, 0.125]) and capped.tolist() == [True, False, False]
    # zero and subnormal raw weights are refused (hypothesis found that a subnormal share makes
    # the pro-rata factor overflow to inf and the weights NaN)
    for bad in ([0.0, 1.0], [1.0, 2.2e-311, 0.5], [1.0, math.nan]):
        with pytest.raises(InputError):
            capped_weights(bad, 0.5)


def test_recency_underflow_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        run(options=ComparableOptions(as_of=AS_OF, recency_half_life=0.001))
    assert exc.value.field == "--recency-half-life" and "underflow" in exc.value.rule


def test_deal_matches_on_a_corpus() -> None:
    frame = pd.DataFrame(
        {
            "pub_id": ["US-1000001-B2", "US-1000002-B2", "US-1000003-B2", "US-1000004-B2"],
            "title": [
                "lithium battery cathode",
                "lithium battery anode",
                "battery charger circuit",
                "golf club head",
            ],
            "abstract": ["", "", "", ""],
            "classes": ["H01M4/131", "H01M4/133", "H02J7/00", "A63B53/04"],
            "date": ["2010-01-05"] * 4,
        }
    )
    index = build_index(corpus_from_frame(frame))
    deals = (
        deal("m:2", "us 1000002 b2", 1.0, "2015-01-01"),  # another spelling of a corpus id
        deal("m:3", "US-1000004-B2", 1.0, "2015-01-01"),
        deal("m:4", "US-9999999-B2", 1.0, "2015-01-01"),
        deal("m:5", "US-1000001-B2", 1.0, "2015-01-01"),
    )
    subject, matches, formula = deal_matches(index, deals, patent="US-1000001-B2")
    assert subject.pub_id == "US-1000001-B2" and "class cosine" in formula
    assert matches["us 1000002 b2"].pub_id == "US-1000002-B2"
    assert matches["us 1000002 b2"].similarity > 0.3
    assert matches["US-1000004-B2"].similarity == 0.0  # shares no word and no class
    assert "US-9999999-B2" not in matches
    assert matches["US-1000001-B2"].pub_id == subject.pub_id


def test_unconvertible_currency_names_the_deal_row() -> None:
    # the packaged FX table has no TWD rate
    deals = (deal("t.csv:9", "P1", 1000.0, "2019-01-01", currency="TWD"), *DEALS[1:3])
    with pytest.raises(InputError) as exc:
        select_comparables(
            deals, MATCHES, options=ComparableOptions(as_of=AS_OF), subject=Subject("s")
        )
    assert exc.value.field == "t.csv:9" and exc.value.rule.startswith("column currency: fx TWD")
