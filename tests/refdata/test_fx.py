"""fx_rate(): USD crosses from the ECB-derived table, with the reference date recorded."""

from __future__ import annotations

from datetime import date

import pytest

from ipvalue.core.errors import InputError
from ipvalue.refdata import fx_rate


def test_cross_rate_on_a_reference_date() -> None:
    # fx_reference.csv 2025-12-31: KRW 1444.20 per USD, JPY 156.67 per USD.
    f = fx_rate("KRW", "JPY", date(2025, 12, 31))
    assert f.value == pytest.approx(156.67 / 1444.20, rel=1e-15)
    assert f.unit == "JPY per KRW"
    assert f.source_date == "2025-12-31"
    assert f.flags == ()
    assert f.source is not None and "European Central Bank" in f.source


def test_usd_legs() -> None:
    assert fx_rate("USD", "SGD", date(2024, 12, 31)).value == pytest.approx(1.36337)
    assert fx_rate("SGD", "USD", date(2024, 12, 31)).value == pytest.approx(1 / 1.36337)


def test_inverse_and_triangle_consistency() -> None:
    on = date(2025, 12, 31)
    ab = fx_rate("CNY", "INR", on).value
    ba = fx_rate("INR", "CNY", on).value
    bc = fx_rate("INR", "AUD", on).value
    ac = fx_rate("CNY", "AUD", on).value
    assert isinstance(ab, float) and isinstance(ba, float)
    assert isinstance(bc, float) and isinstance(ac, float)
    assert ab * ba == pytest.approx(1.0, rel=1e-14)
    assert ab * bc == pytest.approx(ac, rel=1e-14)


def test_latest_reference_date_before_and_mismatch_flag() -> None:
    f = fx_rate("KRW", "USD", date(2025, 6, 30))
    assert f.source_date == "2024-12-31"  # latest year-end on or before the date
    assert f.value == pytest.approx(1 / 1474.78)
    assert "fx_date_mismatch" in f.flags
    assert f.note is not None and "2025-06-30" in f.note and "2024-12-31" in f.note


def test_date_before_all_reference_dates_is_flagged_as_after() -> None:
    f = fx_rate("HKD", "USD", date(2023, 6, 30))
    assert f.source_date == "2024-12-31"
    assert set(f.flags) == {"fx_date_mismatch", "fx_after_date"}


def test_identity() -> None:
    f = fx_rate("krw", "KRW", date(2025, 1, 1))
    assert f.value == 1.0 and f.flags == ()


def test_off_reference_quotes_are_not_used() -> None:
    # TWD has only an off-date Taipei quote (is_reference_date = no): missing stays missing.
    with pytest.raises(InputError, match="no reference date"):
        fx_rate("TWD", "USD", date(2025, 1, 13))


@pytest.mark.parametrize(
    ("a", "b", "field"), [("KR", "USD", "from_currency"), ("USD", "US1", "to_currency")]
)
def test_bad_codes(a: str, b: str, field: str) -> None:
    with pytest.raises(InputError) as exc:
        fx_rate(a, b, date(2025, 1, 1))
    assert exc.value.field == field
