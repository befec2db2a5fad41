"""Staging delimited / Parquet source files in DuckDB with file-and-line error reporting."""

from __future__ import annotations

import codecs
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from ipvalue.analytics._store import ImportIssue
from ipvalue.core.errors import InputError

MAX_ISSUES_PER_RULE = 1000


def read_header(path: Path, delim: str) -> list[str]:
    """First line of a UTF-8 text file split on ``delim`` (quotes stripped).

    Raises ``InputError`` naming the file when it is not UTF-8 or is empty.
    """
    try:
        with path.open("rb") as fh:
            raw = fh.readline(1 << 20)
        if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
            raise InputError(f"{path}:1", "must be UTF-8 encoded (found a UTF-16 byte-order mark)")
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}:1", f"must be UTF-8 encoded ({exc.reason})") from exc
    if not line.strip():
        raise InputError(f"{path}:1", "must start with a header row")
    return [c.strip().strip('"') for c in line.rstrip("\r\n").split(delim)]


def unzip_single(path: Path, workdir: Path) -> Path:
    """Extract the one data member of a PatentsView ``.tsv.zip`` into ``workdir``."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/") and "__MACOSX" not in m]
            if len(members) != 1:
                raise InputError(
                    str(path), f"zip must contain exactly one file, found {len(members)}"
                )
            target = workdir / Path(members[0]).name
            with zf.open(members[0]) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 22)
            return target
    except zipfile.BadZipFile as exc:
        raise InputError(str(path), f"is not a readable zip archive ({exc})") from exc


def check_columns(path: Path, found: Sequence[str], required: Sequence[str]) -> None:
    """Raise ``InputError`` listing the required columns a file lacks."""
    missing = [c for c in required if c not in found]
    if missing:
        raise InputError(
            str(path),
            f"missing required column(s) {', '.join(missing)} (found: {', '.join(found[:20])})",
        )


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    stage: str,
    required: Sequence[str],
    *,
    display: str,
    issues: list[ImportIssue],
    derived: Mapping[str, str] | None = None,
) -> None:
    """Load one TSV or Parquet file into temp table ``stage`` (all columns + ``_line``).

    ``derived`` maps extra column names to SQL expressions over the file's columns, computed
    once while staging (an id normalised here is not re-trimmed by every later check and join).

    TSV is read as PatentsView publishes it: tab-separated, header row, fields optionally quoted
    with ``"`` and embedded quotes doubled. Rows DuckDB cannot parse (wrong field count, invalid
    UTF-8, unterminated quotes) are not loaded; each is reported with file and line.
    ``_line`` is the physical line of the record (header = line 1) when no field spans lines.
    """
    extra = "".join(f", {expr} AS {name}" for name, expr in (derived or {}).items())
    if path.suffix == ".parquet":
        try:
            cols = [
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet('{_q(path)}')"
                ).fetchall()
            ]
        except duckdb.Error as exc:
            raise InputError(display, f"is not a readable Parquet file ({exc})") from exc
        check_columns(Path(display), cols, required)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT *, row_number() OVER () + 1 AS _line"
            f"{extra} FROM read_parquet('{_q(path)}')"
        )
        return
    cols = read_header(path, "\t")
    check_columns(Path(display), cols, required)
    types = ", ".join(f"'{c}': 'VARCHAR'" for c in cols)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT *, row_number() OVER () + 1 AS _line"
            f"{extra} FROM read_csv('{_q(path)}', delim='\t', header=true, quote='\"', "
            f"escape='\"', columns={{{types}}}, auto_detect=false, store_rejects=true, "
            f"rejects_scan='_ipv_rej_scan', rejects_table='_ipv_rej')"
        )
    except duckdb.Error as exc:
        raise InputError(display, f"cannot be parsed as a tab-separated file ({exc})") from exc
    rejects = con.execute(
        "SELECT line, error_type, column_name, error_message FROM _ipv_rej ORDER BY line"
    ).fetchall()
    for line, etype, col, _msg in rejects[:MAX_ISSUES_PER_RULE]:
        where = f" in column {col}" if col else ""
        issues.append(
            ImportIssue(display, int(line), f"malformed row ({etype}{where}); not loaded")
        )
    if len(rejects) > MAX_ISSUES_PER_RULE:
        issues.append(
            ImportIssue(
                display,
                None,
                f"{len(rejects) - MAX_ISSUES_PER_RULE} more malformed rows not loaded",
            )
        )
    con.execute("DROP TABLE IF EXISTS _ipv_rej")
    con.execute("DROP TABLE IF EXISTS _ipv_rej_scan")


def report_where(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    condition: str,
    display: str,
    rule: str,
    issues: list[ImportIssue],
) -> int:
    """Report every staged row matching ``condition`` as an issue (capped); return the count."""
    n_row = con.execute(f"SELECT count(*) FROM {stage} WHERE {condition}").fetchall()[0]
    n = int(n_row[0]) if n_row else 0
    if n:
        lines = con.execute(
            f"SELECT _line FROM {stage} WHERE {condition} "
            f"ORDER BY _line LIMIT {MAX_ISSUES_PER_RULE}"
        ).fetchall()
        issues.extend(ImportIssue(display, int(r[0]), rule) for r in lines)
        if n > MAX_ISSUES_PER_RULE:
            issues.append(
                ImportIssue(display, None, f"{n - MAX_ISSUES_PER_RULE} more rows: {rule}")
            )
    return n


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def date_sql(expr: str) -> str:
    """SQL turning a text date into DATE: ``YYYY-MM-DD``/``YYYYMMDD``; day ``00`` → the 1st.

    USPTO and PatentsView write month-precision cited dates with day 00 (``2000-06-00``); the
    convention is to date them on the 1st of the month. Month ``00`` stays unknown (NULL).
    """
    t = f"trim(CAST({expr} AS VARCHAR))"
    ymd = "'^(\\d{4})(\\d{2})(\\d{2})$', '\\1-\\2-\\3'"
    iso = f"regexp_replace(regexp_replace({t}, {ymd}), '-00$', '-01')"
    # the plain cast reads almost every value; the regex only runs on what it could not read
    return f"coalesce(TRY_CAST({t} AS DATE), TRY_CAST({iso} AS DATE))"


def bad_date_sql(expr: str) -> str:
    """Condition: a non-empty date text that :func:`date_sql` cannot read."""
    t = f"trim(CAST({expr} AS VARCHAR))"
    return (
        f"(nullif({t}, '') IS NOT NULL AND {date_sql(expr)} IS NULL "
        f"AND NOT regexp_matches({t}, '^\\d{{4}}-?00'))"
    )


def int_sql(expr: str) -> str:
    return f"TRY_CAST(nullif(trim(CAST({expr} AS VARCHAR)), '') AS INTEGER)"


def bad_int_sql(expr: str) -> str:
    return f"(nullif(trim(CAST({expr} AS VARCHAR)), '') IS NOT NULL AND {int_sql(expr)} IS NULL)"


def text_sql(expr: str) -> str:
    return f"nullif(trim(CAST({expr} AS VARCHAR)), '')"
