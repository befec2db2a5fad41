"""`ipvalue refdata list|show` end to end through the CLI entry point (exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipvalue", "refdata", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_list_json() -> None:
    r = _run("list", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rows = {t["table"]: t["rows"] for t in data["tables"]}
    assert rows["country_parameters"] == 17 and rows["fx_reference"] == 36
    assert data["refdata_version"].startswith("2026-11-23+")


def test_show_key_json_has_provenance() -> None:
    r = _run("show", "country_parameters", "--key", "SG", "--json")
    assert r.returncode == 0, r.stderr
    figs = {f["column"]: f for f in json.loads(r.stdout)["figures"]}
    assert figs["cit_statutory_combined_pct"]["value"] == pytest.approx(0.17)
    assert figs["cit_statutory_combined_pct"]["source_date"] == "2023"
    assert figs["cpi_latest_monthly_yoy_pct"]["value"] is None  # empty stays missing


def test_show_table_text() -> None:
    r = _run("show", "royalty_rates")
    assert r.returncode == 0, r.stderr
    assert "RR001" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "taxes"), "unknown reference table"),
        (("show", "fx_reference", "--key", "X"), "--key"),
    ],
)
def test_bad_input_exit_2_without_traceback(args: tuple[str, ...], message: str) -> None:
    r = _run(*args)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr


def test_show_fx_history_series_json() -> None:
    r = _run("show", "fx_history", "--key", "krw", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rates = {x["date"]: x for x in data["rates"]}
    assert len(rates) == 7126 and "eurofxref-hist" in data["source"]
    # 2020-03-02: KRW 1325.85 and USD 1.1122 per EUR → 1325.85 / 1.1122 KRW per USD
    day = rates["2020-03-02"]
    assert day["units_per_eur"] == "1325.85" and day["usd_per_eur"] == "1.1122"
    assert day["units_per_usd"] == pytest.approx(1325.85 / 1.1122, rel=1e-15)


def test_show_fx_history_coverage_text() -> None:
    r = _run("show", "fx_history")
    assert r.returncode == 0, r.stderr
    assert "2005-04-01" in r.stdout and "2026-10-30" in r.stdout  # CNY starts, all end


def test_fx_command_json_and_errors() -> None:
    r = _run("fx", "KRW", "JPY", "--on", "2020-03-01", "--json")  # a Sunday
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["date_used"] == "2020-02-28" and data["gap_days"] == 2 and data["flags"] == []
    assert data["rate"] == pytest.approx(119.36 / 1324.98, rel=1e-14)  # JPY / KRW per EUR
    for args, message in (
        (("fx", "TWD", "USD", "--on", "2025-01-13"), "TWD has no exchange rate"),
        (("fx", "KRW", "USD", "--on", "13/01/2025"), "--on"),
        (("show", "fx_history", "--key", "XYZ"), "XYZ has no rates"),
    ):
        bad = _run(*args)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr
