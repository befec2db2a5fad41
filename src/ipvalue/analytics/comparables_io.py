"""File edges of the comparables workflow: deal records in, quality scores in, YAML block out.

* :func:`read_deals` — a deals file (CSV, optionally with leading ``#`` comment lines, or
  Parquet), every row validated; all problems are reported together with file, line, column
  and rule, and nothing is returned half-read.
* :func:`read_qualities` — quality scores of an ``ipvalue patents indicators`` file, looked up by
  any identifier form of a patent; its provenance sidecar is read when present.
* :func:`render_block` / :func:`write_block` — the ``market_comparables`` approach as YAML with
  provenance comments, checked against the case model and written atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ipvalue.analytics._provenance import read_provenance, sha256_file
from ipvalue.analytics.comparables import (
    BASES,
    RIGHTS,
    ComparablesResult,
    DealRecord,
    QualityScore,
)
from ipvalue.analytics.similar import identifier_key
from ipvalue.core.errors import InputError, InputErrors

REQUIRED_COLUMNS: tuple[str, ...] = ("patent_id", "unit_price", "currency", "date", "basis")
OPTIONAL_COLUMNS: tuple[str, ...] = ("rights", "territory", "source", "deal_id", "data_quality")
_CCY = re.compile(r"^[A-Z]{3}$")
_MAX_ERRORS = 50


@dataclass(frozen=True)
class DealsFile:
    """Validated deal records and the file they came from."""

    path: str
    sha256: str
    records: tuple[DealRecord, ...]


def read_deals(path: Path) -> DealsFile:
    """Read and validate a deals file (``.csv`` or ``.parquet``).

    CSV: UTF-8 (a byte-order mark is accepted); lines starting with ``#`` before the header are
    comments (e.g. a note that prices are illustrative). Columns ``patent_id, unit_price,
    currency, date, basis`` are required; ``rights, territory, source, deal_id, data_quality``
    are optional; other columns are ignored.

    Rules per row: ``patent_id`` not empty (at most 100 characters); ``basis`` one of price,
    royalty_rate, price_to_revenue; ``unit_price`` a number > 0 (a royalty rate a fraction in
    (0, 1]); ``currency`` a 3-letter ISO code (required for price deals); ``date``
    ``YYYY-MM-DD``; ``rights`` one of assignment, exclusive_licence, non_exclusive_licence;
    ``data_quality`` in (0, 1]; ``deal_id`` unique (at most 200 characters); two rows with the
    same patent and date need deal ids.

    Raises
    ------
    InputError
        Missing, unreadable, empty file, or a required column missing.
    InputErrors
        Every row that breaks a rule (up to 50), each as ``file:line`` + column + rule.
    """
    if not path.is_file():
        raise InputError("--deals", f"{path} does not exist or is not a file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        rows = list(_parquet_rows(path))
    elif suffix in (".csv", ".txt"):
        rows = list(_csv_rows(path))
    else:
        raise InputError("--deals", f"{path.name}: must be a .csv or .parquet file")
    if not rows:
        raise InputError(str(path), "has no deal rows")
    records, errors = _validate(path.name, rows)
    if errors:
        if len(errors) > _MAX_ERRORS:
            more = len(errors) - _MAX_ERRORS
            errors = [*errors[:_MAX_ERRORS], InputError(path.name, f"… and {more} more errors")]
        raise InputErrors(errors)
    return DealsFile(str(path), sha256_file(path), tuple(records))


def _columns(names: Sequence[str], where: str) -> dict[str, str]:
    """Map canonical column → column as written (case and surrounding spaces ignored)."""
    found = {str(n).strip().lower(): str(n) for n in names}
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        required = ", ".join(REQUIRED_COLUMNS)
        raise InputError(where, f"missing column(s) {', '.join(missing)} (required: {required})")
    return {c: found[c] for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in found}


def _csv_rows(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            lines = f.readlines()
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"must be UTF-8 encoded ({exc.reason})") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    skip = 0
    while skip < len(lines) and (lines[skip].lstrip().startswith("#") or not lines[skip].strip()):
        skip += 1
    if skip == len(lines):
        raise InputError(str(path), "has no header row")
    reader = csv.reader(lines[skip:], strict=True)
    try:
        header = next(reader)
        cols = _columns(header, f"{path.name}:{skip + 1}")
        pos = {c: header.index(name) for c, name in cols.items()}
        for row in reader:
            line = skip + reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(
                    f"{path.name}:{line}", f"has {len(row)} fields, the header {len(header)}"
                )
            yield f"{path.name}:{line}", {c: row[i].strip() for c, i in pos.items()}
    except csv.Error as exc:
        raise InputError(
            f"{path.name}:{skip + reader.line_num}", f"is not valid CSV ({exc})"
        ) from None


def _parquet_rows(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"is not a readable Parquet file ({exc})") from None
    cols = _columns(list(frame.columns), path.name)
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        yield f"{path.name}:row {i}", {c: _cell_text(rec[name]) for c, name in cols.items()}


def _cell_text(v: Any) -> str:
    """A Parquet cell as the text a CSV would hold (dates ISO, missing empty)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(v)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _validate(
    name: str, rows: Sequence[tuple[str, dict[str, str]]]
) -> tuple[list[DealRecord], list[InputError]]:
    records: list[DealRecord] = []
    errors: list[InputError] = []
    deal_ids: dict[str, str] = {}
    seen: dict[tuple[str, dt.date], str] = {}
    for where, cells in rows:

        def bad(column: str, rule: str, where: str = where) -> None:
            errors.append(InputError(f"{where}", f"column {column}: {rule}"))

        def cell(column: str, cells: dict[str, str] = cells) -> str:
            return cells.get(column, "")

        n_before = len(errors)
        pid = cell("patent_id")
        if not pid:
            bad("patent_id", "must not be empty")
        elif len(pid) > 100:
            bad("patent_id", "must be at most 100 characters")
        basis = cell("basis").lower()
        if basis not in BASES:
            bad("basis", f"must be one of {', '.join(BASES)} (got {cell('basis')!r})")
        price = _number(cell("unit_price"))
        if price is None:
            bad("unit_price", f"must be a number (got {cell('unit_price')!r})")
        elif not price > 0:
            bad("unit_price", "must be > 0")
        elif basis == "royalty_rate" and price > 1:
            bad(
                "unit_price",
                "a royalty rate is a fraction of revenue in (0, 1], e.g. 0.035 for 3.5 %",
            )
        ccy = cell("currency").upper()
        if ccy and not _CCY.match(ccy):
            bad("currency", f"must be a 3-letter ISO 4217 code such as USD (got {ccy!r})")
        elif not ccy and basis == "price":
            bad("currency", "is required for price deals")
        date = None
        try:
            date = dt.date.fromisoformat(cell("date"))
            if len(cell("date")) != 10:
                raise ValueError
        except ValueError:
            bad("date", f"must be a date YYYY-MM-DD (got {cell('date')!r})")
            date = None
        rights = cell("rights").lower() or None
        if rights is not None and rights not in RIGHTS:
            bad("rights", f"must be one of {', '.join(RIGHTS)} (got {cell('rights')!r})")
        dq_text = cell("data_quality")
        dq = _number(dq_text) if dq_text else None
        if dq_text and (dq is None or not 0 < dq <= 1):
            bad("data_quality", f"must be a number in (0, 1] (got {dq_text!r})")
        deal_id = cell("deal_id") or None
        if deal_id is not None:
            if len(deal_id) > 200:
                bad("deal_id", "must be at most 200 characters")
            elif deal_id in deal_ids:
                bad("deal_id", f"{deal_id!r} is already used at {deal_ids[deal_id]}")
            deal_ids.setdefault(deal_id, where)
        elif pid and date is not None:
            key = (identifier_key(pid), date)
            if key in seen:
                bad("deal_id", f"same patent and date as {seen[key]}: give each deal a deal_id")
            seen.setdefault(key, where)
        if len(errors) > n_before:
            continue
        assert price is not None and date is not None
        records.append(
            DealRecord(
                where=where,
                patent_id=pid,
                unit_price=price,
                currency=ccy or None,
                date=date,
                basis=basis,  # type: ignore[arg-type]
                rights=rights,  # type: ignore[arg-type]
                territory=cell("territory") or None,
                source=cell("source") or None,
                deal_id=deal_id,
                data_quality=dq,
            )
        )
    return records, errors


