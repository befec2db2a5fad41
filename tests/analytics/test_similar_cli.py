"""`ipvalue patents similar` on the real samples, JSON output, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import SHARED_DATA, require_shared_data


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 real grants (seeded random sample) written once for the module."""
    src = require_shared_data(SHARED_DATA / "patents" / "uspto_random_10000.csv.gz")
    path = tmp_path_factory.mktemp("similar") / "uspto_1000.csv"
    pd.read_csv(src, dtype=str).sample(1000, random_state=1).to_csv(path, index=False)
    return path


def test_similar_by_patent_json(run_cli, sample: Path) -> None:
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False)
    row = frame[frame["classifications_cpc"] != ""].iloc[10]
    code, out, err = run_cli(
        "patents",
        "similar",
        "--source",
        sample,
        "--patent",
        row["patent_id"],
        "--top",
        "5",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["query"] == row["patent_id"] and len(data["results"]) == 5
    assert row["patent_id"] not in [r["patent_id"] for r in data["results"]]
    sims = [r["similarity"] for r in data["results"]]
    assert sims == sorted(sims, reverse=True)
    r0 = data["results"][0]
    assert r0["similarity"] == pytest.approx(
        0.7 * r0["text_similarity"] + 0.3 * r0["class_similarity"]
    )


def test_similar_by_text_finds_the_source_abstract(run_cli, sample: Path) -> None:
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False)
    target = frame.iloc[42]
    code, out, err = run_cli(
        "patents",
        "similar",
        "--source",
        sample,
        "--text",
        target["abstract"][:400],
        "--top",
        "3",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["results"][0]["patent_id"] == target["patent_id"]
    code, out, err = run_cli(
        "patents",
        "similar",
        "--source",
        sample,
        "--text",
        "lithium ion battery cathode",
        "--top",
        "3",
    )
    assert code == 0 and "similarity" in out


def test_similar_on_lens_export(run_cli) -> None:
    src = require_shared_data(SHARED_DATA / "patents" / "lens" / "drones_tac_1606.csv")
    code, out, err = run_cli(
        "patents",
        "similar",
        "--source",
        src,
        "--format",
        "lens",
        "--encoding",
        "mac_roman",
        "--text",
        "unmanned aerial vehicle camera gimbal",
        "--top",
        "3",
        "--json",
    )
    assert code == 0, err
    assert len(json.loads(out)["results"]) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--text/--patent"),
        (["--text", "a", "--patent", "b"], "--text/--patent"),
        (["--text", "battery", "--top", "0"], "--top"),
        (["--text", "battery", "--class-weight", "2"], "--class-weight"),
        (["--text", "battery", "--method", "bm25"], "--method"),
        (["--patent", "US-NOT-THERE"], "--patent"),
        (["--text", "zzzzqqq"], "shares no term"),
        (["--text", "battery", "--classes", "426/231"], "--classes"),
    ],
)
def test_bad_input_exit_2(run_cli, sample: Path, args, message) -> None:
    code, _out, err = run_cli("patents", "similar", "--source", sample, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_similar_within_a_selection(run_cli, sample: Path) -> None:
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False)
    query = frame[frame["classifications_cpc"].str.startswith("G06F")].iloc[0]["patent_id"]
    code, out, err = run_cli(
        "patents",
        "similar",
        "--source",
        sample,
        "--patent",
        query,
        "--select-class",
        "H01L",
        "--top",
        "5",
        "--json",
    )
    assert code == 0, err
    hits = [r["patent_id"] for r in json.loads(out)["results"]]
    h01l = set(frame.loc[frame["classifications_cpc"].str.contains("H01L"), "patent_id"])
    assert hits and set(hits) <= h01l  # only patents of the selection are proposed
    code, _out, err = run_cli(
        "patents", "similar", "--source", sample, "--text", "chip", "--select-years", "2019-2015"
    )
    assert code == 2 and "--select-years" in err
