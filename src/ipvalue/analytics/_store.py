"""The analytics database: a DuckDB file holding the canonical tables.

``connect`` is the one entry point other modules (indicators, landscape, similar) use to read the
canonical tables through Ibis. Writes go through :func:`write_batch`, which replaces the
publications it contains inside one transaction: an import completes or leaves the file as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from ipvalue.analytics._schema import PUB_KEYED, SCHEMA, ddl
from ipvalue.core.errors import InputError

if TYPE_CHECKING:
    import ibis
    from ibis.backends.duckdb import Backend as DuckDBBackend


@dataclass(frozen=True)
class ImportIssue:
    """A malformed row that was not loaded: where it is and which rule it broke."""

    file: str
    line: int | None
    rule: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.rule}"


@dataclass
class CanonicalBatch:
    """Rows for the canonical tables produced by one importer, plus the rows it rejected."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)

    def add(self, table: str, frame: pd.DataFrame) -> None:
        """Append rows (columns are aligned to the canonical schema when written)."""
        if table in self.tables:
            self.tables[table] = pd.concat([self.tables[table], frame], ignore_index=True)
        else:
            self.tables[table] = frame


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote."""

    run_id: int
    source_format: str
    source_path: str
    n_publications: int
    n_citations: int
    issues: tuple[ImportIssue, ...]


def resolve_db_path(path: str | Path | None) -> Path:
    """The DuckDB file to use: ``path`` or the ``analytics_db`` setting."""
    if path is not None:
        return Path(path)
    from ipvalue.core.settings import get_settings

    return Path(get_settings().analytics_db)


def open_duckdb(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (and, when writable, initialise) the analytics DuckDB file.

    ``":memory:"`` gives a throw-away database. Raises ``InputError`` when a read-only open
    targets a file that does not exist.
    """
    p = resolve_db_path(path)
    if str(p) != ":memory:" and read_only and not p.exists():
        raise InputError(
            "analytics_db", f"database file {p} does not exist (run `ipvalue patents import` first)"
        )
    if str(p) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(p), read_only=read_only)
    if not read_only:
        for stmt in ddl():
            con.execute(stmt).fetchall()
        # files written by an earlier version gain the columns added since (NULL = unknown)
        for table, cols in SCHEMA.items():
            for col, typ in cols.items():
                con.execute(
                    f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{col}" {typ}'
                ).fetchall()
    return con


def connect(path: str | Path | None = None, *, read_only: bool = False) -> DuckDBBackend:
    """Ibis connection to the analytics database with the canonical tables.

    Parameters
    ----------
    path : path, optional
        DuckDB file; defaults to the ``analytics_db`` setting. ``":memory:"`` for a scratch
        database.
    read_only : bool
        Open read-only (several readers may share the file). The file must exist.

    Returns
    -------
    ibis DuckDB backend; ``con.table("publication")`` etc. (see ``SCHEMA``).
    """
    import ibis

    return ibis.duckdb.from_connection(open_duckdb(path, read_only=read_only))


def canonical_tables(con: Any) -> dict[str, ibis.Table]:
    """Every canonical table of an Ibis backend, by name."""
    return {name: con.table(name) for name in SCHEMA}


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN … COMMIT, ROLLBACK on any error (so a failed import leaves nothing behind)."""
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
    con.execute("COMMIT").fetchall()


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM import_run").fetchall()[0]
    return int(row[0]) if row else 1


def _aligned(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    cols = SCHEMA[table]
    unknown = set(frame.columns) - set(cols)
    if unknown:  # programming error in an importer, not user input
        raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
    return frame.reindex(columns=list(cols))


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame into a canonical table, casting each column to its schema type."""
    if frame.empty:
        return
    aligned = _aligned(table, frame)
    casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in SCHEMA[table].items())
    con.register("_ipv_batch", aligned)
    try:
        con.execute(f"INSERT INTO {table} SELECT {casts} FROM _ipv_batch").fetchall()
    finally:
        con.unregister("_ipv_batch")


def replace_publications(con: duckdb.DuckDBPyConnection, staged_pub_ids: str) -> None:
    """Delete every row of the publications listed in the relation ``staged_pub_ids(pub_id)``."""
    for table, key in PUB_KEYED.items():
        con.execute(
            f'DELETE FROM {table} WHERE "{key}" IN (SELECT pub_id FROM {staged_pub_ids})'
        ).fetchall()


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    source_format: str,
    source_path: str,
    issues: list[ImportIssue],
) -> ImportReport:
    """Write the ``import_run`` row and the issues; return the report."""
    n_pub = con.execute("SELECT count(*) FROM publication WHERE run_id = ?", [run_id]).fetchall()[0]
    n_cit = con.execute(
        "SELECT count(*) FROM citation WHERE citing_pub_id IN "
        "(SELECT pub_id FROM publication WHERE run_id = ?)",
        [run_id],
    ).fetchall()[0]
    n_publications = int(n_pub[0]) if n_pub else 0
    n_citations = int(n_cit[0]) if n_cit else 0
    con.execute(
        "INSERT INTO import_run VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            source_format,
            source_path,
            datetime.now(),
            n_publications,
            n_citations,
            len(issues),
        ],
    ).fetchall()
    if issues:
        insert_frame(
            con,
            "import_issue",
            pd.DataFrame(
                {
                    "run_id": run_id,
                    "file": [i.file for i in issues],
                    "line": [i.line for i in issues],
                    "rule": [i.rule for i in issues],
                }
            ),
        )
    return ImportReport(
        run_id, source_format, source_path, n_publications, n_citations, tuple(issues)
    )


def write_batch(
    con: duckdb.DuckDBPyConnection, batch: CanonicalBatch, *, source_format: str, source_path: str
) -> ImportReport:
    """Write one importer's batch atomically, replacing publications already present."""
    pubs = batch.tables.get("publication", pd.DataFrame(columns=["pub_id"]))
    with transaction(con):
        run_id = next_run_id(con)
        con.register("_ipv_ids", pubs[["pub_id"]].drop_duplicates())
        try:
            replace_publications(con, "_ipv_ids")
        finally:
            con.unregister("_ipv_ids")
        for table, frame in batch.tables.items():
            frame = frame.copy()
            if table == "publication":
                frame["run_id"] = run_id
            if table == "family" and not frame.empty:
                con.register("_ipv_fam", frame[["family_id"]].drop_duplicates())
                con.execute(
                    "DELETE FROM family WHERE family_id IN (SELECT family_id FROM _ipv_fam)"
                ).fetchall()
                con.unregister("_ipv_fam")
            insert_frame(con, table, frame)
        return record_run(con, run_id, source_format, source_path, batch.issues)
