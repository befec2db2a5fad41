"""PatentsView bulk tables (granted patents) → canonical tables, entirely inside DuckDB.

Reads the tables as published (``g_*.tsv`` or ``g_*.tsv.zip``; ``g_*.parquet`` is accepted too, as
written by the generator). Only ``g_patent`` is required; every other table is optional and adds
what it carries. Staging and conversion run as SQL so that PatentsView-size files (8 M patents,
100 M+ citations) never pass through Python objects.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from ipvalue.analytics._store import (
    ImportIssue,
    ImportReport,
    next_run_id,
    record_run,
    replace_publications,
    resolve_documents,
    stage_keys,
    transaction,
)
from ipvalue.analytics.sources._tabular import (
    bad_date_sql,
    bad_int_sql,
    date_sql,
    int_sql,
    report_where,
    stage_file,
    text_sql,
    unzip_single,
)
from ipvalue.core.errors import InputError

#: Table → columns it must have (other published columns are ignored).
REQUIRED: dict[str, tuple[str, ...]] = {
    "g_patent": ("patent_id", "patent_type", "patent_date", "patent_title", "num_claims"),
    "g_application": ("patent_id", "filing_date"),
    "g_us_patent_citation": (
        "patent_id",
        "citation_sequence",
        "citation_patent_id",
        "citation_date",
    ),
    "g_us_application_citation": (
        "patent_id",
        "citation_sequence",
        "citation_document_number",
        "citation_date",
    ),
    "g_foreign_citation": (
        "patent_id",
        "citation_sequence",
        "citation_application_id",
        "citation_date",
        "citation_country",
    ),
    "g_cpc_current": ("patent_id", "cpc_sequence", "cpc_section", "cpc_subclass", "cpc_group"),
    "g_ipc_at_issue": (
        "patent_id",
        "ipc_sequence",
        "section",
        "ipc_class",
        "subclass",
        "main_group",
        "subgroup",
    ),
    "g_assignee_disambiguated": (
        "patent_id",
        "assignee_sequence",
        "disambig_assignee_organization",
    ),
    "g_wipo_technology": ("patent_id", "wipo_field_sequence", "wipo_field_id"),
    "g_us_term_of_grant": ("patent_id", "term_extension"),
}

Progress = Callable[[str], None]

#: Staged column holding ``patent_id`` trimmed (NULL when empty), computed once per file.
PID = "_pid"


def find_tables(source: Path) -> dict[str, Path]:
    """Locate PatentsView tables in a folder (or beside a single ``g_*`` file)."""
    folder = source if source.is_dir() else source.parent
    if not folder.exists():
        raise InputError("--source", f"{source} does not exist")
    found: dict[str, Path] = {}
    for table in REQUIRED:
        for ext in (".tsv", ".tsv.zip", ".parquet"):
            p = folder / f"{table}{ext}"
            if p.exists():
                found[table] = p
                break
    if "g_patent" not in found:
        raise InputError(
            "--source", f"{folder} must contain g_patent.tsv, g_patent.tsv.zip or g_patent.parquet"
        )
    return found


def _cols(con: duckdb.DuckDBPyConnection, stage: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {stage}").fetchall()}


def import_patentsview(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    *,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import PatentsView bulk tables into the canonical tables in one transaction.

    Parameters
    ----------
    con : open analytics database.
    source : folder holding ``g_patent`` and any of the other tables (or one ``g_*`` file in it).
    strict : raise on the first malformed row instead of reporting it and continuing.
    progress : called with the name of each table as it is loaded.

    Notes
    -----
    Rows are reported (file and line) and skipped when unparseable, when ``patent_id`` is empty,
    or when they refer to a ``patent_id`` that is not in ``g_patent``; unreadable dates and counts
    are loaded as NULL and reported. Design-patent ids lost their ``D`` prefix in some citation
    releases (PatentsView-DB#3); such citations do not join and are counted as unmatched.
    """
    tables = find_tables(source)
    issues: list[ImportIssue] = []
    with tempfile.TemporaryDirectory(prefix="ipv-pv-") as tmp, transaction(con):
        run_id = next_run_id(con)
        staged: dict[str, str] = {}
        for table, path in tables.items():
            if progress:
                progress(table)
            display = str(path)
            local = unzip_single(path, Path(tmp)) if path.name.endswith(".zip") else path
            stage = f"_pv_{table}"
            stage_file(
                con,
                local,
                stage,
                REQUIRED[table],
                display=display,
                issues=issues,
                derived={PID: text_sql("patent_id")},
            )
            report_where(
                con,
                stage,
                f"{PID} IS NULL",
                display,
                "patent_id is empty; row not loaded",
                issues,
            )
            staged[table] = stage
        _convert(con, staged, tables, run_id, issues)
        if strict and issues:
            raise InputError(
                str(issues[0].file) + (f":{issues[0].line}" if issues[0].line else ""),
                issues[0].rule,
            )
        return record_run(con, run_id, "patentsview", str(source), issues)


