"""The analytics database: a DuckDB file holding the canonical tables.

``connect`` is the one entry point other modules (indicators, landscape, similar) use to read the
canonical tables through Ibis. Writes go through :func:`write_batch`, which replaces the
publications it contains inside one transaction: an import completes or leaves the file as it was.

Integer keys (``pub_key``, ``doc_key``, ``citing_key``, ``cited_key``; see
:mod:`ipvalue.analytics._schema`) are maintained here for every importer: :func:`stage_keys`
numbers the publications of an import before their old rows are deleted (a re-imported
publication keeps its key), :func:`resolve_documents` re-resolves the documents the import touched
(and every older citation pointing at them), :func:`fill_keys` gives rows their publication's key.
A file written before the keys existed is upgraded in place when it is opened
(:func:`upgrade_keys`).
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

from ipvalue.analytics._schema import KEY_COLUMN, PUB_KEYED, SCHEMA, ddl
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
    #: publications given WIPO fields from their codes (None: the import derives none)
    n_fields_derived: int | None = None


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
    targets a file that does not exist. A file written by an earlier version without the integer
    keys is upgraded in place (one transaction; a read-only open briefly opens it writable first)
    and ``InputError`` names the rebuild command when that is impossible (file not writable, or
    held open by another process).
    """
    p = resolve_db_path(path)
    if str(p) != ":memory:" and read_only and not p.exists():
        raise InputError(
            "analytics_db", f"database file {p} does not exist (run `ipvalue patents import` first)"
        )
    if str(p) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
    if read_only and _needs_upgrade(p):
        try:
            open_duckdb(p).close()  # writable open upgrades
        except (duckdb.Error, OSError) as exc:
            raise InputError(
                "analytics_db",
                f"{p} was written by an earlier ipvalue without integer keys and cannot be "
                f"upgraded in place ({exc}); rebuild it with `ipvalue patents import --source "
                f"<data> --format <format> --db {p}`",
            ) from exc
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
        upgrade_keys(con)
    return con


def _needs_upgrade(path: Path) -> bool:
    """Whether an existing file lacks the integer keys (checked on a short read-only open)."""
    if str(path) == ":memory:" or not path.exists():
        return False
    con = duckdb.connect(str(path), read_only=True)
    try:
        cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'publication'"
            ).fetchall()
        }
        if not cols:  # no canonical tables yet: nothing to upgrade
            return False
        if "pub_key" not in cols:
            return True
        row = con.execute("SELECT count(*) FROM publication WHERE pub_key IS NULL").fetchall()
        return bool(row and row[0][0])
    finally:
        con.close()


def upgrade_keys(con: duckdb.DuckDBPyConnection) -> bool:
    """Give a file written before the integer keys existed its keys; True when it did.

    Runs in one transaction: publications without a key are numbered after the largest key in
    ``pub_id`` order, then documents, rows and citations are resolved as an import would.
    """
    row = con.execute("SELECT count(*) FROM publication WHERE pub_key IS NULL").fetchall()
    if not row or not row[0][0]:
        return False
    with transaction(con):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _ipv_old AS "
            "SELECT DISTINCT pub_id FROM publication WHERE pub_key IS NULL"
        ).fetchall()
        stage_keys(con, "_ipv_old")
        con.execute(
            "UPDATE publication SET pub_key = k.pub_key FROM _ipv_keys k "
            "WHERE publication.pub_id = k.pub_id AND publication.pub_key IS NULL"
        ).fetchall()
        resolve_documents(con)
        fill_keys(con)
        con.execute("DROP TABLE IF EXISTS _ipv_old").fetchall()
    return True


def stage_keys(con: duckdb.DuckDBPyConnection, staged_pub_ids: str) -> None:
    """Temp table ``_ipv_keys(pub_id, pub_key)`` for the publications about to be written.

    Call before the old rows are deleted: a ``pub_id`` already in ``publication`` keeps its key
    (so citations resolved to it stay valid); new ones are numbered after the largest key, in
    ``pub_id`` order. ``staged_pub_ids`` is a relation with a ``pub_id`` column.
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ipv_keys AS
        WITH s AS (SELECT DISTINCT pub_id FROM {staged_pub_ids} WHERE pub_id IS NOT NULL),
        old AS (SELECT s.pub_id, min(p.pub_key) AS pub_key FROM s
                JOIN publication p ON p.pub_id = s.pub_id WHERE p.pub_key IS NOT NULL GROUP BY 1)
        SELECT pub_id, pub_key FROM old
        UNION ALL
        SELECT s.pub_id, (SELECT coalesce(max(pub_key), 0) FROM publication)
                         + row_number() OVER (ORDER BY s.pub_id) AS pub_key
        FROM s ANTI JOIN old ON old.pub_id = s.pub_id"""
    ).fetchall()