def _number(text: str) -> float | None:
    try:
        v = float(text.replace(",", "")) if text else None
    except ValueError:
        return None
    return v if v is not None and math.isfinite(v) else None


@dataclass(frozen=True)
class QualityTable:
    """Quality scores of an indicators file, findable by any identifier form.

    Attributes
    ----------
    path, column, sha256 : str
    provenance : dict
        The sidecar's record (kind, created_at, data_cutoff, …), empty when it has none.
    warnings : tuple of str
    """

    path: str
    column: str
    sha256: str
    scores: Mapping[str, QualityScore]
    provenance: Mapping[str, Any]
    warnings: tuple[str, ...]

    def find(self, *identifiers: str | None) -> QualityScore | None:
        """The score of the first identifier found (``patent_id`` or ``pub_id`` of the file;
        case, spaces, hyphens and slashes ignored), or None."""
        for ident in identifiers:
            if ident:
                hit = self.scores.get(identifier_key(ident))
                if hit is not None:
                    return hit
        return None


def read_qualities(path: Path, column: str = "quality_index") -> QualityTable:
    """Read ``patent_id`` (+ ``pub_id``) and the quality column of an indicators file.

    Empty cells give a score of None (the patent has no defined quality). The provenance
    sidecar (``X.csv.meta.json``) is read when present; without it, or when its hash differs
    from the file, a warning says so.

    Raises
    ------
    InputError
        Missing or unreadable file, no ``patent_id`` column, no such quality column, a value
        that is not a number, or a patent listed twice.
    """
    if not path.is_file():
        raise InputError("--indicators", f"{path} does not exist or is not a file")
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
            line0 = None
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            line0 = 2
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(str(path), f"is not a readable indicators file ({exc})") from None
    if "patent_id" not in frame.columns:
        raise InputError(
            str(path), "has no patent_id column (write it with `ipvalue patents indicators`)"
        )
    if column not in frame.columns:
        raise InputError("--quality-indicator", f"{column!r} is not a column of {path.name}")
    scores: dict[str, QualityScore] = {}
    id_cols = [c for c in ("patent_id", "pub_id") if c in frame.columns]
    for i, rec in enumerate(frame[[*id_cols, column]].to_dict("records")):
        where = f"{path.name}:{i + line0}" if line0 else f"{path.name}:row {i + 1}"
        raw = _cell_text(rec[column])
        value = None
        if raw:
            value = _number(raw)
            if value is None:
                raise InputError(where, f"column {column}: must be a number (got {raw!r})")
        pid = _cell_text(rec["patent_id"])
        if not pid:
            raise InputError(where, "column patent_id: must not be empty")
        score = QualityScore(pid, value)
        for c in id_cols:
            ident = _cell_text(rec[c])
            if ident:
                key = identifier_key(ident)
                if key in scores and scores[key].patent_id != pid:
                    raise InputError(where, f"column {c}: {ident!r} is listed twice")
                scores[key] = score
    digest = sha256_file(path)
    prov, where = read_provenance(path)
    warnings: list[str] = []
    record: dict[str, Any] = {}
    if prov is None:
        warnings.append(
            f"{path.name} has no provenance sidecar: where its indicators come from is unknown"
        )
    else:
        record = {**prov.to_json_dict(), "read_from": where}
        if prov.kind != "indicators":
            warnings.append(
                f"{path.name}: its provenance says kind {prov.kind!r}, not 'indicators'"
            )
        if prov.sha256 is not None and prov.sha256 != digest:
            warnings.append(
                f"{path.name} changed after it was written (sha256 differs from {where})"
            )
    return QualityTable(str(path), column, digest, scores, record, tuple(warnings))