def _convert(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, str],
    files: dict[str, Path],
    run_id: int,
    issues: list[ImportIssue],
) -> None:
    g = staged["g_patent"]
    gf = str(files["g_patent"])
    report_where(
        con,
        g,
        bad_date_sql("patent_date"),
        gf,
        "patent_date must be a date (YYYY-MM-DD); loaded as empty",
        issues,
    )
    report_where(
        con,
        g,
        bad_int_sql("num_claims"),
        gf,
        "num_claims must be an integer; loaded as empty",
        issues,
    )
    cols = _cols(con, g)
    kind = text_sql("wipo_kind") if "wipo_kind" in cols else "NULL"
    abstract = text_sql("patent_abstract") if "patent_abstract" in cols else "NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _pv_pub AS
        SELECT DISTINCT ON (pid) * FROM (
          SELECT {PID} AS pid, {kind} AS kind,
                 lower({text_sql("patent_type")}) AS ptype,
                 {date_sql("patent_date")} AS gdate, {text_sql("patent_title")} AS title,
                 {abstract} AS abstract, {int_sql("num_claims")} AS n_claims, _line
          FROM {g} WHERE {PID} IS NOT NULL) ORDER BY pid, _line"""
    )
    report_where(
        con,
        g,
        f"{PID} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM _pv_pub k WHERE k._line = {g}._line)",
        gf,
        "duplicate patent_id; first row kept",
        issues,
    )
    # application: first filing date per patent
    if "g_application" in staged:
        a, af = staged["g_application"], str(files["g_application"])
        _orphans(con, a, af, issues)
        report_where(
            con,
            a,
            bad_date_sql("filing_date"),
            af,
            "filing_date must be a date (YYYY-MM-DD); loaded as empty",
            issues,
        )
        app_id = text_sql("application_id") if "application_id" in _cols(con, a) else "NULL"
        app_sql = (
            f"SELECT {PID} AS pid, min({date_sql('filing_date')}) AS fdate, "
            f"min({app_id}) AS app_id FROM {a} GROUP BY 1"
        )
    else:
        app_sql = (
            "SELECT NULL::VARCHAR AS pid, NULL::DATE AS fdate, NULL::VARCHAR AS app_id WHERE false"
        )
    if "g_us_term_of_grant" in staged:
        t, tf = staged["g_us_term_of_grant"], str(files["g_us_term_of_grant"])
        _orphans(con, t, tf, issues)
        report_where(
            con,
            t,
            bad_int_sql("term_extension"),
            tf,
            "term_extension must be an integer (days); loaded as empty",
            issues,
        )
        term_sql = (
            f"SELECT {PID} AS pid, max({int_sql('term_extension')}) AS ext FROM {t} GROUP BY 1"
        )
    else:
        term_sql = "SELECT NULL::VARCHAR AS pid, NULL::INTEGER AS ext WHERE false"
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _pv_ids AS
        SELECT pid, 'US-' || pid || coalesce('-' || kind, '') AS pub_id FROM _pv_pub"""
    )
    # keys first (a re-imported patent keeps its key), then the old rows go
    stage_keys(con, "_pv_ids")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _pv_ids AS
        SELECT i.pid, i.pub_id, k.pub_key FROM _pv_ids i JOIN _ipv_keys k USING (pub_id)"""
    )
    replace_publications(con, "_pv_ids")
    con.execute(
        f"""INSERT INTO publication BY NAME
        SELECT i.pub_id, 'US-' || p.pid AS doc_id, p.pid AS source_id, 'US' AS country, p.kind,
               p.ptype AS patent_type, NULL AS family_id, app.app_id, app.fdate AS filing_date,
               p.gdate AS pub_date, p.gdate AS grant_date, NULL AS priority_date,
               p.title, p.abstract,
               p.n_claims, 'en' AS lang, term.ext AS term_extension_days,
               {"g_us_patent_citation" in staged} AS citations_listed,
               'patentsview' AS source, {run_id} AS run_id, i.pub_key
        FROM _pv_pub p JOIN _pv_ids i USING (pid)
        LEFT JOIN ({app_sql}) app USING (pid) LEFT JOIN ({term_sql}) term USING (pid)"""
    )
    # document keys of this import, and older citations of its documents re-resolved
    resolve_documents(con, "_pv_ids")
    _citations(con, staged, files, issues)
    _classes(con, staged, files, issues)
    _parties_fields(con, staged, files, issues)
    con.execute("DROP TABLE IF EXISTS _ipv_keys")


def _orphans(
    con: duckdb.DuckDBPyConnection, stage: str, display: str, issues: list[ImportIssue]
) -> None:
    report_where(
        con,
        stage,
        f"{PID} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM _pv_pub k WHERE k.pid = {PID})",
        display,
        "patent_id not in g_patent; row not loaded",
        issues,
    )


def _citations(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, str],
    files: dict[str, Path],
    issues: list[ImportIssue],
) -> None:
    specs = {
        "g_us_patent_citation": ("us_patent", "citation_patent_id", "'US'"),
        "g_us_application_citation": ("us_application", "citation_document_number", "'US'"),
        "g_foreign_citation": ("foreign", "citation_application_id", text_sql("citation_country")),
    }
    # every document in the data by doc_id: each citation is resolved as it is written
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _pv_docs AS SELECT DISTINCT doc_id, doc_key FROM publication"
    )
    for table, (origin, number_col, country) in specs.items():
        if table not in staged:
            continue
        s, f = staged[table], str(files[table])
        _orphans(con, s, f, issues)
        report_where(
            con,
            s,
            bad_date_sql("citation_date"),
            f,
            "citation_date must be a date; loaded as empty",
            issues,
        )
        cols = _cols(con, s)
        kind = text_sql("wipo_kind") if "wipo_kind" in cols else "NULL"
        cat = text_sql("citation_category") if "citation_category" in cols else "NULL"
        con.execute(
            f"""INSERT INTO citation BY NAME
            SELECT c.*, d.doc_key AS cited_key FROM (
              SELECT i.pub_id AS citing_pub_id, {int_sql("citation_sequence")} AS seq,
                     '{origin}' AS origin,
                     {country} || '-' || {text_sql(number_col)} AS cited_doc_id,
                     {text_sql(number_col)} AS cited_raw_number, {country} AS cited_country,
                     {kind} AS cited_kind, {date_sql("citation_date")} AS cited_date,
                     {cat} AS category, i.pub_key AS citing_key
              FROM {s} JOIN _pv_ids i ON i.pid = {PID}) c
            LEFT JOIN _pv_docs d ON d.doc_id = c.cited_doc_id"""
        )
    con.execute("DROP TABLE IF EXISTS _pv_docs")


def _classes(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, str],
    files: dict[str, Path],
    issues: list[ImportIssue],
) -> None:
    if "g_cpc_current" in staged:
        s, f = staged["g_cpc_current"], str(files["g_cpc_current"])
        _orphans(con, s, f, issues)
        inventive = (
            f"lower({text_sql('cpc_type')}) = 'inventive'"
            if "cpc_type" in _cols(con, s)
            else "NULL"
        )
        con.execute(
            f"""INSERT INTO classification BY NAME
            SELECT i.pub_id, i.pub_key, 'CPC' AS scheme, {int_sql("cpc_sequence")} AS seq,
                   replace({text_sql("cpc_group")}, ' ', '') AS code_full,
                   {text_sql("cpc_section")} AS section,
                   coalesce({text_sql("cpc_subclass")},
                            left({text_sql("cpc_group")}, 4)) AS subclass4,
                   {int_sql("cpc_sequence")}
                     = min({int_sql("cpc_sequence")}) OVER (PARTITION BY i.pub_key) AS first,
                   {inventive} AS inventive
            FROM {s} JOIN _pv_ids i ON i.pid = {PID}"""
        )
    if "g_ipc_at_issue" in staged:
        s, f = staged["g_ipc_at_issue"], str(files["g_ipc_at_issue"])
        _orphans(con, s, f, issues)
        sub4 = f"{text_sql('section')} || {text_sql('ipc_class')} || {text_sql('subclass')}"
        con.execute(
            f"""INSERT INTO classification BY NAME
            SELECT i.pub_id, i.pub_key, 'IPC' AS scheme, {int_sql("ipc_sequence")} AS seq,
                   {sub4} || coalesce({text_sql("main_group")}, '')
                     || coalesce('/' || {text_sql("subgroup")}, '') AS code_full,
                   {text_sql("section")} AS section, {sub4} AS subclass4,
                   {int_sql("ipc_sequence")}
                     = min({int_sql("ipc_sequence")}) OVER (PARTITION BY i.pub_key) AS first,
                   NULL AS inventive
            FROM {s} JOIN _pv_ids i ON i.pid = {PID}"""
        )


def _parties_fields(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, str],
    files: dict[str, Path],
    issues: list[ImportIssue],
) -> None:
    if "g_assignee_disambiguated" in staged:
        s, f = staged["g_assignee_disambiguated"], str(files["g_assignee_disambiguated"])
        _orphans(con, s, f, issues)
        cols = _cols(con, s)
        person = (
            "nullif(trim(coalesce("
            f"{text_sql('disambig_assignee_individual_name_first')}, '') || ' ' || "
            f"coalesce({text_sql('disambig_assignee_individual_name_last')}, '')), '')"
            if {"disambig_assignee_individual_name_first", "disambig_assignee_individual_name_last"}
            <= cols
            else "NULL"
        )
        name = f"coalesce({text_sql('disambig_assignee_organization')}, {person})"
        entity = text_sql("assignee_id") if "assignee_id" in cols else "NULL"
        con.execute(
            f"""INSERT INTO party BY NAME
            SELECT i.pub_id, i.pub_key, 'assignee' AS role, {int_sql("assignee_sequence")} AS seq,
                   {name} AS name_raw, upper({name}) AS name_norm, {entity} AS entity_id
            FROM {s} JOIN _pv_ids i ON i.pid = {PID}"""
        )
    if "g_wipo_technology" in staged:
        s, f = staged["g_wipo_technology"], str(files["g_wipo_technology"])
        _orphans(con, s, f, issues)
        cols = _cols(con, s)
        sector = text_sql("wipo_sector_title") if "wipo_sector_title" in cols else "NULL"
        title = text_sql("wipo_field_title") if "wipo_field_title" in cols else "NULL"
        con.execute(
            f"""INSERT INTO tech_field BY NAME
            SELECT i.pub_id, i.pub_key, {int_sql("wipo_field_sequence")} AS seq,
                   regexp_replace({text_sql("wipo_field_id")}, '\\.0$', '') AS wipo_field_id,
                   {sector} AS wipo_sector_title, {title} AS wipo_field_title
            FROM {s} JOIN _pv_ids i ON i.pid = {PID}"""
        )
