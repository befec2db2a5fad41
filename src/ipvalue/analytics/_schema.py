"""Canonical patent model (PATENTS.md §3.3) shared by every importer and indicator.

The tables are deliberately source-neutral: PatentsView, USPTO XML, Lens and BigQuery all map onto
them. Identifiers:

* ``pub_id`` — one published document, ``CC-number-kind`` (``US-6837063-B1``), unique.
* ``doc_id`` — the document without kind, ``CC-number`` (``US-6837063``); citations point at it
  because citing documents rarely state the cited kind consistently. US grant numbers lose leading
  zeros (``06837063`` → ``6837063``, ``D0607201`` → ``D607201``) so that XML and PatentsView agree.
* ``source_id`` — the identifier as the source wrote it (PatentsView ``patent_id``, Lens
  publication number), reported back to the user as ``patent_id``.

Integer keys (assigned by the importers, see :mod:`ipvalue.analytics._store`) so that indicators
never join on text:

* ``pub_key`` — one dense integer per publication, stable across re-imports of the same
  ``pub_id``; new publications are numbered after the largest key (``pub_id`` order within one
  import). Every row of a publication-keyed table carries its publication's key (``citing_key``
  in ``citation``); NULL only for a row whose ``pub_id`` is not in ``publication``.
* ``doc_key`` — the ``pub_key`` of the document's smallest ``pub_id`` (the publication a citation
  of the document resolves to).
* ``cited_key`` — the cited document's ``doc_key``; NULL when the cited document is not in the
  data. Kept current by every import: a publication added later re-resolves the citations that
  point at its document, in the same transaction.
"""

from __future__ import annotations

from types import MappingProxyType

#: Column name → DuckDB type, per canonical table, in storage order.
SCHEMA: MappingProxyType[str, dict[str, str]] = MappingProxyType(
    {
        "publication": {
            "pub_id": "VARCHAR",
            "doc_id": "VARCHAR",
            "source_id": "VARCHAR",
            "country": "VARCHAR",
            "kind": "VARCHAR",
            "patent_type": "VARCHAR",  # utility, design, plant, reissue, application, ...
            "family_id": "VARCHAR",
            "app_id": "VARCHAR",
            "filing_date": "DATE",
            "pub_date": "DATE",
            "grant_date": "DATE",  # NULL = not granted
            "priority_date": "DATE",
            "title": "VARCHAR",
            "abstract": "VARCHAR",
            "n_claims": "INTEGER",
            "lang": "VARCHAR",
            "term_extension_days": "INTEGER",  # US PTA/PTE; NULL = unknown
            "cited_by_reported": "INTEGER",  # forward citations as the source counted them (Lens)
            "family_size_reported": "INTEGER",  # simple family size as the source reported it
            "family_size_extended_reported": "INTEGER",
            "citations_listed": "BOOLEAN",  # the source lists this document's references
            "source": "VARCHAR",  # patentsview | uspto-xml | lens | bigquery
            "run_id": "INTEGER",
            "pub_key": "BIGINT",
            "doc_key": "BIGINT",
        },
        "citation": {
            "citing_pub_id": "VARCHAR",
            "seq": "INTEGER",
            "origin": "VARCHAR",  # us_patent | us_application | foreign | npl
            "cited_doc_id": "VARCHAR",  # CC-number; NULL for non-patent literature
            "cited_raw_number": "VARCHAR",
            "cited_country": "VARCHAR",
            "cited_kind": "VARCHAR",
            "cited_date": "DATE",
            "category": "VARCHAR",  # cited by examiner / applicant / other, or X/Y/A
            "npl_text": "VARCHAR",
            "citing_key": "BIGINT",
            "cited_key": "BIGINT",  # doc_key of the cited document; NULL = not in the data
        },
        "classification": {
            "pub_id": "VARCHAR",
            "scheme": "VARCHAR",  # CPC | IPC | USPC | LOCARNO
            "seq": "INTEGER",
            "code_full": "VARCHAR",  # H01M10/0525
            "section": "VARCHAR",  # H
            "subclass4": "VARCHAR",  # H01M
            "first": "BOOLEAN",
            "inventive": "BOOLEAN",
            "pub_key": "BIGINT",
        },
        "party": {
            "pub_id": "VARCHAR",
            "role": "VARCHAR",  # assignee | applicant | inventor
            "seq": "INTEGER",
            "name_raw": "VARCHAR",
            "name_norm": "VARCHAR",
            "entity_id": "VARCHAR",
            "country": "VARCHAR",
            "pub_key": "BIGINT",
        },
        "priority": {
            "pub_id": "VARCHAR",
            "seq": "INTEGER",
            "prio_number": "VARCHAR",
            "prio_country": "VARCHAR",
            "prio_date": "DATE",
            "pub_key": "BIGINT",
        },
        "family": {
            "family_id": "VARCHAR",
            "pub_id": "VARCHAR",  # member document (may be absent from publication)
            "country": "VARCHAR",  # office of the member
        },
        "tech_field": {
            "pub_id": "VARCHAR",
            "seq": "INTEGER",
            "wipo_field_id": "VARCHAR",
            "wipo_sector_title": "VARCHAR",
            "wipo_field_title": "VARCHAR",
            "pub_key": "BIGINT",
        },
        "import_run": {
            "run_id": "INTEGER",
            "source_format": "VARCHAR",
            "source_path": "VARCHAR",
            "imported_at": "TIMESTAMP",
            "n_publications": "BIGINT",
            "n_citations": "BIGINT",
            "n_issues": "BIGINT",
            # concordance that derived this run's WIPO fields; NULL = the source gave them
            "wipo_concordance": "VARCHAR",
        },
        "import_issue": {
            "run_id": "INTEGER",
            "file": "VARCHAR",
            "line": "BIGINT",
            "rule": "VARCHAR",
        },
    }
)

#: Tables that hold rows of one publication, keyed by this column (replaced on re-import).
PUB_KEYED: MappingProxyType[str, str] = MappingProxyType(
    {
        "publication": "pub_id",
        "citation": "citing_pub_id",
        "classification": "pub_id",
        "party": "pub_id",
        "priority": "pub_id",
        "tech_field": "pub_id",
    }
)

#: Publication-keyed table → the column holding its publication's ``pub_key``.
KEY_COLUMN: MappingProxyType[str, str] = MappingProxyType(
    {t: ("citing_key" if t == "citation" else "pub_key") for t in PUB_KEYED}
)

CITATION_ORIGINS = ("us_patent", "us_application", "foreign", "npl")
PATENT_ORIGINS = ("us_patent", "us_application", "foreign")


def ddl() -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` statements for every canonical table."""
    out = []
    for table, cols in SCHEMA.items():
        body = ", ".join(f'"{c}" {t}' for c, t in cols.items())
        out.append(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
    return out


def us_doc_number(raw: str) -> str:
    """Normalise a US patent number the way PatentsView writes ``patent_id``.

    ``06837063`` → ``6837063``; ``D0607201`` → ``D607201``; ``RE038000`` → ``RE38000``.
    Letters prefixes (D, RE, PP, H, T) are kept; leading zeros after them are dropped; an
    all-zero number stays ``0``.
    """
    s = raw.strip().replace(",", "").replace(" ", "").upper()
    i = 0
    while i < len(s) and s[i].isalpha():
        i += 1
    prefix, digits = s[:i], s[i:]
    stripped = digits.lstrip("0")
    return prefix + (stripped if stripped or not digits else "0")
