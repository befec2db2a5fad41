"""The example evidence files are exactly what the real CLI makes from the USPTO XML samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import EXAMPLES, SHARED_DATA, require_shared_data

from ipvalue.analytics._provenance import sha256_file

DATA = EXAMPLES / "data"


@pytest.mark.slow
def test_example_data_is_reproducible(run_cli: Any, tmp_path: Path) -> None:
    src = require_shared_data(SHARED_DATA / "patents" / "uspto-xml")
    ind, ct = tmp_path / "ind.csv", tmp_path / "ct.csv"
    code, _, err = run_cli(
        "patents",
        "indicators",
        "--source",
        src,
        "--format",
        "uspto-xml",
        "--valuation-date",
        "2013-06-30",
        "--out",
        ind,
    )
    assert code == 0, err
    code, _, err = run_cli(
        "patents", "cycle-time", "--source", src, "--format", "uspto-xml", "--out", ct
    )
    assert code == 0, err
    hint = "stale example data: run scripts/make_example_evidence.sh"
    for mine, committed in (
        (ind, "uspto_sample_indicators.csv"),
        (ct, "uspto_sample_cycle_time.csv"),
    ):
        assert sha256_file(mine) == sha256_file(DATA / committed), hint
        side = json.loads((DATA / f"{committed}.meta.json").read_text())
        new = json.loads(Path(f"{mine}.meta.json").read_text())
        assert side["sha256"] == sha256_file(DATA / committed)
        same = ("kind", "rows", "data_cutoff", "options", "valuation_date", "format", "engine")
        assert {k: side[k] for k in same} == {k: new[k] for k in same}, hint
