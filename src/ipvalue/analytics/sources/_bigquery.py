"""Google Patents Public Data (``patents-public-data.patents.publications``) → canonical rows.

Reads the table's exports — newline-delimited JSON (``.json``/``.jsonl``, optionally ``.gz``) or
Parquet — with the nested/repeated fields as BigQuery writes them. :func:`fetch_bigquery` runs the
same mapping on rows queried through Ibis' BigQuery backend when credentials are configured
(that path needs network access and is not exercised by the test suite).

Conventions: dates are ``YYYYMMDD`` integers, ``0`` = none (``grant_date = 0``: not granted);
citations carry no date of the cited document (its ``filing_date`` is not a publication date),
so a cited document's age is known only when it is in the data; family size = distinct offices
among the family's members present in the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq

from ipvalue.analytics._schema import us_doc_number
from ipvalue.analytics._store import CanonicalBatch, ImportIssue
from ipvalue.core.errors import InputError

REQUIRED = ("publication_number", "country_code", "publication_date")
_PUBNUM = re.compile(r"^([A-Z]{2})-([^-]+)(?:-([A-Z0-9]+))?$")


def _date(v: Any) -> date | None:
    if v in (None, 0, "0", ""):
        return None
    s = str(v)
    if len(s) != 8 or not s.isdigit() or s[4:6] == "00":
        return None
    try:
        return date(int(s[:4]), int(s[4:6]), max(int(s[6:]), 1))
    except ValueError:
        return None


def _split(pubnum: str) -> tuple[str, str, str | None]:
    m = _PUBNUM.match(pubnum.strip())
    if not m:
        raise ValueError(f"publication_number {pubnum!r} is not CC-NUMBER-KIND")
    country, number, kind = m.group(1), m.group(2), m.group(3)
    if country == "US" and not (len(number) == 11 and number.isdigit()):
        number = us_doc_number(number)
    return country, number, kind


def _text(localized: Any) -> str | None:
    """English text of a ``*_localized`` array, else the first."""
    items = list(localized or [])
    for item in items:
        if (item.get("language") or "").lower() == "en":
            return item.get("text") or None
    return (items[0].get("text") or None) if items else None


def _read(path: Path) -> pa.Table:
    name = path.name.lower()
    try:
        if name.endswith(".parquet"):
            return pq.read_table(path)
        return pajson.read_json(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            str(path), f"must be a BigQuery JSON-lines or Parquet export ({exc})"
        ) from exc


def _files(source: Path) -> list[Path]:
    pats = ("*.json", "*.jsonl", "*.json.gz", "*.jsonl.gz", "*.parquet")
    files = sorted({p for pat in pats for p in source.glob(pat)}) if source.is_dir() else [source]
    if not files:
        raise InputError("--source", f"{source} contains no .json/.jsonl/.parquet export files")
    return files


def map_rows(
    records: Iterable[dict[str, Any]], origin: str, issues: list[ImportIssue]
) -> CanonicalBatch:
    """Canonical rows from BigQuery ``publications`` records (dicts with nested lists)."""
    rows: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("publication", "citation", "classification", "party", "priority", "family")
    }
    for i, r in enumerate(records, start=1):
        try:
            country, number, kind = _split(str(r["publication_number"]))
        except (ValueError, KeyError, TypeError) as exc:
            issues.append(ImportIssue(origin, i, f"{exc}; record not loaded"))
            continue
        doc_id = f"{country}-{number}"
        pub_id = doc_id + (f"-{kind}" if kind else "")
        grant = _date(r.get("grant_date"))
        fam = str(r["family_id"]) if r.get("family_id") not in (None, "", "-1") else None
        rows["publication"].append(
            {
                "pub_id": pub_id,
                "doc_id": doc_id,
                "source_id": r["publication_number"],
                "country": country,
                "kind": kind or r.get("kind_code"),
                "patent_type": "granted" if grant else "application",
                "family_id": fam,
                "app_id": r.get("application_number"),
                "filing_date": _date(r.get("filing_date")),
                "pub_date": _date(r.get("publication_date")),
                "grant_date": grant,
                "priority_date": _date(r.get("priority_date")),
                "title": _text(r.get("title_localized")),
                "abstract": _text(r.get("abstract_localized")),
                "lang": next((t.get("language") for t in r.get("title_localized") or []), None),
                "citations_listed": True,
                "source": "bigquery",
            }
        )
        if fam:
            rows["family"].append({"family_id": fam, "pub_id": pub_id, "country": country})
        for scheme in ("cpc", "ipc"):
            for j, c in enumerate(r.get(scheme) or []):
                code = (c.get("code") or "").replace(" ", "")
                rows["classification"].append(
                    {
                        "pub_id": pub_id,
                        "scheme": scheme.upper(),
                        "seq": j,
                        "code_full": code,
                        "section": code[:1] or None,
                        "subclass4": code[:4] if len(code) >= 4 else None,
                        "first": bool(c.get("first")),
                        "inventive": bool(c.get("inventive")),
                    }
                )
        for j, c in enumerate(r.get("citation") or []):
            rows["citation"].append(_citation(pub_id, j, c))
        for role, key in (("assignee", "assignee_harmonized"), ("inventor", "inventor_harmonized")):
            for j, p in enumerate(r.get(key) or []):
                name = p.get("name")
                rows["party"].append(
                    {
                        "pub_id": pub_id,
                        "role": role,
                        "seq": j,
                        "name_raw": name,
                        "name_norm": name.upper() if name else None,
                        "country": p.get("country_code"),
                    }
                )
        for j, p in enumerate(r.get("priority_claim") or []):
            num = p.get("publication_number") or p.get("application_number")
            rows["priority"].append(
                {
                    "pub_id": pub_id,
                    "seq": j,
                    "prio_number": num,
                    "prio_country": (num or "")[:2] or None,
                    "prio_date": _date(p.get("filing_date")),
                }
            )
    batch = CanonicalBatch(issues=issues)
    for table, items in rows.items():
        if items:
            batch.add(table, pd.DataFrame(items))
    return batch


def _citation(pub_id: str, seq: int, c: dict[str, Any]) -> dict[str, Any]:
    num = c.get("publication_number") or ""
    base = {"citing_pub_id": pub_id, "seq": seq, "category": c.get("type") or c.get("category")}
    if not num:
        return {
            **base,
            "origin": "npl" if c.get("npl_text") else "foreign",
            "npl_text": c.get("npl_text") or None,
            "cited_raw_number": c.get("application_number") or None,
        }
    try:
        country, number, kind = _split(num)
    except ValueError:
        return {**base, "origin": "foreign", "cited_raw_number": num}
    app = country == "US" and (
        (kind or "").startswith("A1") or kind in ("A2", "A9") or len(number) == 11
    )
    origin = "us_application" if app else "us_patent" if country == "US" else "foreign"
    return {
        **base,
        "origin": origin,
        "cited_doc_id": f"{country}-{number}",
        "cited_raw_number": num,
        "cited_country": country,
        "cited_kind": kind,
    }


def read_bigquery_export(
    source: Path, *, progress: Callable[[str], None] | None = None
) -> CanonicalBatch:
    """Read BigQuery ``publications`` exports (JSON lines or Parquet; file or folder)."""
    issues: list[ImportIssue] = []
    batches = []
    for path in _files(source):
        if progress:
            progress(path.name)
        table = _read(path)
        missing = [c for c in REQUIRED if c not in table.column_names]
        if missing:
            raise InputError(str(path), f"missing required column(s) {', '.join(missing)}")
        batches.append(map_rows(table.to_pylist(), str(path), issues))
    out = CanonicalBatch(issues=issues)
    for b in batches:
        for name, frame in b.tables.items():
            out.add(name, frame)
    pubs = out.tables.get("publication")
    if pubs is None or pubs.empty:
        raise InputError(str(source), "contains no publications")
    return out


def fetch_bigquery(project_id: str, where: str, *, limit: int | None = None) -> CanonicalBatch:
    """Query ``patents-public-data.patents.publications`` through Ibis (credentials required).

    ``where`` is a BigQuery SQL condition (``country_code = 'KR' AND publication_date >= 20200101``)
    evaluated server-side; only matching rows are downloaded.
    """
    try:
        import ibis

        con = ibis.bigquery.connect(project_id=project_id)
    except Exception as exc:  # missing extra or credentials: both are configuration problems
        raise InputError(
            "bigquery", f"needs ibis-framework[bigquery] and Google credentials ({exc})"
        ) from exc
    sql = f"SELECT * FROM `patents-public-data.patents.publications` WHERE {where}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    records = con.sql(sql).to_pyarrow().to_pylist()
    return map_rows(records, f"bigquery:{project_id}", [])
