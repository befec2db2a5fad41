"""Patent evidence for portfolios: every asset equals its single-asset valuation with the same
evidence (values, warnings, peers, assumptions), on the real USPTO sample files."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue import load_case, value
from ipvalue.core.errors import InputError
from ipvalue.evidence import group_stats, group_stats_many
from ipvalue.valuation.portfolio import asset_case

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
IND = DATA / "uspto_sample_indicators.csv"
CT = DATA / "uspto_sample_cycle_time.csv"
FILE_LEVEL = {"evidence_provenance_unknown", "evidence_provenance_mismatch"}


def _sample_ids() -> list[str]:
    t = pacsv.read_csv(
        IND,
        convert_options=pacsv.ConvertOptions(
            column_types={"patent_id": "string", "cohort": "string"}
        ),
    )
    ids = t.column("patent_id").to_pylist()
    return [str(x) for x in ids]


def _item(i: int, pid: str | None, rng: np.random.Generator) -> dict[str, Any]:
    asset: dict[str, Any] = {"id": f"A{i}", "type": "patent", "name": f"patent {pid}"}
    kind = i % 6
    if kind == 1:  # case term close to or far from the file's: kept, maybe a mismatch
        asset["remaining_legal_term_years"] = float(rng.uniform(1, 20))
    elif kind == 2:
        asset["economic_life_years"] = float(rng.uniform(2, 12))
    elif kind == 3:  # case expiry date: never replaced
        asset["legal_status"] = {"status": "granted", "expiry_date": "2022-01-01"}
    elif kind == 4:  # classes decide the cycle-time row
        asset["classes"] = [{"scheme": "IPC", "code": "H01L 23/12"}]
    years = int(rng.integers(5, 25))
    item: dict[str, Any] = {
        "asset": asset,
        "approaches": [
            {
                "method": "relief_from_royalty",
                "revenue": {
                    "model": "growth",
                    "year1": float(rng.uniform(1e6, 2e7)),
                    "growth": 0.03,
                    "years": years,
                },
                "royalty_rate": float(rng.uniform(0.01, 0.06)),
                "tax_rate": 0.3,
                "discount_rate": float(rng.uniform(0.1, 0.2)),
                "tab": False,
                **({"terminal_growth": 0.01} if i % 7 == 0 else {}),
            }
        ],
    }
    if pid is not None:
        item["patent_evidence"] = {"patent_id": pid}
        if kind == 5:
            item["patent_evidence"]["cycle_time_code"] = "G06F"
    return item


def _portfolio(n: int, seed: int = 11) -> Any:
    rng = np.random.default_rng(seed)
    ids = _sample_ids()
    picks = rng.choice(len(ids), size=n, replace=False)
    items = [_item(i, None if i % 9 == 8 else ids[int(p)], rng) for i, p in enumerate(picks)]
    return load_case(
        {
            "id": "pf-ev",
            "title": "pf",
            "purpose": "collateral",
            "valuation_date": "2013-06-30",
            "currency": "USD",
            "patent_evidence": {
                "indicators_file": str(IND),
                "cycle_time_file": str(CT),
                "cycle_time_code": "H01L",
            },
            "assets": items,
        }
    )


def _strip(message: str, aid: str) -> str:
    assert message.startswith(f"{aid}: "), message
    return message[len(aid) + 2 :]


def test_every_asset_equals_its_single_case_on_the_uspto_samples() -> None:
    pf = _portfolio(120)
    v = value(pf)
    by_asset: dict[str, list[tuple[str, str]]] = {}
    for w in v.warnings:
        aid, _, rest = w.message.partition(": ")
        by_asset.setdefault(aid, []).append((w.code, rest))
    steps = {t.step: t for t in v.trace}
    rows = {r["asset"]: r for r in steps["patent_evidence"].rows}
    peers: dict[str, list[dict[str, Any]]] = {}
    for r in steps["patent_evidence.peers"].rows:
        peers.setdefault(str(r["asset"]), []).append({k: x for k, x in r.items() if k != "asset"})
    assumptions: dict[str, list[dict[str, Any]]] = {}
    for r in steps["patent_evidence.assumptions"].rows:
        assumptions.setdefault(str(r["name"]).split(".")[1], []).append(r)
    filled = 0
    for i in range(len(pf.assets)):
        aid = f"A{i}"
        single = value(asset_case(pf, i))
        assert v.assets[i].value == single.value, aid  # exactly, not approximately
        mine = [(w.code, w.message) for w in single.warnings if w.code not in FILE_LEVEL]
        assert by_asset.get(aid, []) == mine, aid
        step = next((t for t in single.trace if t.step == "patent_evidence"), None)
        if pf.assets[i].patent_evidence is None:
            assert step is None and aid not in rows
            continue
        assert step is not None
        assert peers[aid] == list(step.rows), aid
        expect = [
            dataclasses.asdict(a)
            for a in single.assumptions
            if a.name.startswith("patent.")
            or (
                a.name == "asset.remaining_legal_term_years"
                and "uspto_sample_indicators" in a.source
            )
        ]
        got = [{**r, "name": str(r["name"]).split(".", 2)[2]} for r in assumptions[str(i)]]
        assert got == expect, aid
        assert rows[aid]["legal_term_filled"] == step.detail["legal_term_filled"]
        filled += bool(step.detail["legal_term_filled"])
    summary = steps["patent_evidence"].detail
    assert summary["assets_with_evidence"] == len(rows)
    assert summary["legal_term_filled"] == filled > 0
    # the engine's "case file" entry of a filled term is replaced by the evidence's
    names = [a.name for a in v.assumptions]
    assert not any(
        n.endswith("asset.remaining_legal_term_years")
        and rows.get(f"A{n.split('.')[1]}", {}).get("legal_term_filled")
        for n in names
    )


def test_each_code_counted_in_the_summary() -> None:
    pf = _portfolio(120)
    v = value(pf)
    d = v.trace[0].detail
    codes: dict[str, int] = {}
    for w in v.warnings:
        if w.code in {
            "legal_term_mismatch",
            "citation_window_incomplete",
            "economic_life_beyond_cycle_time",
            "evidence_look_ahead",
        }:
            codes[w.code] = codes.get(w.code, 0) + 1
    assert codes  # the sample mixes them
    for c, m in codes.items():
        assert d[f"warnings.{c}"] == m
    assert d["assets"] == 120 and d["assets_without_evidence"] == 120 // 9 + (120 % 9 > 8)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 3), st.one_of(st.none(), st.integers(0, 6))),
        min_size=1,
        max_size=40,
    ),
    st.data(),
)
def test_vectorised_peer_stats_equal_group_stats(cells: list[Any], data: Any) -> None:
    cohorts = np.array([c for c, _ in cells], dtype=np.int64)
    valid = np.array([v is not None for _, v in cells])
    values = np.array([float(v or 0) / 2 for _, v in cells])
    rows = np.array(data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=10)))
    val, ok, cohort, file = group_stats_many(values, valid, cohorts, rows)
    for k, r in enumerate(rows.tolist()):
        subject = float(values[r]) if valid[r] else None
        assert (float(val[k]) if ok[k] else None) == subject
        assert file.at(k) == group_stats(values, valid, subject)
        want = (
            group_stats(values, valid & (cohorts == cohorts[r]), subject)
            if cohorts[r] >= 0
            else group_stats(values, valid & False, None)
        )
        if cohorts[r] < 0:
            assert cohort.at(k).n == 0 and cohort.at(k).percentile is None
        else:
            assert cohort.at(k) == want


def test_peer_stats_by_hand() -> None:
    # values 1, 2, 2, 4 in cohort 0, 3 in cohort 1, one empty cell:
    # subject 2 in its cohort: below 1, equal 2 -> (1 + 0.5·2) / 4 = 0.5; median (2 + 2) / 2
    # in the file (1, 2, 2, 3, 4): (1 + 1) / 5 = 0.4, median 2
    values = np.array([1.0, 2.0, 2.0, 4.0, 3.0, 0.0])
    valid = np.array([True, True, True, True, True, False])
    cohorts = np.array([0, 0, 0, 0, 1, 1])
    _, _, cohort, file = group_stats_many(values, valid, cohorts, np.array([1, 4, 5]))
    assert (cohort.percentile[0], cohort.n[0], cohort.median[0]) == (0.5, 4, 2.0)
    assert (file.percentile[0], file.n[0], file.median[0]) == (0.4, 5, 2.0)
    # 3 alone in cohort 1: 0.5; the empty subject has no percentile, its cohort n counts 1
    assert (cohort.percentile[1], cohort.n[1]) == (0.5, 1)
    assert np.isnan(cohort.percentile[2]) and cohort.n[2] == 1 and cohort.median[2] == 3.0


def _doc(**items: Any) -> dict[str, Any]:
    item = {
        "asset": {"id": "X", "type": "patent", "name": "x"},
        "approaches": [
            {
                "method": "relief_from_royalty",
                "revenue": [1e6, 1e6],
                "royalty_rate": 0.03,
                "tax_rate": 0.3,
                "discount_rate": 0.12,
                "tab": False,
            }
        ],
        **items,
    }
    return {
        "id": "pf",
        "title": "pf",
        "purpose": "collateral",
        "valuation_date": "2013-06-30",
        "currency": "USD",
        "patent_evidence": {"indicators_file": str(IND)},
        "assets": [item],
    }


def test_unknown_patent_names_the_asset_field() -> None:
    with pytest.raises(InputError) as e:
        value(load_case(_doc(patent_evidence={"patent_id": "999"})))
    assert e.value.field == "assets.0.patent_evidence.patent_id"
    assert "'999' is not a patent_id of" in e.value.rule


def test_repeated_patent_names_the_asset_field(tmp_path: Path) -> None:
    f = tmp_path / "ind.csv"
    f.write_text(
        "patent_id,quality_index,expiry_date\nP1,0.5,2030-01-01\nP1,0.4,2030-01-01\n"
        "P2,0.3,2031-01-01\n"
    )
    doc = _doc(patent_evidence={"patent_id": "P1"})
    doc["patent_evidence"]["indicators_file"] = str(f)
    with pytest.raises(InputError) as e:
        value(load_case(doc))
    assert e.value.field == "assets.0.patent_evidence.patent_id"
    assert "appears 2 times" in e.value.rule and "data rows 1, 2" in e.value.rule


@pytest.mark.parametrize(
    ("doc_patch", "field"),
    [
        ({"header_patent_id": "6982482"}, "patent_evidence.patent_id"),
        ({"item": {}}, "assets.0.patent_evidence.patent_id"),
        ({"no_header": True, "item": {"patent_id": "6982482"}}, "assets.0.patent_evidence"),
        (
            {"item": {"patent_id": "6982482", "cycle_time_code": "H01L"}},
            "assets.0.patent_evidence.cycle_time_code",
        ),
    ],
)
def test_bad_blocks_are_refused_naming_the_field(
    run_cli: Any, tmp_path: Path, doc_patch: dict[str, Any], field: str
) -> None:
    import yaml

    doc = _doc(patent_evidence=doc_patch.get("item", {"patent_id": "6982482"}))
    if "header_patent_id" in doc_patch:
        doc["patent_evidence"]["patent_id"] = doc_patch["header_patent_id"]
    if doc_patch.get("no_header"):
        del doc["patent_evidence"]
    path = tmp_path / "pf.yaml"
    path.write_text(yaml.safe_dump(doc))
    code, _, err = run_cli("value", path)
    assert code == 2
    assert field in err and "Traceback" not in err


def test_cycle_time_row_missing_names_the_asset(tmp_path: Path) -> None:
    doc = _doc(patent_evidence={"patent_id": "6982482", "cycle_time_code": "ZZZZ"})
    doc["patent_evidence"]["cycle_time_file"] = str(CT)
    with pytest.raises(InputError) as e:
        value(load_case(doc))
    assert e.value.field == "assets.0.patent_evidence.cycle_time_code"


def test_legal_term_fill_caps_like_a_written_term() -> None:
    # 6982482 expires 2024-02-24: (2024-02-24 − 2013-06-30) = 3891 days / 365.25 = 10.6530 y;
    # the same portfolio with that term written in the case gives the same value.
    doc = _doc(patent_evidence={"patent_id": "6982482"})
    doc["assets"][0]["approaches"][0]["revenue"] = [1e6] * 12
    v = value(load_case(doc))
    written = _doc()
    written["assets"][0]["approaches"][0]["revenue"] = [1e6] * 12
    written["assets"][0]["asset"]["remaining_legal_term_years"] = 3891 / 365.25
    del written["patent_evidence"]
    w = value(load_case(written))
    assert v.value == w.value
    assert [x.code for x in v.warnings] == ["life_cap"]
    row = v.trace[0].rows[0]
    assert row["legal_term_years_at_valuation_date"] == 3891 / 365.25
    assert row["legal_term_filled"] is True


def test_cli_prints_the_summary_and_json_carries_it(run_cli: Any) -> None:
    import json

    example = DATA.parent / "portfolio_patent_evidence.yaml"
    code, out, err = run_cli("value", example)
    assert code == 0, err
    assert "Patent evidence: 4 of 5 assets (1 name no patent); legal term filled from" in out
    assert "legal_term_mismatch 1" in out and "citation_window_incomplete 1" in out
    code, out, err = run_cli("value", example, "--json")
    assert code == 0, err
    steps = {t["step"]: t for t in json.loads(out)["trace"]}
    d = steps["patent_evidence"]["detail"]
    assert (d["assets_with_evidence"], d["legal_term_filled"]) == (4, 3)
    assert len(steps["patent_evidence"]["rows"]) == 4
    assert len(steps["patent_evidence.peers"]["rows"]) == 4 * 12


def test_cheap_copy_equals_model_copy() -> None:
    from ipvalue.evidence._portfolio import _with

    pf = _portfolio(3)
    item = pf.assets[0]
    mine = _with(item, asset=_with(item.asset, remaining_legal_term_years=3.5))
    theirs = item.model_copy(
        update={"asset": item.asset.model_copy(update={"remaining_legal_term_years": 3.5})}
    )
    assert mine == theirs
    assert mine.model_dump(exclude_unset=True) == theirs.model_dump(exclude_unset=True)
    assert item.asset.remaining_legal_term_years is None  # the original is untouched


def test_quality_ratio_reads_each_assets_q_from_the_file() -> None:
    # Q of each subject from its own row; Q_i of the comparables by patent_id; as valued alone.
    # 6982482 alone (docs/patent-evidence.md §6): USD 1,534,000.00.
    comps = [
        {
            "name": f"US {p} sale",
            "patent_id": p,
            "unit_price": price,
            "weight": 0.25,
            "source": "illustrative",
        }
        for p, price in (
            ("6838391", 1.2e6),
            ("6838741", 1.5e6),
            ("7473606", 1.35e6),
            ("8089078", 1.4e6),
        )
    ]
    items = [
        {
            "asset": {"id": f"US-{p}", "type": "patent", "name": p},
            "patent_evidence": {"patent_id": p},
            "approaches": [
                {
                    "method": "market_comparables",
                    "quality_adjustment": "ratio",
                    "min_comparables": 3,
                    "comparables": comps,
                }
            ],
        }
        for p in ("6982482", "6983169", "6982130")
    ]
    pf = load_case(
        {
            "id": "pf",
            "title": "pf",
            "purpose": "transaction",
            "valuation_date": "2013-06-30",
            "currency": "USD",
            "patent_evidence": {"indicators_file": str(IND)},
            "assets": items,
        }
    )
    v = value(pf)
    singles = [value(asset_case(pf, i)).value for i in range(3)]
    assert [a.value for a in v.assets] == singles
    assert v.assets[0].value == pytest.approx(1_534_000.00, abs=0.01)
    names = {a.name for a in v.assumptions}
    assert "assets.1.approaches.0.subject_quality" in names
    assert "assets.2.approaches.0.comparables.3.quality_score" in names


def test_no_asset_names_a_patent() -> None:
    v = value(load_case(_doc()))  # header files, no asset evidence: nothing read per asset
    d = v.trace[0].detail
    assert (d["assets_with_evidence"], d["assets_without_evidence"]) == (0, 1)
    assert d["quality_cohort_percentile.n"] == 0 and d["quality_cohort_percentile.p50"] is None
    assert len(v.trace[0].rows) == 0 and len(v.trace[1].rows) == 0


def test_cycle_time_file_only() -> None:
    # no indicators: an asset's block may be empty or name its cycle-time code
    doc = _doc(patent_evidence={"cycle_time_code": "H01L"})
    doc["patent_evidence"] = {"cycle_time_file": str(CT)}
    doc["assets"][0]["asset"]["remaining_legal_term_years"] = 12.0
    v = value(load_case(doc))
    assert [w.code for w in v.warnings] == ["economic_life_beyond_cycle_time"]
    single = value(asset_case(load_case(doc), 0))
    assert v.assets[0].value == single.value
    assert v.warnings[0].message == "X: " + next(
        w.message for w in single.warnings if w.code == "economic_life_beyond_cycle_time"
    )
    rows = list(v.trace[2].rows)
    assert [r["name"] for r in rows] == [f"assets.0.patent.cycle_time.q{q}" for q in (1, 2, 3)]
