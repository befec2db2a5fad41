"""lookup(): values, units and provenance taken straight from the packaged CSVs."""

from __future__ import annotations

import csv
import math
from decimal import Decimal
from pathlib import Path

import pytest

from ipvalue.core.errors import InputError
from ipvalue.refdata import TABLES, get_table, lookup, parse_source_date
from ipvalue.refdata._tables import DATA_DIR

SHARED = Path(__file__).resolve().parents[3] / "shared" / "refdata"


def test_pct_column_is_a_fraction_with_its_group_source() -> None:
    f = lookup("country_parameters/KR/cit_statutory_combined_pct")
    assert f.value == pytest.approx(0.265)  # CSV cell 26.5 (%) / 100
    assert f.unit == "fraction"
    assert f.source is not None and f.source.startswith("Tax Foundation")
    assert f.source_date == "2023"
    assert not f.overridden
    assert f.ref == "country_parameters/KR/cit_statutory_combined_pct"


def test_damodaran_figures_carry_the_damodaran_source_and_update() -> None:
    f = lookup("country_parameters/IN/damodaran_country_risk_premium_pct")
    assert f.value == pytest.approx(0.0293)
    assert f.source is not None and "Damodaran" in f.source
    assert f.source_date == "January 2025"
    assert f.as_of is not None and f.as_of.isoformat() == "2025-01-01"


def test_yield_date_comes_from_its_own_column() -> None:
    f = lookup("country_parameters/JP/gov_bond_10y_pct")
    assert f.value == pytest.approx(0.0205)
    assert f.as_of is not None and f.as_of.isoformat() == "2025-12-29"
    wgb = lookup("country_parameters/JP/gov_bond_10y_wgb_20240523_pct")
    assert wgb.value == pytest.approx(0.00992)
    assert wgb.source_date == "2024-05-23"


def test_row_level_source_and_confidence() -> None:
    f = lookup("royalty_rates/RR002/mean_pct")
    assert f.value == pytest.approx(0.06)
    assert f.source_date == "2010-03"
    assert f.confidence == "medium (secondary quotation of official survey)"


def test_percent_unit_value_becomes_fraction_and_text_stays_text() -> None:
    f = lookup("industry_technology_factors/TF001/value")
    assert f.value == pytest.approx(0.25)
    assert f.unit is not None and f.unit.startswith("fraction (%")
    tf4 = lookup("industry_technology_factors/TF004/value")
    assert tf4.value == "25-33"  # a range in the source: not parsed, not guessed
    assert tf4.unit is None
    with pytest.raises(InputError, match="is text"):
        tf4.as_float()


def test_non_percent_value_keeps_its_unit() -> None:
    f = lookup("ip_transactions_and_markets/TX003/value")
    assert f.value == 349434.0
    assert f.unit == "USD"


def test_fx_composite_key_and_unit_template() -> None:
    f = lookup("fx_reference/KRW:2024-12-31/units_per_usd")
    assert f.value == 1474.78
    assert f.unit == "KRW per USD"
    assert f.source_date == "2024-12-31"


def test_key_may_contain_slashes() -> None:
    f = lookup("pph_agreements/JPO/KIPO/USPTO:CNIPA/status")
    assert f.value == "active"


def test_free_text_cell_stays_text() -> None:
    f = lookup("country_parameters/JP/patent_term")
    assert isinstance(f.value, str) and f.value.startswith("20 years")


@pytest.mark.parametrize(
    ("ref", "rule"),
    [
        ("country_parameters/KR", "table/key/column"),
        ("nope/KR/x", "unknown reference table"),
        ("country_parameters/XX/cit_statutory_combined_pct", "no row 'XX'"),
        ("country_parameters/KR/nope", "unknown column"),
        ("country_parameters/GB/gov_bond_10y_pct", "missing figures stay missing"),
        ("royalty_rates/RR001/median_pct", "missing figures stay missing"),
    ],
)
def test_bad_refs_name_the_ref(ref: str, rule: str) -> None:
    with pytest.raises(InputError, match=rule) as exc:
        lookup(ref)
    assert exc.value.field == ref


def test_unknown_table_in_get_table() -> None:
    with pytest.raises(InputError, match="unknown reference table"):
        get_table("taxes")


def test_every_non_empty_numeric_cell_round_trips() -> None:
    """Each number in every packaged table is returned unrounded: pct cells as the decimal
    fraction of the published digits (Decimal(raw) / 100, correctly rounded once to float)."""
    checked = 0
    for name, spec in TABLES.items():
        table = get_table(name)
        for key, row in table.rows.items():
            for col in table.columns:
                raw = row.cells[col].strip()
                if not raw:
                    continue
                is_pct = col.endswith("_pct")
                if not (is_pct or col in spec.numeric):
                    continue
                try:
                    number = float(raw)
                except ValueError:
                    continue
                f = lookup(f"{name}/{key}/{col}")
                expected = (
                    float(Decimal(raw) / 100)
                    if is_pct or (f.unit or "").startswith("fraction")
                    else number
                )
                assert f.value == expected
                assert f.source, f.ref
                assert not (isinstance(f.value, float) and math.isnan(f.value))
                checked += 1
    assert checked > 200


def test_empty_cells_are_never_zero() -> None:
    table = get_table("country_parameters")
    assert table.rows["GB"].cells["gov_bond_10y_pct"] == ""
    with pytest.raises(InputError):
        lookup("country_parameters/GB/gov_bond_10y_pct")


@pytest.mark.skipif(not SHARED.exists(), reason="shared refdata drop not present")
def test_packaged_copy_matches_shared_drop() -> None:
    for p in SHARED.glob("*.csv"):
        assert (DATA_DIR / p.name).read_bytes() == p.read_bytes(), p.name


def test_every_packaged_table_has_a_spec_and_unique_keys() -> None:
    for p in DATA_DIR.glob("*.csv"):
        assert p.stem in TABLES
        spec = TABLES[p.stem]
        with p.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        keys = [":".join(r[c] for c in spec.key) for r in rows]
        assert len(keys) == len(set(keys)), p.name
        assert len(get_table(p.stem).rows) == len(rows)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2010-03", "2010-03-01"),
        ("2023", "2023-01-01"),
        ("January 2025", "2025-01-01"),
        ("2025-12-29 (NZ Herald briefing 23:29 UTC)", "2025-12-29"),
        ("2019 (Q1, as announced)", "2019-01-01"),
    ],
)
def test_parse_source_date(text: str, iso: str) -> None:
    d = parse_source_date(text)
    assert d is not None and d.isoformat() == iso


@pytest.mark.parametrize("text", [None, "", "unknown", "2023-13"])
def test_parse_source_date_undated(text: str | None) -> None:
    assert parse_source_date(text) is None


def test_percent_figures_keep_their_published_digits() -> None:
    # JPO FY2009 micro/nanotech mean royalty is published as 4.1 %; 4.1 / 100 in binary
    # floating point gives 0.040999999999999995, Decimal division gives exactly 0.041.
    from ipvalue.refdata._lookup import _percent_to_fraction

    assert _percent_to_fraction("4.1") == 0.041
    assert _percent_to_fraction("29.74") == 0.2974
