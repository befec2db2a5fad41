"""User rows win their date: fx_reference.csv (units per USD) and fx_history.csv (per EUR)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ipvalue.core.errors import InputError
from ipvalue.refdata import fx_rate

# ECB per EUR: 2025-06-27 (Fri) USD 1.1704, JPY 169.24, KRW 1592.7;
#              2025-06-30 (Mon) USD 1.172, KRW 1588.21; 2025-01-13 USD 1.0198, KRW 1497.52
REF_HEADER = "currency_iso4217,reference_date,units_per_usd,source,source_date\n"


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_user_row_on_a_sunday_wins_that_date_only(override_dir: Path) -> None:
    _write(override_dir, "fx_reference.csv", REF_HEADER + "KRW,2025-06-29,1360.0,BOK,2025-06-29\n")
    sunday = fx_rate("KRW", "USD", date(2025, 6, 29))
    assert sunday.value == pytest.approx(1 / 1360.0, rel=1e-15)
    assert sunday.flags == ("override",) and sunday.source == "BOK"
    assert sunday.table == "fx_reference" and sunday.source_date == "2025-06-29"
    # the next ECB business day is later than the user row: the ECB rate is the latest
    monday = fx_rate("KRW", "USD", date(2025, 6, 30))
    assert monday.value == pytest.approx(1.172 / 1588.21, rel=1e-15) and not monday.overridden
    # KRW→JPY needs both on one date; JPY has none on the Sunday, so both are of the Friday
    cross = fx_rate("KRW", "JPY", date(2025, 6, 29))
    assert cross.source_date == "2025-06-27"
    assert cross.value == pytest.approx(169.24 / 1592.7, rel=1e-14)


def test_user_row_replaces_the_ecb_rate_of_its_date(override_dir: Path) -> None:
    _write(override_dir, "fx_reference.csv", REF_HEADER + "KRW,2025-06-30,1350.0,BOK,2025-06-30\n")
    f = fx_rate("USD", "KRW", date(2025, 6, 30))
    assert f.value == 1350.0 and f.overridden
    assert f.note is not None and "fx_reference.csv:2" in f.note


def test_a_currency_the_ecb_does_not_publish(override_dir: Path) -> None:
    _write(override_dir, "fx_reference.csv", REF_HEADER + "TWD,2025-01-13,33.119,CNA,2025-01-13\n")
    f = fx_rate("TWD", "KRW", date(2025, 1, 13))
    # KRW per TWD = (1497.52 / 1.0198) / 33.119 = 1468.4448 / 33.119 = 44.3384…
    assert f.value == pytest.approx((1497.52 / 1.0198) / 33.119, rel=1e-14)
    assert f.value == pytest.approx(44.3384, rel=1e-5)
    later = fx_rate("TWD", "USD", date(2025, 3, 31))
    assert later.source_date == "2025-01-13" and "fx_date_mismatch" in later.flags


def test_history_rows_extend_the_packaged_history(override_dir: Path) -> None:
    _write(
        override_dir,
        "fx_history.csv",
        "date,USD,KRW,source,source_date,author\n"
        "2026-11-20,1.15,1500.0,ECB reference rates (ecb.europa.eu),2026-11-20,J. Kim\n",
    )
    f = fx_rate("KRW", "USD", date(2026, 11, 23))  # Monday after the added Friday
    assert f.source_date == "2026-11-20" and f.flags == ("override",)
    assert f.value == pytest.approx(1.15 / 1500.0, rel=1e-15)
    # JPY has no added row: it still ends 2026-10-30, flagged
    assert "fx_date_mismatch" in fx_rate("JPY", "USD", date(2026, 11, 23)).flags


def test_history_cell_override_names_both_sources(override_dir: Path) -> None:
    _write(
        override_dir,
        "fx_history.csv",
        "date,KRW,source,source_date\n2020-03-02,1300.0,corrected quote,2020-03-02\n",
    )
    f = fx_rate("KRW", "USD", date(2020, 3, 2))
    assert f.value == pytest.approx(1.1122 / 1300.0, rel=1e-15)  # packaged USD, user KRW
    assert f.source is not None and f.source.startswith("corrected quote | European Central")


@pytest.mark.parametrize(
    ("name", "text", "where", "rule"),
    [
        (
            "fx_history.csv",
            "date,KRW,source,source_date\n2026-11-20,1500,x,2026-11-20\n",
            "fx_history.csv:2",
            "no USD per EUR",
        ),
        (
            "fx_history.csv",
            "date,USD,source,source_date\n2026-11-20,-1.1,x,2026-11-20\n",
            "fx_history.csv:2",
            "must be a number > 0",
        ),
        (
            "fx_history.csv",
            "date,USD,source,source_date\n20/11/2026,1.1,x,2026-11-20\n",
            "fx_history.csv:2",
            "YYYY-MM-DD",
        ),
        (
            "fx_history.csv",
            "date,USD,source,source_date\n2026-11-20,abc,x,2026-11-20\n",
            "fx_history.csv:2",
            "finite number",
        ),
        (
            "fx_reference.csv",
            REF_HEADER + "KRW,2025-06,1350,x,2025\n",
            "fx_reference.csv:2",
            "YYYY-MM-DD",
        ),
        ("fx_reference.csv", REF_HEADER + "KRW,2025-06-30,0,x,2025\n", "fx_reference.csv:2", "> 0"),
        (
            "fx_reference.csv",
            REF_HEADER + "USD,2025-06-30,2,x,2025\n",
            "fx_reference.csv:2",
            "USD is 1",
        ),
    ],
)
def test_bad_user_rates_name_file_and_line(
    override_dir: Path, name: str, text: str, where: str, rule: str
) -> None:
    _write(override_dir, name, text)
    with pytest.raises(InputError, match=rule) as exc:
        fx_rate("KRW", "USD", date(2026, 11, 23))
    assert where in exc.value.field
