"""Cycle time by field on the hand fixture, and the seam to the Korean Model I reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipvalue.analytics import cycle_times, write_table
from ipvalue.core.errors import InputError

Y = 365.25


@pytest.fixture(scope="module")
def rows(mini_db: Path) -> dict[tuple[str, str], dict[str, object]]:
    return {(r["scheme"], r["code"]): r for r in cycle_times(mini_db).to_pylist()}


def test_cpc_subclass_quartiles(rows: dict) -> None:
    # H01M focal patents with dated US citations: P2 (P1 420 d, US5000000 4261 d) and
    # P4 (P1 1826 d, P2 1406 d) → ages 420, 1406, 1826, 4261 (P1 cites nothing)
    r = rows[("CPC", "H01M")]
    assert (r["n_patents"], r["n_ages"]) == (2, 4)
    # linear interpolation at (n−1)p: q1 at 0.75 → 420 + .75 × 986 = 1159.5 d; q2 at 1.5 → 1616 d;
    # q3 at 2.25 → 1826 + .25 × 2435 = 2434.75 d; mean 7913/4 = 1978.25 d
    assert r["q1"] == pytest.approx(1159.5 / Y, rel=1e-15)
    assert r["q2"] == pytest.approx(1616 / Y, rel=1e-15)
    assert r["q3"] == pytest.approx(2434.75 / Y, rel=1e-15)
    assert r["mean"] == pytest.approx(1978.25 / Y, rel=1e-15)


def test_wipo_field_quartiles(rows: dict) -> None:
    # field 1: P2 (420, 4261), P4 (1826, 1406), P6 (P1: 2015-01-06 − 2010-01-05 = 1827 d)
    r = rows[("WIPO", "1")]
    assert (r["n_patents"], r["n_ages"]) == (3, 5)
    assert (r["q1"], r["q2"], r["q3"]) == pytest.approx((1406 / Y, 1826 / Y, 1827 / Y), rel=1e-15)
    assert r["mean"] == pytest.approx((420 + 4261 + 1826 + 1406 + 1827) / 5 / Y, rel=1e-15)
    assert ("IPC", "H01M") not in rows  # P1 (the only IPC-coded patent) cites nothing


def test_min_ages_filter_and_bad_value(mini_db: Path) -> None:
    kept = {(r["scheme"], r["code"]) for r in cycle_times(mini_db, min_ages=4).to_pylist()}
    assert kept == {("CPC", "H01M"), ("WIPO", "1")}
    with pytest.raises(InputError, match="--min-ages"):
        cycle_times(mini_db, min_ages=0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_korean_model_i_reads_the_file(mini_db: Path, tmp_path: Path, suffix: str) -> None:
    from ipvalue.frameworks._kr_cycletime import read_cycle_time_quartiles

    path = write_table(cycle_times(mini_db), tmp_path / f"cycle{suffix}")
    q = read_cycle_time_quartiles(path, scheme="CPC", code="H01M")
    assert (q.q1, q.q2, q.q3) == pytest.approx((1159.5 / Y, 1616 / Y, 2434.75 / Y), rel=1e-15)
