"""``min_cohort_size``: small cohorts fall back to year × section, then grant year.

Fixture: the hand-computed PatentsView fixture with three edits so that 2015 holds three patents
(component values from the default run, asserted below; family_size and generality are NULL for
all three, so quality_index = mean of normalised fwd_cits5 and claims):

=======  =====  =======  ======  =========  ======
patent   year   field    sect.   fwd_cits5  claims
=======  =====  =======  ======  =========  ======
1000003  2015   6        G       0          20
1000004  2015   1        H       0          1
1000006  2015   6        H       0          3
=======  =====  =======  ======  =========  ======

Cohort sizes count every patent carrying the label: 2015 field 6 = 2 (1000003, 1000006),
2015 field 1 = 1, 2015 section H = 2 (1000004, 1000006), 2015 section G = 1, 2015 = 3.
1000001 (2010), 1000002 (2011) are alone in their year.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.analytics.conftest import MINI

from ipvalue.analytics import IndicatorOptions, compute_indicators, import_source, open_duckdb
from ipvalue.analytics._generator import generate, write_tables
from ipvalue.core.errors import InputError

VDATE = date(2025, 1, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mc") / "mc.duckdb"
    con = open_duckdb(path)
    import_source(con, MINI, "patentsview")
    con.execute("UPDATE publication SET grant_date = DATE '2015-01-02' WHERE pub_key = 3")
    con.execute("UPDATE tech_field SET wipo_field_id = '6' WHERE pub_key = 6")
    con.execute("UPDATE classification SET section = 'H' WHERE pub_key = 6")
    con.close()
    return path


def _rows(db: Path, **kw: object) -> dict[str, dict[str, object]]:
    t = compute_indicators(db, IndicatorOptions(valuation_date=VDATE, **kw))  # type: ignore[arg-type]
    return {r["patent_id"]: r for r in t.to_pylist()}


def test_components_of_the_fixture(db: Path) -> None:
    r = _rows(db)
    got = {
        p: (r[p]["fwd_cits5"], r[p]["claims"], r[p]["family_size"], r[p]["generality"])
        for p in ("1000003", "1000004", "1000006")
    }
    assert got == {
        "1000003": (0, 20, None, None),
        "1000004": (0, 1, None, None),
        "1000006": (0, 3, None, None),
    }


def test_fallback_to_section_and_year(db: Path) -> None:
    r = _rows(db, min_cohort_size=2)
    assert {p: v["cohort"] for p, v in r.items()} == {
        "1000001": "2010",  # field 1, section H and year 2010 each hold 1 patent
        "1000002": "2011",
        "1000003": "2015 field 6",  # 2 patents: stays
        "1000004": "2015 section H",  # field 1 holds 1; section H holds 1000004 and 1000006
        "1000005": None,  # no grant date: no cohort at any level
        "1000006": "2015 field 6",
    }
    # field 6 claims {3, 20}: p99 = 3 + 0.99·17 = 19.83; fwd p99 = 0 → normalised 0
    assert r["1000003"]["quality_index"] == pytest.approx((0 + 1.0) / 2, rel=1e-14)
    assert r["1000006"]["quality_index"] == pytest.approx((0 + 3 / 19.83) / 2, rel=1e-14)
    # section H holds 1000006 though it is normalised in field 6: claims {1, 3}, p99 = 2.98
    assert r["1000004"]["quality_index"] == pytest.approx((0 + 1 / 2.98) / 2, rel=1e-14)
    # 1000001 alone in 2010: fwd 4/4, claims 10/10, generality 0.78125/0.78125 → 1
    assert r["1000001"]["quality_index"] == pytest.approx(1.0, rel=1e-14)
    assert r["1000001"]["breakthrough"] == 1  # 4 ≥ p99 of {4} and 4 > 0
    assert [r[p]["breakthrough"] for p in ("1000003", "1000004", "1000006")] == [0, 0, 0]


def test_year_even_when_still_too_small(db: Path) -> None:
    r = _rows(db, min_cohort_size=3)
    assert [r[p]["cohort"] for p in ("1000003", "1000004", "1000006")] == ["2015"] * 3
    assert r["1000001"]["cohort"] == "2010"  # 1 < 3 but there is no coarser level
    # 2015 claims {1, 3, 20}: p99 position 0.99·2 = 1.98 → 3 + 0.98·17 = 19.66
    assert r["1000004"]["quality_index"] == pytest.approx((1 / 19.66) / 2, rel=1e-14)
    assert r["1000006"]["quality_index"] == pytest.approx((3 / 19.66) / 2, rel=1e-14)
    assert r["1000003"]["quality_index"] == pytest.approx(0.5, rel=1e-14)  # 20 capped at p99


def test_trim1_max_uses_the_same_members(db: Path) -> None:
    r = _rows(db, min_cohort_size=2, normalisation="trim1_max")
    # section H members {1000004, 1000006}, claims {1, 3}: p1 = 1 + 0.01·2 = 1.02,
    # p99 = 2.98 → no value kept → claims undefined; fwd {0, 0} → top 0 → 0. qi = 0 / 1 = 0.
    # (Were 1000004 normalised among its own label only, claims {1} would give 1 and qi 0.5.)
    assert r["1000004"]["quality_index"] == 0.0
    # field 6 claims {3, 20}: p1 = 3.17, p99 = 19.83 → nothing kept either; qi = 0
    assert r["1000003"]["quality_index"] == 0.0 and r["1000006"]["quality_index"] == 0.0


def test_default_is_unchanged(db: Path, mini_db: Path) -> None:
    """The default (N = 1) gives what the code before the option gave (commit 37d7df4, run on
    this fixture): each patent stays in its year × field cohort, however small."""
    r = _rows(db)
    assert [(p, v["cohort"], v["breakthrough"]) for p, v in r.items()] == [
        ("1000001", "2010 field 1", 1),
        ("1000002", "2011 field 1", 1),
        ("1000003", "2015 field 6", 0),
        ("1000004", "2015 field 1", 0),
        ("1000005", None, None),
        ("1000006", "2015 field 6", 0),
    ]
    # 1000004 alone in 2015 field 1: claims 1/1 = 1, fwd 0 → 0.5, the collapse the option fixes
    assert r["1000004"]["quality_index"] == pytest.approx(0.5, rel=1e-14)
    assert r["1000006"]["quality_index"] == pytest.approx((3 / 19.83) / 2, rel=1e-14)  # 0.07564…
    for path in (db, mini_db):
        default = compute_indicators(path, IndicatorOptions(valuation_date=VDATE))
        one = compute_indicators(path, IndicatorOptions(valuation_date=VDATE, min_cohort_size=1))
        assert default.to_pylist() == one.to_pylist()


def test_option_recorded_in_metadata(db: Path) -> None:
    t = compute_indicators(db, IndicatorOptions(valuation_date=VDATE, min_cohort_size=4))
    assert (t.schema.metadata or {})[b"ipvalue.min_cohort_size"] == b"4"


@pytest.mark.parametrize("bad", [0, -3])
def test_bad_value(bad: int) -> None:
    with pytest.raises(InputError, match="--min-cohort-size"):
        IndicatorOptions(valuation_date=VDATE, min_cohort_size=bad)


def test_cli_bad_value_exit_2(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipvalue",
            "patents",
            "indicators",
            "--source",
            str(MINI),
            "--format",
            "patentsview",
            "--out",
            str(tmp_path / "x.csv"),
            "--min-cohort-size",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and "--min-cohort-size: must be >= 1" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "x.csv").exists()


def test_cli_records_option_in_sidecar(tmp_path: Path) -> None:
    out = tmp_path / "ind.csv"
    args = ["--source", str(MINI), "--format", "patentsview", "--out", str(out)]
    r = subprocess.run(
        [sys.executable, "-m", "ipvalue", "patents", "indicators", *args, "--min-cohort-size", "3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    meta = json.loads(out.with_name("ind.csv.meta.json").read_text())
    assert str(meta["options"]["min_cohort_size"]) == "3"
    rows = {row["patent_id"]: row for row in csv.DictReader(out.open())}
    assert rows["1000004"]["cohort"] == "2015"  # field 1 holds 2, section H 1, 2015 2: all < 3


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), n=st.sampled_from([2, 5, 40]))
def test_levels_on_generated_data(tmp_path: Path, seed: int, n: int) -> None:
    """A kept field cohort has ≥ N patents; a section cohort is used only when the field one is
    too small and itself has ≥ N; otherwise the year; quality stays in [0, 1]."""
    folder = tmp_path / f"g{seed}"
    db = folder / "p.duckdb"
    if not db.exists():
        write_tables(generate(150, seed=seed), folder, "parquet")
        con = open_duckdb(db)
        import_source(con, folder, "patentsview")
        con.close()
    base = compute_indicators(db, IndicatorOptions(valuation_date=VDATE)).to_pylist()
    fine = Counter(r["cohort"] for r in base if r["cohort"])
    year_n = Counter(r["cohort"].split(" ")[0] for r in base if r["cohort"])
    got = compute_indicators(db, IndicatorOptions(valuation_date=VDATE, min_cohort_size=n))
    for b, r in zip(base, got.to_pylist(), strict=True):
        assert b["patent_id"] == r["patent_id"]
        if b["cohort"] is None:
            assert r["cohort"] is None
            continue
        level = r["cohort"].split(" ")
        if "field" in level:
            assert r["cohort"] == b["cohort"] and fine[b["cohort"]] >= n
        elif "section" in level:
            assert "section" in b["cohort"] or fine[b["cohort"]] < n
        else:
            assert level == [b["cohort"].split(" ")[0]] and year_n[level[0]] >= 1
        q = r["quality_index"]
        assert q is None or 0.0 <= q <= 1.0
