"""A self-contained HTML landscape report: tables and inline SVG charts, no external resources.

The page loads nothing from the network (no scripts, fonts, stylesheets or images by URL), so
it can be mailed or archived as one file. Every text value is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

_STYLE = """
body{font-family:"DejaVu Sans","Noto Sans CJK JP","Noto Sans CJK KR","Noto Sans CJK SC",
sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.6em;border-bottom:2px solid #3b6ea5}h2{font-size:1.25em;margin-top:2em;
color:#2b4f78}table{border-collapse:collapse;margin:.6em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.meta td:first-child{font-weight:bold}.warn{color:#8a4b00}.chart svg{max-width:100%;height:auto}
p.note{font-size:.85em;color:#555}
"""


@dataclass(frozen=True)
class ReportSection:
    """One section of the report.

    Attributes
    ----------
    title : str
    notes : tuple of str
        Paragraphs (plain text; escaped).
    tables : tuple of (caption, DataFrame)
    charts : tuple of SVG strings
        Produced by :func:`ipvalue.analytics.charts.figure_svg` (inserted as markup).
    """

    title: str
    notes: tuple[str, ...] = ()
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    charts: tuple[str, ...] = field(default=())


def _cell(value: object) -> tuple[str, bool]:
    """Escaped text of a cell and whether it is numeric. Missing values are empty cells."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return "", False
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, int | np.integer):
        return f"{int(value):,}", True
    if isinstance(value, float | np.floating):
        v = float(value)
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}", True
        return f"{v:,.4g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3e}", True
    return html.escape(str(value)), False


def table_html(frame: pd.DataFrame, *, max_rows: int = 50) -> str:
    """An escaped HTML table of the first ``max_rows`` rows (a note says how many were left out).
    Floats show 4 significant digits; the CSV files keep full precision."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(max_rows).itertuples(index=False):
        cells = []
        for value in record:
            text, numeric = _cell(value)
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f'<p class="note">{len(frame) - max_rows:,} more rows in the CSV file.</p>'
        if len(frame) > max_rows
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def landscape_html(
    title: str,
    sections: Sequence[ReportSection],
    *,
    meta: Sequence[tuple[str, str]] = (),
    warnings: Sequence[str] = (),
) -> str:
    """Render the report as one HTML document string.

    Parameters
    ----------
    title : str
    sections : sequence of ReportSection
    meta : sequence of (label, value)
        Source, date basis, parameters, seeds, software version … shown at the top.
    warnings : sequence of str
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if meta:
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in meta
        )
        parts.append(f'<table class="meta">{rows}</table>')
    for w in warnings:
        parts.append(f'<p class="warn">Warning: {html.escape(w)}</p>')
    for s in sections:
        parts.append(f"<section><h2>{html.escape(s.title)}</h2>")
        parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in s.notes)
        parts.extend(f'<div class="chart">{svg}</div>' for svg in s.charts)
        for caption, frame in s.tables:
            parts.append(f"<h3>{html.escape(caption)}</h3>{table_html(frame)}")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
