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
