"""Deals files (good and bad), indicators files and the YAML block of the comparables command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ipvalue.analytics.comparables import (
    ComparableOptions,
    PatentMatch,
    QualityScore,
    Subject,
    select_comparables,
)
from ipvalue.analytics.comparables_io import (
    read_deals,
    read_qualities,
    render_block,
    write_block,
)
from ipvalue.core.errors import InputError, InputErrors

HEADER = "deal_id,patent_id,unit_price,currency,date,basis,rights,data_quality\n"
GOOD = (
    "# illustrative prices, not market data\n"
    "#\n"
    + HEADER
    + "A1,US-1000001-B2,1200000,usd,2019-03-01,price,assignment,\n"
    + 'A2,1000002,"1,500,000",JPY,2018-07-15,price,exclusive_licence,0.8\n'
    + "\n"
    + "A3,1000003,0.035,,2017-01-31,royalty_rate,,\n"
)


def write(tmp_path: Path, text: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_good_deals_with_comment_header(tmp_path: Path) -> None:
    deals = read_deals(write(tmp_path, GOOD))
    a1, a2, a3 = deals.records
    # two comment lines, header on line 3, first row line 4; the blank line 6 is skipped
    assert [d.where for d in deals.records] == ["deals.csv:4", "deals.csv:5", "deals.csv:7"]
    assert (a1.patent_id, a1.unit_price, a1.currency, a1.date) == (
        "US-1000001-B2",
        1_200_000.0,
        "USD",
        dt.date(2019, 3, 1),
    )
    assert a1.rights == "assignment" and a1.data_quality is None and a1.name == "A1"
    assert a2.unit_price == 1_500_000.0 and a2.data_quality == 0.8
    assert a3.basis == "royalty_rate" and a3.currency is None and a3.unit_price == 0.035
    assert len(deals.sha256) == 64


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("B1,,100,USD,2019-01-01,price,,", "column patent_id: must not be empty"),
        ("B1,P1,abc,USD,2019-01-01,price,,", "column unit_price: must be a number"),
        ("B1,P1,-5,USD,2019-01-01,price,,", "column unit_price: must be > 0"),
        ("B1,P1,inf,USD,2019-01-01,price,,", "column unit_price: must be a number"),
        ("B1,P1,3.5,,2019-01-01,royalty_rate,,", "a royalty rate is a fraction"),
        ("B1,P1,100,,2019-01-01,price,,", "column currency: is required for price deals"),
        ("B1,P1,100,US$,2019-01-01,price,,", "column currency: must be a 3-letter ISO"),
        ("B1,P1,100,USD,01/02/2019,price,,", "column date: must be a date YYYY-MM-DD"),
        ("B1,P1,100,USD,2019-02-30,price,,", "column date: must be a date YYYY-MM-DD"),
        ("B1,P1,100,USD,2019-01-01,barter,,", "column basis: must be one of price"),
        ("B1,P1,100,USD,2019-01-01,price,lease,", "column rights: must be one of assignment"),
        ("B1,P1,100,USD,2019-01-01,price,,1.5", "column data_quality: must be a number in (0, 1]"),
        ("A1,P1,100,USD,2019-01-01,price,,", "column deal_id: 'A1' is already used at deals.csv:2"),
        (
            "B1," + "9" * 101 + ",100,USD,2019-01-01,price,,",
            "column patent_id: must be at most 100",
        ),
        ("D" * 201 + ",P1,100,USD,2019-01-01,price,,", "column deal_id: must be at most 200"),
        (
            ",US-1000001-B2,100,USD,2019-03-01,price,,",
            "same patent and date as deals.csv:3: give each deal a deal_id",
        ),
    ],
)
def test_bad_rows_name_file_line_column_rule(tmp_path: Path, row: str, message: str) -> None:
    text = (
        HEADER
        + "A1,P0,100,USD,2019-01-01,price,,\n"
        + ",us 1000001 b2,100,USD,2019-03-01,price,,\n"
        + row
        + "\n"
    )
    with pytest.raises(InputErrors) as exc:
        read_deals(write(tmp_path, text))
    errors = [str(e) for e in exc.value.errors]
    assert len(errors) == 1 and errors[0].startswith("deals.csv:4: ") and message in errors[0]


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    text = HEADER + "".join(f"X{i},P{i},-1,USD,2019-01-01,price,,\n" for i in range(60))
    with pytest.raises(InputErrors) as exc:
        read_deals(write(tmp_path, text))
    assert len(exc.value.errors) == 51  # 50 reported, then "… and 10 more errors"
    assert str(exc.value.errors[-1]) == "deals.csv: … and 10 more errors"
    assert str(exc.value.errors[0]).startswith("deals.csv:2: column unit_price")


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        (
            "patent_id,unit_price,currency,date\nP1,1,USD,2019-01-01\n",
            "deals.csv:1",
            "missing column(s) basis",
        ),
        ("# only a comment\n", "", "has no header row"),
        (HEADER, "", "has no deal rows"),
        (HEADER + "A1,P1,100,USD,2019-01-01\n", "deals.csv:2", "has 5 fields, the header 8"),
        (HEADER + 'A1,"P1,100,USD,2019-01-01,price,,\n', "deals.csv", "is not valid CSV"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, field: str, rule: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_deals(path)
    assert exc.value.field.startswith(field or str(path)) and rule in exc.value.rule


def test_bad_file_kinds(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_deals(tmp_path / "none.csv")
    with pytest.raises(InputError, match=r"must be a \.csv or \.parquet"):
        read_deals(write(tmp_path, "x", "deals.xlsx"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "A1,Café,100,USD,2019-01-01,price,,\n").encode("latin-1"))
    with pytest.raises(InputError, match="must be UTF-8"):
        read_deals(latin)
    broken = tmp_path / "deals.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable Parquet"):
        read_deals(broken)


def test_parquet_deals_with_native_types(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "patent_id": ["P1", "P2"],
            "unit_price": [1000.0, 0.04],
            "currency": ["EUR", None],
            "date": [dt.date(2018, 5, 1), dt.date(2019, 1, 2)],
            "basis": ["price", "royalty_rate"],
            "Deal_ID": ["X1", "X2"],
        }
    )
    path = tmp_path / "deals.parquet"
    frame.to_parquet(path)
    deals = read_deals(path)
    assert [d.where for d in deals.records] == ["deals.parquet:row 1", "deals.parquet:row 2"]
    assert deals.records[0].date == dt.date(2018, 5, 1) and deals.records[1].currency is None
    assert [d.deal_id for d in deals.records] == ["X1", "X2"]
    frame.loc[1, "unit_price"] = float("nan")
    frame.to_parquet(path)
    with pytest.raises(InputErrors, match=r"deals.parquet:row 2: column unit_price"):
        read_deals(path)


INDICATORS = (
    "patent_id,pub_id,grant_date,quality_index,claims\n"
    "1000001,US-1000001-B2,2010-01-05,0.4,10\n"
    "1000002,US-1000002-B2,2011-01-05,,12\n"
)


def test_read_qualities_finds_any_identifier_form(tmp_path: Path) -> None:
    table = read_qualities(write(tmp_path, INDICATORS, "ind.csv"))
    assert table.find("US 1000001 B2") == QualityScore("1000001", 0.4)
    assert table.find(None, "nope", "1000001") == QualityScore("1000001", 0.4)
    assert table.find("US-1000002-B2") == QualityScore("1000002", None)
    assert table.find("US-1000003-B2") is None
    assert table.warnings == (
        "ind.csv has no provenance sidecar: where its indicators come from is unknown",
    )
    assert read_qualities(tmp_path / "ind.csv", "claims").find("1000002") == QualityScore(
        "1000002", 12.0
    )


def test_read_qualities_reads_the_sidecar(tmp_path: Path) -> None:
    path = write(tmp_path, INDICATORS, "ind.csv")
    side = tmp_path / "ind.csv.meta.json"
    record = {
        "kind": "indicators",
        "created_at": "2026-01-01T00:00:00Z",
        "data_cutoff": "2011-01-05",
        "rows": 2,
        "sha256": "0" * 64,
        "source": ["x"],
    }
    side.write_text(json.dumps(record), encoding="utf-8")
    table = read_qualities(path)
    assert table.provenance["data_cutoff"] == "2011-01-05"
    assert table.warnings == (f"ind.csv changed after it was written (sha256 differs from {side})",)


@pytest.mark.parametrize(
    ("text", "column", "field", "rule"),
    [
        ("pub_id,quality_index\nX,1\n", "quality_index", "ind.csv", "has no patent_id column"),
        (INDICATORS, "quality", "--quality-indicator", "'quality' is not a column of ind.csv"),
        (
            "patent_id,quality_index\n1,high\n",
            "quality_index",
            "ind.csv:2",
            "column quality_index: must be a number (got 'high')",
        ),
        (
            "patent_id,pub_id,quality_index\n1,A,0.1\n2,A,0.2\n",
            "quality_index",
            "ind.csv:3",
            "column pub_id: 'A' is listed twice",
        ),
    ],
)
def test_bad_indicators(tmp_path: Path, text: str, column: str, field: str, rule: str) -> None:
    path = write(tmp_path, text, "ind.csv")
    with pytest.raises(InputError) as exc:
        read_qualities(path, column)
    assert exc.value.field.endswith(field) and exc.value.rule.startswith(rule)


def _result() -> object:
    deals = read_deals(
        Path(__file__).parents[2] / "examples" / "data" / "patent_deals_illustrative.csv"
    ).records
    matches = {
        d.patent_id: PatentMatch(d.patent_id, 0.5 - i / 100)
        for i, d in enumerate(deals)
        if d.deal_id not in ("ILL-009", "ILL-005")
    }
    return select_comparables(
        deals,
        matches,
        options=ComparableOptions(as_of=dt.date(2015, 6, 30), min_count=3, max_weight=0.2),
        subject=Subject("test subject"),
        provenance={"deals": {"path": "d.csv", "sha256": "ab" * 32, "rows": 12}},
    )


def test_render_block_is_a_valid_approach_with_provenance_comments() -> None:
    from ipvalue.model.approaches import MarketComparables

    res = _result()
    text = render_block(res, created_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))  # type: ignore[arg-type]
    head = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert head[0].endswith("2026-01-02T03:04:05Z")
    assert any("sha256 " + "ab" * 32 in ln for ln in head)
    assert any(ln.startswith("# X_i = price_i × fx(currency_i → USD)") for ln in head)
    assert any("look-ahead" in ln for ln in head)
    items = yaml.safe_load(text)
    assert isinstance(items, list) and len(items) == 1
    block = MarketComparables.model_validate(items[0])
    assert block.max_weight == 0.2 and len(block.comparables) == 9  # 12 − 2 unmatched − 1 late
    assert block.comparables[0].date == dt.date(2013, 5, 20)
    assert block.comparables[0].name == "ILL-001"
    # no rounding in the block: the unit prices are exactly those computed
    assert [c.unit_price for c in block.comparables] == [r.unit_price for r in res.rows]  # type: ignore[attr-defined]


def test_write_block_atomic(tmp_path: Path) -> None:
    out = write_block("a: 1\n", tmp_path / "approach.yaml")
    assert out.read_text() == "a: 1\n" and [p.name for p in tmp_path.iterdir()] == ["approach.yaml"]
    with pytest.raises(InputError, match="does not exist"):
        write_block("a: 1\n", tmp_path / "missing" / "approach.yaml")
    with pytest.raises(InputError, match="is a folder"):
        write_block("a: 1\n", tmp_path)


def test_read_qualities_from_parquet(tmp_path: Path) -> None:
    path = tmp_path / "ind.parquet"
    pd.DataFrame(
        {
            "patent_id": ["1000001", "1000002"],
            "pub_id": ["US-1000001-B2", "US-1000002-B2"],
            "quality_index": [0.25, float("nan")],
        }
    ).to_parquet(path)
    table = read_qualities(path)
    assert table.find("US1000001B2") == QualityScore("1000001", 0.25)
    assert table.find("1000002") == QualityScore("1000002", None)
