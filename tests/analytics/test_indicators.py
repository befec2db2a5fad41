"""Every indicator on the hand-computed fixture (tests/data/patentsview_mini), arithmetic shown.

Fixture (grant date, filing date, CPC codes; all references are in g_us_patent_citation unless
said otherwise):

* P1 1000001  2010-01-05  2008-01-05  H01M10/0525, H01M4/13, G06F1/16   ext 100 d, WIPO 1
* P2 1000002  2011-03-01  2009-06-15  H01M2/10, B60L11/18   cites P1, US5000000 (1999-07-00),
  US application 20080012345, JP 2005123456                              WIPO 1
* P3 1000003  2014-12-30  2012-02-01  G06F3/041   cites P1 (twice), P2   WIPO 6
* P4 1000004  2015-01-05  2013-01-01  H01M10/44, H02J7/00   cites P1, P2 WIPO 1
* P5 1000005  2012-06-05  2010-06-05  (no class, no claims)  cites P1, P2
* P6 1000006  2015-01-06  2013-01-06  Y02E60/10   cites P1              WIPO 1
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ipvalue.analytics import IndicatorOptions, compute_indicators

VDATE = date(2025, 1, 1)


def _rows(db: Path, **kw: object) -> dict[str, dict[str, object]]:
    t = compute_indicators(db, IndicatorOptions(valuation_date=VDATE, **kw))  # type: ignore[arg-type]
    return {r["patent_id"]: r for r in t.to_pylist()}


@pytest.fixture(scope="module")
def rows(mini_db: Path) -> dict[str, dict[str, object]]:
    return _rows(mini_db)


def test_fwd_cits5_window_is_0_to_1826_days_inclusive(rows: dict) -> None:
    # P1 granted 2010-01-05; 2010-01-05 + 1826 d = 2015-01-05 (5×365 + 1 leap day 2012).
    # citing: P2 (420 d), P5 (882 d), P3 (1820 d), P4 (1826 d, boundary, in); P6 (1827 d, out).
    assert rows["1000001"]["fwd_cits5"] == 4
    # P2 granted 2011-03-01: P5 (462 d), P3 (1400 d), P4 (1406 d) → 3
    assert rows["1000002"]["fwd_cits5"] == 3
    assert rows["1000006"]["fwd_cits5"] == 0  # nobody cites P6: a known zero, not unknown


def test_bwd_cits_counts_distinct_patent_documents(rows: dict) -> None:
    # P2: P1 + US5000000 + application 20080012345 + JP 2005123456 = 4
    assert rows["1000002"]["bwd_cits"] == 4
    # P3 cites P1 twice (seq 0 and 2) and P2 → 2 distinct documents
    assert rows["1000003"]["bwd_cits"] == 2
    assert rows["1000001"]["bwd_cits"] == 0


def test_scope_claims_grant_lag(rows: dict) -> None:
    assert rows["1000001"]["patent_scope"] == 2  # {H01M, G06F}
    assert rows["1000005"]["patent_scope"] is None  # unclassified: unknown, not 0
    assert rows["1000003"]["claims"] == 20
    assert rows["1000005"]["claims"] is None  # num_claims empty in g_patent
    assert rows["1000001"]["grant_lag"] == 731  # 2008-01-05 → 2010-01-05, 2008 is leap: 366 + 365
    assert rows["1000002"]["grant_lag"] == (date(2011, 3, 1) - date(2009, 6, 15)).days == 624


def test_generality_oecd_fractional(rows: dict) -> None:
    # citing P1 and classified: P2 {H01M ½, B60L ½}, P3 {G06F 1}, P4 {H01M ½, H02J ½}, P6 {Y02E 1};
    # P5 is unclassified and not counted. N = 4.
    # s_H01M = (½+½)/4 = .25, s_B60L = .125, s_G06F = .25, s_H02J = .125, s_Y02E = .25
    # Σs² = .0625 + .015625 + .0625 + .015625 + .0625 = .21875 → G = .78125
    assert rows["1000001"]["generality"] == pytest.approx(0.78125, abs=1e-15)
    # P2 cited by P3 {G06F}, P4 {H01M ½, H02J ½}, P5 (unclassified): N = 2
    # s_G06F = .5, s_H01M = .25, s_H02J = .25 → 1 − (.25 + .0625 + .0625) = .625
    assert rows["1000002"]["generality"] == pytest.approx(0.625, abs=1e-15)
    assert rows["1000003"]["generality"] is None  # never cited


def test_generality_hjt_with_bias_correction(mini_db: Path) -> None:
    r = _rows(mini_db, generality="hjt", bias_correction=True)
    # first subclass of each citing patent of P1: P2 H01M, P3 G06F, P4 H01M, P6 Y02E (N = 4)
    # shares ½, ¼, ¼ → G = 1 − (.25 + .0625 + .0625) = .625; × N/(N−1) = 4/3 → .8333…
    assert r["1000001"]["generality"] == pytest.approx(0.625 * 4 / 3, rel=1e-15)
    # P2: first subclasses P3 G06F, P4 H01M → G = .5, × 2/1 = 1.0
    assert r["1000002"]["generality"] == pytest.approx(1.0, rel=1e-15)
    # P6 originality from one cited patent: N = 1 → undefined with the correction
    assert r["1000006"]["originality"] is None


def test_originality_oecd(rows: dict) -> None:
    # P3 cites P1 {H01M ⅔, G06F ⅓} and P2 {H01M ½, B60L ½}: N = 2
    # s_H01M = (⅔+½)/2 = 7/12, s_G06F = 1/6, s_B60L = 1/4 → 1 − (49 + 4 + 9)/144 = 82/144
    assert rows["1000003"]["originality"] == pytest.approx(82 / 144, rel=1e-14)
    # P2 cites P1 only (others are not in the data): 1 − (4/9 + 1/9) = 4/9
    assert rows["1000002"]["originality"] == pytest.approx(4 / 9, rel=1e-14)
    assert rows["1000001"]["originality"] is None  # cites nothing


def test_radicalness(rows: dict) -> None:
    # P3 {G06F} cites P1 (H01M, H01M, G06F) and P2 (H01M, B60L): 4 of 5 codes outside → .8
    assert rows["1000003"]["radicalness"] == pytest.approx(0.8, abs=1e-15)
    # P2 {H01M, B60L} cites P1 (H01M, H01M, G06F): 1 of 3 outside
    assert rows["1000002"]["radicalness"] == pytest.approx(1 / 3, rel=1e-15)
    # P4 {H01M, H02J}: P1 (H01M, H01M, G06F) + P2 (H01M, B60L) → G06F, B60L outside: 2/5
    assert rows["1000004"]["radicalness"] == pytest.approx(0.4, abs=1e-15)
    assert rows["1000005"]["radicalness"] is None  # focal unclassified


def test_tct_median_age_in_years(rows: dict) -> None:
    # P3 (2014-12-30) cites P1 dated 2010-01-05 (1820 d) and P2 dated 2011-03-01 (1400 d)
    # median = (1820 + 1400)/2 = 1610 d / 365.25
    assert (date(2014, 12, 30) - date(2010, 1, 5)).days == 1820
    assert rows["1000003"]["tct"] == pytest.approx(1610 / 365.25, rel=1e-14)
    # P2 (2011-03-01): P1 420 d, US5000000 dated 1999-07-00 → 1999-07-01: 4261 d
    assert (date(2011, 3, 1) - date(1999, 7, 1)).days == 4261
    assert rows["1000002"]["tct"] == pytest.approx((420 + 4261) / 2 / 365.25, rel=1e-14)
    assert rows["1000001"]["tct"] is None


def test_remaining_life_and_family_size(rows: dict) -> None:
    # P1: 2008-01-05 + 20 y = 2028-01-05, + 100 d term extension = 2028-04-14
    assert rows["1000001"]["expiry_date"] == date(2028, 4, 14)
    assert rows["1000001"]["remaining_life"] == pytest.approx(
        (date(2028, 4, 14) - VDATE).days / 365.25, rel=1e-15
    )
    assert rows["1000001"]["family_size"] is None  # PatentsView has no family data


def test_cohorts_breakthrough_and_quality_index(rows: dict) -> None:
    assert rows["1000004"]["cohort"] == "2015 field 1"
    assert rows["1000005"]["cohort"] is None  # no WIPO field, no class
    # P1 is alone in 2010 × field 1: p99 = 4 and 4 > 0 → breakthrough
    assert rows["1000001"]["breakthrough"] == 1
    assert rows["1000004"]["breakthrough"] == 0  # fwd 0 never counts
    # cohort 2015 × field 1 = {P4 claims 1, P6 claims 3}; p99(claims) = 1 + .99 × 2 = 2.98;
    # fwd p99 = 0 → component 0; generality and family size unknown → mean of 2 components
    assert rows["1000004"]["quality_index"] == pytest.approx((0 + 1 / 2.98) / 2, rel=1e-14)
    assert rows["1000006"]["quality_index"] == pytest.approx((0 + 1) / 2, rel=1e-14)
    assert rows["1000001"]["window_complete"] is True  # 2015-01-05 ≤ last grant 2015-01-06
    assert rows["1000002"]["window_complete"] is False


def test_ipc_scheme_option(mini_db: Path) -> None:
    r = _rows(mini_db, scheme="IPC")
    assert r["1000001"]["patent_scope"] == 1  # g_ipc_at_issue: H01M10/0525 only
    assert r["1000002"]["patent_scope"] is None


def test_bad_options_raise_input_error() -> None:
    from ipvalue.core.errors import InputError

    with pytest.raises(InputError, match="generality"):
        IndicatorOptions(valuation_date=VDATE, generality="xyz")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="breakthrough"):
        IndicatorOptions(valuation_date=VDATE, breakthrough_quantile=1.0)
    with pytest.raises(InputError, match="fwd-window"):
        IndicatorOptions(valuation_date=VDATE, fwd_window_days=-1)
