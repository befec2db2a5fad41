"""Adapters that load a :class:`PatentCorpus` from files or the analytics database (I/O edge).

* ``csv`` — one row per patent (e.g. ``uspto_random_10000.csv.gz``); columns are recognised by
  name (see :data:`CSV_ALIASES`); ``.gz`` is read transparently.
* ``patentsview``, ``uspto-xml``, ``lens``, ``bigquery`` — imported with the analytics
  importers (:func:`ipvalue.analytics.import_source`) into a throw-away in-memory DuckDB, then
  read from the canonical tables.
* an existing analytics DuckDB file (``--db``) — read from its canonical tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ipvalue.analytics.landscape_corpus import (
    DATE_BASES,
    DateBasis,
    PatentCorpus,
    corpus_from_frame,
    corpus_from_tables,
)
from ipvalue.core.errors import InputError

LANDSCAPE_FORMATS: tuple[str, ...] = ("csv", "patentsview", "uspto-xml", "lens", "bigquery")

#: Accepted column names of a ``csv`` source, per corpus column (first match wins).
CSV_ALIASES: dict[str, tuple[str, ...]] = {
    "pub_id": ("pub_id", "patent_id", "publication_number", "publication number", "id"),
    "title": ("title", "patent_title"),
    "abstract": ("abstract", "patent_abstract"),
    "classes": (
        "classes",
        "classifications_cpc",
        "cpc",
        "cpc classifications",
        "ipc",
        "ipcr classifications",
        "ipc classes",
    ),
    "assignees": ("assignees", "assignee", "applicants", "applicant", "owner"),
    "office": ("office", "country", "jurisdiction", "country_code"),
    "wipo_field": ("wipo_field", "wipo_field_id"),
    "family_id": ("family_id", "family id", "docdb family id", "simple family id"),
}
_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "filing": ("filing_date", "application date", "application_date"),
    "priority": ("priority_date", "earliest priority date"),
    "publication": ("publication_date", "publication date", "pub_date", "date"),
    "grant": ("grant_date", "patent_date"),
}

Progress = Callable[[str], None]


def read_csv_corpus(
    path: Path, *, date_basis: DateBasis = "publication", encoding: str = "utf-8"
) -> PatentCorpus:
    """Read a one-row-per-patent CSV (optionally ``.gz``) into a corpus.

    The date column is chosen by ``date_basis``; when the file has no column for it, the first
    available basis (filing, priority, publication, grant) is used and a warning says so.

    Raises
    ------
    InputError
        Unreadable file, not UTF-8, no identifier column, duplicate identifiers, bad dates.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    except FileNotFoundError as exc:
        raise InputError("--source", f"{path} does not exist") from exc
    except LookupError as exc:
        raise InputError("--encoding", f"unknown encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path), f"must be {encoding} encoded ({exc.reason}); pass --encoding if not"
        ) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError) as exc:
        raise InputError(str(path), f"is not a readable CSV file ({exc})") from exc
    lower = {c.strip().lower(): c for c in raw.columns}
    frame = pd.DataFrame(index=raw.index)
    for target, names in CSV_ALIASES.items():
        for name in names:
            if name in lower:
                frame[target] = raw[lower[name]]
                break
    if "pub_id" not in frame.columns:
        raise InputError(
            str(path),
            "needs an identifier column (one of: " + ", ".join(CSV_ALIASES["pub_id"]) + ")",
        )
    warnings: list[str] = []
    basis = date_basis
    column = next((lower[c] for c in _DATE_COLUMNS[date_basis] if c in lower), None)
    if column is None:
        for other in DATE_BASES:
            column = next((lower[c] for c in _DATE_COLUMNS[other] if c in lower), None)
            if column is not None:
                warnings.append(f"no {date_basis} date in {path.name}: years are {other} years")
                basis = other  # type: ignore[assignment]
                break
    if column is not None:
        frame["date"] = raw[column].to_numpy()
    dayfirst = any(raw[column].str.contains("/", regex=False)) if column else False
    corpus = corpus_from_frame(frame, date_basis=basis, dayfirst=dayfirst, source=str(path))
    return _with_warnings(corpus, warnings)


def _with_warnings(corpus: PatentCorpus, extra: list[str]) -> PatentCorpus:
    if not extra:
        return corpus
    return PatentCorpus(
        patents=corpus.patents,
        classes=corpus.classes,
        assignees=corpus.assignees,
        fields=corpus.fields,
        citations=corpus.citations,
        date_basis=corpus.date_basis,
        source=corpus.source,
        warnings=(*corpus.warnings, *extra),
    )


