"""WIPO technology fields derived from the classification codes of an import (Schmoch 2008).

PatentsView ships ``g_wipo_technology``; USPTO grant XML, Lens and BigQuery exports carry no
WIPO field, so without this step their indicator cohorts fall back to grant year × section and
cycle-time has no WIPO rows. :func:`derive_tech_fields` runs inside the import transaction, after
the batch's rows and keys are written:

* Only publications of the import **without any** ``tech_field`` row get fields: a field a source
  provides is never overwritten or supplemented.
* The distinct IPC/CPC codes of those publications are mapped once in Python with
  :func:`ipvalue.analytics.wipo_fields.field_rule` (thousands of distinct codes, not millions of
  rows) and joined back in DuckDB.
* The table's patent-level rule applies per publication: a code whose row says ``not A61K``
  (organic fine chemistry, biotechnology) does not count when any IPC or CPC code of the same
  publication is in A61K (:func:`~ipvalue.analytics.wipo_fields.fields_of`).
* Each field appears once per publication; ``seq`` (0, 1, …) follows the first code that gives
  it, IPC codes before CPC codes (the concordance is an IPC table; CPC codes are read as IPC
  codes and only add fields the IPC codes do not give), within a scheme the code marked
  ``first`` (main/first-listed) before the others, then the source's order. Indicator cohorts
  use the ``seq`` 0 field, so it is the field of the main IPC code whenever that code has one.

The concordance version written to ``import_run.wipo_concordance`` is
:data:`CONCORDANCE_VERSION`.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import duckdb
import pandas as pd

from ipvalue.analytics.wipo_fields import CONCORDANCE_FILE, field_key, field_rule

__all__ = ["concordance_version", "derive_tech_fields"]


@cache
def concordance_version() -> str:
    """``Schmoch 2008 Table 2 (IPC 8, May 2008); ipc_technology.csv sha256:<12 hex>``.

    The hash is of the packaged table's bytes, so a corrected transcription gets a new version
    and a database records which one assigned its fields.
    """
    data = resources.files("ipvalue.analytics").joinpath("data", CONCORDANCE_FILE).read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"Schmoch 2008 Table 2 (IPC 8, May 2008); {CONCORDANCE_FILE} sha256:{digest}"


def _code_map(codes: list[str]) -> pd.DataFrame:
    """``code_full, code_key, field_id, not_with, sector, field_en`` for each distinct code.

    Codes without a field keep ``field_id`` NULL (their key still matters for ``not A61K``).
    """
    rows = []
    for code in codes:
        rule = field_rule(code)
        rows.append(
            {
                "code_full": code,
                "code_key": field_key(code),
                "field_id": None if rule is None else str(rule[0].field_id),
                "not_with": None if rule is None else rule[1],
                "sector": None if rule is None else rule[0].sector,
                "field_en": None if rule is None else rule[0].field_en,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["code_full", "code_key", "field_id", "not_with", "sector", "field_en"],
        dtype=object,
    )


def derive_tech_fields(con: duckdb.DuckDBPyConnection, keys: str) -> int:
    """Insert ``tech_field`` rows for the publications in ``keys`` that have none.

    Parameters
    ----------
    con : open DuckDB connection, inside the import's transaction.
    keys : relation with ``pub_id, pub_key`` of the publications just written (``_ipv_keys``).

    Returns
    -------
    int
        Publications given fields (0 when every publication already has fields, or no code has
        a field: CPC-only schemes such as Y02, IPC groups created after 2008, USPC/Locarno).
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ipv_tf_pubs AS
        SELECT k.pub_id, k.pub_key FROM {keys} k
        ANTI JOIN tech_field t ON t.pub_key = k.pub_key"""
    ).fetchall()
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _ipv_tf_codes AS
        SELECT c.pub_key, c.code_full,
               CASE c.scheme WHEN 'IPC' THEN 0 ELSE 1 END AS scheme_rank,
               CASE WHEN c."first" THEN 0 ELSE 1 END AS first_rank, c.seq
        FROM classification c SEMI JOIN _ipv_tf_pubs p ON p.pub_key = c.pub_key
        WHERE c.scheme IN ('IPC', 'CPC') AND c.code_full IS NOT NULL"""
    ).fetchall()
    distinct = [
        r[0] for r in con.execute("SELECT DISTINCT code_full FROM _ipv_tf_codes").fetchall()
    ]
    con.register("_ipv_tf_map", _code_map(distinct))
    try:
        con.execute(
            """INSERT INTO tech_field BY NAME
            WITH c AS (
                SELECT c.pub_key, c.scheme_rank, c.first_rank, c.seq, c.code_full,
                       m.code_key, m.field_id, m.not_with, m.sector, m.field_en
                FROM _ipv_tf_codes c JOIN _ipv_tf_map m ON m.code_full = c.code_full),
            kept AS (  -- the table's "not A61K": no other code of the publication in A61K
                SELECT c.* FROM c
                WHERE c.field_id IS NOT NULL AND (c.not_with IS NULL OR NOT EXISTS (
                    SELECT 1 FROM c o
                    WHERE o.pub_key = c.pub_key AND starts_with(o.code_key, c.not_with)))),
            firsts AS (  -- each field once, at its first code
                SELECT pub_key, field_id, any_value(sector) AS sector,
                       any_value(field_en) AS field_en,
                       min((scheme_rank, first_rank, seq, code_full)) AS pos
                FROM kept GROUP BY pub_key, field_id)
            SELECT p.pub_id, f.pub_key,
                   (row_number() OVER (PARTITION BY f.pub_key ORDER BY f.pos) - 1)::INTEGER
                       AS seq,
                   f.field_id AS wipo_field_id, f.sector AS wipo_sector_title,
                   f.field_en AS wipo_field_title
            FROM firsts f JOIN _ipv_tf_pubs p ON p.pub_key = f.pub_key"""
        ).fetchall()
        # _ipv_tf_pubs had no rows before: those that have rows now were given fields here
        derived = con.execute(
            "SELECT count(*) FROM _ipv_tf_pubs p SEMI JOIN tech_field t ON t.pub_key = p.pub_key"
        ).fetchall()[0][0]
    finally:
        con.unregister("_ipv_tf_map")
        con.execute("DROP TABLE IF EXISTS _ipv_tf_codes").fetchall()
        con.execute("DROP TABLE IF EXISTS _ipv_tf_pubs").fetchall()
    return int(derived)
