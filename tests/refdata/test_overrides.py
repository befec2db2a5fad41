"""User override files (setting refdata_dir): replacement by key, new rows, validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ipvalue.core.errors import InputError
from ipvalue.refdata import fx_rate, lookup, packaged_version, refdata_version


def _write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_override_replaces_only_the_given_columns(override_dir: Path) -> None:
    _write(
        override_dir,
        "country_parameters.csv",
        "iso2,cit_statutory_combined_pct,source,source_date,author,reason\n"
        "KR,24.2,Korean CIT Act 2025 amendment,2025-01-01,J. Kim,2025 top bracket cut\n",
    )
    f = lookup("country_parameters/KR/cit_statutory_combined_pct")
    assert f.value == pytest.approx(0.242)
    assert f.overridden and "override" in f.flags
    assert f.source == "Korean CIT Act 2025 amendment"
    assert f.source_date == "2025-01-01"
    assert f.note is not None and "country_parameters.csv:2" in f.note and "J. Kim" in f.note
    # other columns of the same row keep the packaged figure and its own source
    erp = lookup("country_parameters/KR/damodaran_total_erp_pct")
    assert erp.value == pytest.approx(0.0499) and not erp.overridden


def test_override_adds_rows_and_changes_the_version(override_dir: Path) -> None:
    _write(
        override_dir,
        "fx_reference.csv",
        "currency_iso4217,reference_date,units_per_usd,source,source_date\n"
        "KRW,2025-06-30,1350.0,Bank of Korea closing rate,2025-06-30\n",
    )
    f = fx_rate("KRW", "USD", date(2025, 6, 30))
    assert f.value == pytest.approx(1 / 1350.0)
    assert f.flags == ("override",)
    assert f.source_date == "2025-06-30"
    assert refdata_version().startswith(packaged_version() + "+override.")


def test_no_override_folder_means_packaged_version() -> None:
    assert refdata_version() == packaged_version()


def test_empty_override_cell_makes_the_figure_missing(override_dir: Path) -> None:
    _write(
        override_dir,
        "royalty_rates.csv",
        "record_id,mean_pct,source,source_date\nRR001,,withdrawn pending review,2026-01\n",
    )
    with pytest.raises(InputError, match="missing figures stay missing"):
        lookup("royalty_rates/RR001/mean_pct")


@pytest.mark.parametrize(
    ("name", "text", "where", "rule"),
    [
        ("taxes.csv", "a\n1\n", "taxes.csv", "not a reference table"),
        ("country_parameters.csv", "", "country_parameters.csv", "is empty"),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source\nKR,24,x\n",
            "country_parameters.csv:1",
            "missing required column",
        ),
        (
            "country_parameters.csv",
            "iso2,tax,source,source_date\nKR,24,x,2025\n",
            "country_parameters.csv:1",
            "unknown column",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\nKR,24,,2025\n",
            "country_parameters.csv:2",
            "source must not be empty",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\nKR,24,x,recently\n",
            "country_parameters.csv:2",
            "source_date must be a date",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\n\nKR,nan,x,2025\n",
            "country_parameters.csv:3",
            "finite number",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\nKR,abc,x,2025\n",
            "country_parameters.csv:2",
            "finite number",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\nKR,24,x,2025\nKR,25,y,2025\n",
            "country_parameters.csv:3",
            "duplicate key",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\n,24,x,2025\n",
            "country_parameters.csv:2",
            "must not be empty",
        ),
        (
            "country_parameters.csv",
            "iso2,cit_statutory_combined_pct,source,source_date\nKR,24,x\n",
            "country_parameters.csv:2",
            "cells",
        ),
        (
            "country_parameters.csv",
            "iso2,iso2,source,source_date\nKR,KR,x,2025\n",
            "country_parameters.csv:1",
            "duplicate column",
        ),
    ],
)
def test_bad_override_files_name_file_and_line(
    override_dir: Path, name: str, text: str, where: str, rule: str
) -> None:
    _write(override_dir, name, text)
    with pytest.raises(InputError, match=rule) as exc:
        lookup("country_parameters/KR/cit_statutory_combined_pct")
    assert exc.value.field.endswith(where)


def test_non_utf8_override(override_dir: Path) -> None:
    (override_dir / "royalty_rates.csv").write_bytes(
        b"record_id,source,source_date\nRR1,\xff,2020\n"
    )
    with pytest.raises(InputError, match="UTF-8"):
        lookup("royalty_rates/RR001/mean_pct")


def test_override_folder_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipvalue.core.settings import get_settings

    monkeypatch.setenv("IPVALUE_REFDATA_DIR", str(tmp_path / "missing"))
    get_settings.cache_clear()
    with pytest.raises(InputError, match="not a directory") as exc:
        lookup("country_parameters/KR/cit_statutory_combined_pct")
    assert exc.value.field == "IPVALUE_REFDATA_DIR"


def test_override_is_recorded_in_a_valuation(override_dir: Path) -> None:
    """A case referring to an overridden figure: value, assumption, warning and version."""
    import ipvalue

    _write(
        override_dir,
        "country_parameters.csv",
        "iso2,cit_statutory_combined_pct,source,source_date,author\n"
        "KR,20,Test override,2025-06-01,QA\n",
    )
    case = ipvalue.load_case(
        {
            "schema_version": 1,
            "id": "ov",
            "title": "override",
            "purpose": "licensing",
            "valuation_date": "2025-06-30",
            "currency": "KRW",
            "asset": {"type": "patent", "name": "p", "remaining_legal_term_years": 5.0},
            "approaches": [
                {
                    "method": "relief_from_royalty",
                    "revenue": [100.0],
                    "royalty_rate": 0.05,
                    "discount_rate": 0.1,
                    "timing": "end",
                    "tab": False,
                    "tax_rate": {"ref": "country_parameters/KR/cit_statutory_combined_pct"},
                }
            ],
        }
    )
    val = ipvalue.value(case)
    # 100 · 0.05 · (1 − 0.20) / 1.1
    assert val.value == pytest.approx(100 * 0.05 * 0.8 / 1.1, rel=1e-12)
    tax = next(a for a in val.assumptions if a.name == "approaches.0.tax_rate")
    assert "Test override" in tax.source and tax.source_date == "2025-06-01"
    assert "refdata_override" in {w.code for w in val.warnings}
    assert val.refdata_version is not None and "+override." in val.refdata_version