def corpus_from_duckdb(
    con: Any, *, date_basis: DateBasis = "filing", source: str = "analytics database"
) -> PatentCorpus:
    """Read the canonical tables of an analytics DuckDB connection into a corpus.

    When no publication has a date of ``date_basis``, the next basis with dates (filing,
    priority, publication, grant) is used and recorded in ``warnings``. Citations are resolved
    to corpus patents through ``doc_id``; references to documents outside the corpus are kept
    with the cited document number.
    """
    pub = con.execute("SELECT * FROM publication").df()
    if pub.empty:
        raise InputError("--source", "no publications were imported")
    columns = {
        "filing": "filing_date",
        "priority": "priority_date",
        "publication": "pub_date",
        "grant": "grant_date",
    }
    warnings: list[str] = []
    basis = date_basis
    if pub[columns[date_basis]].isna().all():
        for other in DATE_BASES:
            if pub[columns[other]].notna().any():
                warnings.append(f"no {date_basis} dates in the source: years are {other} years")
                basis = other  # type: ignore[assignment]
                break
    for col in columns.values():
        pub[col] = pd.to_datetime(pub[col]).dt.strftime("%Y-%m-%d")
    classification = con.execute(
        "SELECT pub_id, scheme, code_full, subclass4 FROM classification"
    ).df()
    party = con.execute("SELECT pub_id, role, name_raw, name_norm, country FROM party").df()
    party["name_norm"] = party["name_norm"].fillna(party["name_raw"])
    fields = con.execute("SELECT pub_id, wipo_field_id, wipo_field_title FROM tech_field").df()
    cites = con.execute(
        "SELECT c.citing_pub_id, coalesce(p.pub_id, c.cited_doc_id) AS cited_pub_id "
        "FROM citation c LEFT JOIN (SELECT doc_id, min(pub_id) AS pub_id FROM publication "
        "GROUP BY doc_id) p ON p.doc_id = c.cited_doc_id WHERE c.cited_doc_id IS NOT NULL"
    ).df()
    corpus = corpus_from_tables(
        pub,
        classification=classification,
        party=party,
        tech_field=fields,
        citation=cites,
        date_basis=basis,
        source=source,
    )
    aliases = pub.set_index("pub_id")[["source_id", "doc_id"]].reindex(corpus.patents["pub_id"])
    keys = family_keys(pub, con.execute("SELECT pub_id, prio_number FROM priority").df())
    patents = corpus.patents.assign(
        source_id=aliases["source_id"].to_numpy(),
        doc_id=aliases["doc_id"].to_numpy(),
        family_key=keys.reindex(corpus.patents["pub_id"]).to_numpy(),
    )
    return _with_warnings(
        PatentCorpus(
            patents=patents,
            classes=corpus.classes,
            assignees=corpus.assignees,
            fields=corpus.fields,
            citations=corpus.citations,
            date_basis=corpus.date_basis,
            source=corpus.source,
            warnings=corpus.warnings,
        ),
        warnings,
    )


def family_keys(publication: pd.DataFrame, priority: pd.DataFrame) -> pd.Series:
    """Family of each publication: its ``family_id``, else its set of priority numbers (the DOCDB
    simple-family rule: same priorities, same family), else missing."""
    fam = publication.set_index("pub_id")["family_id"].astype("string")
    prio = (
        priority.dropna(subset=["prio_number"])
        .assign(n=lambda d: d["prio_number"].astype(str).str.replace(" ", "").str.upper())
        .groupby("pub_id")["n"]
        .apply(lambda v: "prio:" + ";".join(sorted(set(v))))
    )
    return fam.fillna(prio.reindex(fam.index).astype("string"))


def load_corpus(
    source: Path | None,
    fmt: str | None,
    *,
    db: Path | None = None,
    date_basis: DateBasis = "filing",
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> PatentCorpus:
    """Load a corpus from ``source`` in format ``fmt``, or from the analytics database ``db``.

    ``encoding`` applies to CSV files (``csv`` and Lens exports, e.g. ``cp1252``).

    Raises
    ------
    InputError
        Neither source nor database, an unknown format, a missing file, or any importer error.
    """
    if date_basis not in DATE_BASES:
        raise InputError("--date-basis", f"must be one of {', '.join(DATE_BASES)}")
    if source is None:
        if db is None:
            raise InputError("--source", "is required (or --db with an imported database)")
        from ipvalue.analytics import open_duckdb

        con = open_duckdb(db, read_only=True)
        try:
            return corpus_from_duckdb(con, date_basis=date_basis, source=str(db))
        finally:
            con.close()
    if fmt not in LANDSCAPE_FORMATS:
        raise InputError("--format", f"must be one of {', '.join(LANDSCAPE_FORMATS)}")
    if not source.exists():
        raise InputError("--source", f"{source} does not exist")
    if fmt == "csv":
        if source.is_dir():
            raise InputError("--source", "must be a CSV file for --format csv")
        if progress:
            progress(f"reading {source.name}")
        return read_csv_corpus(source, date_basis=date_basis, encoding=encoding)
    from ipvalue.analytics import import_source, open_duckdb

    con = open_duckdb(":memory:")
    try:
        try:
            report = import_source(con, source, fmt, encoding=encoding, progress=progress)
        except ImportError as exc:  # importer of that format not installed in this build
            raise InputError("--format", f"{fmt} import is not available ({exc})") from exc
        corpus = corpus_from_duckdb(con, date_basis=date_basis, source=str(source))
    finally:
        con.close()
    issues = [f"import: {len(report.issues)} malformed rows skipped"] if report.issues else []
    return _with_warnings(corpus, issues)