def resolve_documents(con: duckdb.DuckDBPyConnection, touched_keys: str | None = None) -> None:
    """Set ``doc_key`` and re-resolve ``cited_key`` for the documents an import touched.

    ``touched_keys`` is a relation with a ``pub_key`` column (the publications just written);
    ``None`` resolves every document. A document's key is the ``pub_key`` of its smallest
    ``pub_id``, so adding a publication can move it: every citation of a touched document, old or
    new, is pointed at the current key.
    """
    where = (
        f"WHERE doc_id IN (SELECT doc_id FROM publication "
        f"SEMI JOIN {touched_keys} t ON t.pub_key = publication.pub_key)"
        if touched_keys
        else ""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ipv_docs AS
        SELECT doc_id, arg_min(pub_key, pub_id) AS doc_key FROM publication {where} GROUP BY 1"""
    ).fetchall()
    con.execute(
        "UPDATE publication SET doc_key = d.doc_key FROM _ipv_docs d "
        "WHERE publication.doc_id = d.doc_id AND publication.doc_key IS DISTINCT FROM d.doc_key"
    ).fetchall()
    con.execute(
        "UPDATE citation SET cited_key = d.doc_key FROM _ipv_docs d "
        "WHERE citation.cited_doc_id = d.doc_id AND citation.cited_key IS DISTINCT FROM d.doc_key"
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS _ipv_docs").fetchall()


def fill_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Give every publication-keyed row without a key its publication's ``pub_key``.

    Rows whose ``pub_id`` is not in ``publication`` stay NULL (indicators ignore them, as they
    ignored them when joining on text).
    """
    for table, col in PUB_KEYED.items():
        if table == "publication":
            continue
        key = KEY_COLUMN[table]
        con.execute(
            f'UPDATE {table} SET "{key}" = p.pub_key FROM publication p '
            f'WHERE {table}."{col}" = p.pub_id AND {table}."{key}" IS NULL'
        ).fetchall()


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
    *,
    wipo_concordance: str | None = None,
    n_fields_derived: int | None = None,
) -> ImportReport:
    """Write the ``import_run`` row and the issues; return the report.

    ``wipo_concordance`` is the version of the concordance that derived the run's WIPO fields
    (None when the source gave them).
    """
    n_pub = con.execute("SELECT count(*) FROM publication WHERE run_id = ?", [run_id]).fetchall()[0]
    n_cit = con.execute(
        "SELECT count(*) FROM citation WHERE citing_key IN "
        "(SELECT pub_key FROM publication WHERE run_id = ?)",
        [run_id],
    ).fetchall()[0]
    n_publications = int(n_pub[0]) if n_pub else 0
    n_citations = int(n_cit[0]) if n_cit else 0
    con.execute(
        "INSERT INTO import_run (run_id, source_format, source_path, imported_at, "
        "n_publications, n_citations, n_issues, wipo_concordance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            source_format,
            source_path,
            datetime.now(),
            n_publications,
            n_citations,
            len(issues),
            wipo_concordance,
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
        run_id,
        source_format,
        source_path,
        n_publications,
        n_citations,
        tuple(issues),
        n_fields_derived,
    )


def write_batch(
    con: duckdb.DuckDBPyConnection,
    batch: CanonicalBatch,
    *,
    source_format: str,
    source_path: str,
    derive_wipo_fields: bool = False,
) -> ImportReport:
    """Write one importer's batch atomically, replacing publications already present.

    Keys: the batch's publications keep the key they had (new ones are numbered after the largest),
    their rows get it, and citations are resolved to the documents in the data, including older
    citations of documents this batch adds.

    ``derive_wipo_fields``: publications of the batch without ``tech_field`` rows get WIPO fields
    from their IPC/CPC codes in the same transaction
    (:func:`ipvalue.analytics.sources._tech_fields.derive_tech_fields`), and the run records the
    concordance version.
    """
    pubs = batch.tables.get("publication", pd.DataFrame(columns=["pub_id"]))
    with transaction(con):
        run_id = next_run_id(con)
        con.register("_ipv_ids", pubs[["pub_id"]].drop_duplicates())
        try:
            stage_keys(con, "_ipv_ids")
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
        con.execute(
            "UPDATE publication SET pub_key = k.pub_key FROM _ipv_keys k "
            "WHERE publication.pub_id = k.pub_id AND publication.pub_key IS NULL"
        ).fetchall()
        fill_keys(con)
        resolve_documents(con, "_ipv_keys")
        # new citations of documents that were already in the data (and not touched here)
        con.execute(
            """UPDATE citation SET cited_key = d.doc_key
            FROM (SELECT DISTINCT doc_id, doc_key FROM publication) d
            WHERE citation.cited_doc_id = d.doc_id AND citation.cited_key IS NULL
              AND citation.citing_key IN (SELECT pub_key FROM _ipv_keys)"""
        ).fetchall()
        version, derived = None, None
        if derive_wipo_fields:
            from ipvalue.analytics.sources._tech_fields import (
                concordance_version,
                derive_tech_fields,
            )

            derived = derive_tech_fields(con, "_ipv_keys")
            version = concordance_version()
        con.execute("DROP TABLE IF EXISTS _ipv_keys").fetchall()
        return record_run(
            con,
            run_id,
            source_format,
            source_path,
            batch.issues,
            wipo_concordance=version,
            n_fields_derived=derived,
        )
