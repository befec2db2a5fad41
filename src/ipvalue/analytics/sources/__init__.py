"""Importers (adapters at the edge): PatentsView, USPTO grant XML, Lens CSV, BigQuery exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import duckdb

from ipvalue.analytics._store import ImportReport
from ipvalue.core.errors import InputError

SourceFormat = Literal["patentsview", "uspto-xml", "lens", "bigquery"]
FORMATS: tuple[str, ...] = ("patentsview", "uspto-xml", "lens", "bigquery")


def import_source(
    con: duckdb.DuckDBPyConnection,
    source: str | Path,
    fmt: str,
    *,
    strict: bool = False,
    encoding: str = "utf-8",
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import ``source`` (file or folder) of format ``fmt`` into the canonical tables.

    The import is one transaction: it completes, or raises and leaves the database unchanged.
    Malformed rows are skipped and listed in the report (file, line, rule); ``strict=True``
    raises ``InputError`` on the first one instead. ``encoding`` applies to CSV exports (Lens).
    USPTO XML, Lens and BigQuery publications get WIPO technology fields derived from their
    IPC/CPC codes (:mod:`ipvalue.analytics.sources._tech_fields`); PatentsView's own
    ``g_wipo_technology`` is taken as given.
    """
    path = Path(source)
    if not path.exists():
        raise InputError("--source", f"{path} does not exist")
    if fmt == "patentsview":
        from ipvalue.analytics.sources._patentsview import import_patentsview

        return import_patentsview(con, path, strict=strict, progress=progress)
    if fmt == "uspto-xml":
        from ipvalue.analytics.sources._uspto_xml import read_uspto_xml

        batch = read_uspto_xml(path, progress=progress)
    elif fmt == "lens":
        from ipvalue.analytics.sources._lens import read_lens

        batch = read_lens(path, encoding=encoding, progress=progress)
    elif fmt == "bigquery":
        from ipvalue.analytics.sources._bigquery import read_bigquery_export

        batch = read_bigquery_export(path, progress=progress)
    else:
        raise InputError("--format", f"must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if strict and batch.issues:
        first = batch.issues[0]
        raise InputError(
            first.file + (f":{first.line}" if first.line is not None else ""), first.rule
        )
    from ipvalue.analytics._store import write_batch

    # none of these formats carries WIPO fields: derive them from the codes (Schmoch 2008)
    return write_batch(
        con, batch, source_format=fmt, source_path=str(path), derive_wipo_fields=True
    )


__all__ = ["FORMATS", "SourceFormat", "import_source"]