def render_block(result: ComparablesResult, *, created_at: dt.datetime | None = None) -> str:
    """YAML of the approach as one list item, preceded by provenance comments.

    The text is parsed back and checked against the case model before it is returned, so what
    is written is exactly what a case will accept.

    Raises
    ------
    InputError
        The block breaks a rule of the case model.
    """
    from ipvalue import __version__
    from ipvalue.model.approaches import MarketComparables

    block = result.validated_block()
    when = (created_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    o = result.options
    p = result.provenance
    lines = [
        f"market_comparables approach proposed by `ipvalue patents comparables` "
        f"(ipvalue {__version__}), {when.isoformat(timespec='seconds').replace('+00:00', 'Z')}",
        f"subject: {result.subject.label}",
    ]
    if "deals" in p:
        d = p["deals"]
        lines.append(f"deals: {d['path']} (sha256 {d['sha256']}, {d['rows']} rows)")
    if "corpus" in p:
        c = p["corpus"]
        lines.append(f"corpus: {c['source']} ({c['patents']} patents); {result.similarity_formula}")
    if "indicators" in p:
        q = p["indicators"]
        lines.append(
            f"indicators: {q['path']} (sha256 {q['sha256']}), quality column "
            f"{q['column']}; built {q.get('created_at') or 'at an unknown time'}, "
            f"data to {q.get('data_cutoff') or 'unknown'}"
        )
    if result.subject.quality is not None:
        lines.append(f"subject Q = {result.subject.quality!r} ({result.subject.quality_source})")
    lines.append(
        f"options: as_of {o.as_of.isoformat()}, currency {o.currency}, recency half-life "
        f"{o.recency_half_life:g} y, top {o.top}, min similarity {o.min_similarity:g}, "
        f"min count {o.min_count}, max weight {o.max_weight}, basis {result.basis}, "
        f"subject scale {o.subject_scale:g}"
    )
    lines.append("conventions:")
    lines.extend(f"  {c}" for c in result.conventions)
    lines.append("comparables (weight w = normalised similarity × recency × data quality):")
    for r in result.rows:
        txt = (
            f"  {r.rank}. {r.name}: s {r.similarity:.4f} × r {r.recency:.4f} × q "
            f"{r.data_quality:g} → w {r.weight:.4f}{' (at cap)' if r.capped else ''}; "
            f"X {_amount(r.unit_price)}"
        )
        if r.quality_ratio is not None:
            txt += f"; Q/Q_i {r.quality_ratio:.4f}"
        lines.append(txt)
    v = result.indicative_value
    if v is not None:
        spread = result.spread
        lines.append(
            f"indicative value before correction coefficients: {_amount(v)}"
            + (f" (spread {spread:.1%})" if spread is not None else "")
        )
    counts: dict[str, int] = {}
    for e in result.excluded:
        key = "after as_of (look-ahead)" if "look-ahead" in e.reason else e.reason
        counts[key] = counts.get(key, 0) + 1
    if counts:
        lines.append("excluded deals: " + "; ".join(f"{n} {k}" for k, n in counts.items()))
    if result.warnings:
        lines.append("warnings:")
        lines.extend(f"  {w}" for w in result.warnings)
    lines.append(
        "Add correction coefficients (rights_conveyed, transaction_date, …) after "
        "reading each agreement."
    )
    lines.append("Paste the item below under a case's `approaches:` (column 0 is valid YAML).")
    header = "".join(f"# {_one_line(x)}\n" for x in lines)
    body = yaml.safe_dump([block], sort_keys=False, allow_unicode=True, width=100)
    text = header + body
    parsed = yaml.safe_load(text)
    MarketComparables.model_validate(parsed[0])
    return text


def _amount(x: float) -> str:
    """``1,250,000.00`` for amounts, ``0.035`` for rates and multiples (display only)."""
    return f"{x:,.2f}" if x >= 1000 else f"{x:.6g}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_block(text: str, out: Path) -> Path:
    """Write ``text`` to ``out`` atomically (temporary file + rename): never half a file.

    Raises
    ------
    InputError
        ``out`` is a folder or its folder does not exist.
    """
    if out.is_dir():
        raise InputError("--out", f"{out} is a folder")
    if not out.parent.exists():
        raise InputError("--out", f"folder {out.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".comparables-", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
