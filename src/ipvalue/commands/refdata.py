"""CLI commands for reference data: ``ipvalue refdata list`` and ``ipvalue refdata show``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from ipvalue.core.errors import InputError

refdata_app = typer.Typer(
    help="Packaged reference data (tax, yields, risk premia, FX, royalty benchmarks) and "
    "user overrides.",
    no_args_is_help=True,
)


@refdata_app.command("list")
def list_tables(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the reference tables with row counts, key columns and override files."""
    from ipvalue.refdata import load_tables, refdata_version

    tables = load_tables()
    items = [
        {
            "table": t.name,
            "rows": len(t.rows),
            "key": list(t.spec.key),
            "columns": len(t.columns),
            "overrides": list(t.override_files),
        }
        for t in tables.values()
    ]
    version = refdata_version()
    if as_json:
        typer.echo(json.dumps({"refdata_version": version, "tables": items}, indent=2))
        return
    out = RichTable(title=f"Reference data {version}")
    for col in ("table", "rows", "key", "columns", "overrides"):
        out.add_column(col)
    for it in items:
        out.add_row(
            str(it["table"]),
            str(it["rows"]),
            ":".join(it["key"]),  # type: ignore[arg-type]
            str(it["columns"]),
            ", ".join(it["overrides"]) or "-",  # type: ignore[arg-type]
        )
    Console().print(out)


@refdata_app.command("show")
def show(
    table: Annotated[str, typer.Argument(help="Table name, e.g. country_parameters.")],
    key: Annotated[
        str | None, typer.Option("--key", help="Row key (composite keys joined with ':').")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a table, or one row (--key) as figures with source, date and confidence."""
    from ipvalue.refdata import get_table
    from ipvalue.refdata._lookup import figure_from_row

    t = get_table(table)
    if key is None:
        rows = [
            {c: (r.cells.get(c, "") or None) for c in t.columns} | {"_key": k}
            for k, r in t.rows.items()
        ]
        if as_json:
            typer.echo(json.dumps({"table": t.name, "rows": rows}, indent=2, ensure_ascii=False))
            return
        out = RichTable(title=f"{t.name} ({len(rows)} rows; show one with --key)")
        out.add_column("key")
        shown = [c for c in t.columns if c not in t.spec.key][:6]
        for c in shown:
            out.add_column(c, overflow="ellipsis", max_width=28)
        for k, r in t.rows.items():
            out.add_row(k, *[(r.cells.get(c, "") or "—") for c in shown])
        Console().print(out)
        return
    row = t.rows.get(key)
    if row is None:
        raise InputError("--key", f"no row {key!r} in {t.name}; keys are {sorted(t.rows)}")
    figures: list[dict[str, object]] = []
    for col in t.columns:
        if col in t.spec.key:
            continue
        ref = f"{t.name}/{key}/{col}"
        try:
            f = figure_from_row(t, key, row, col, ref)
        except InputError:
            figures.append({"column": col, "value": None})
            continue
        figures.append(
            {
                "column": col,
                "value": f.value,
                "unit": f.unit,
                "source": f.source,
                "source_date": f.source_date,
                "confidence": f.confidence,
                "overridden": f.overridden,
                "note": f.note,
            }
        )
    if as_json:
        typer.echo(
            json.dumps(
                {"table": t.name, "key": key, "figures": figures}, indent=2, ensure_ascii=False
            )
        )
        return
    out = RichTable(title=f"{t.name} / {key}")
    for col in ("column", "value", "unit", "source date", "confidence"):
        out.add_column(col, overflow="fold")
    out.add_column("source (full text: --json)", overflow="ellipsis", no_wrap=True, max_width=24)
    for fig in figures:
        value = fig["value"]
        out.add_row(
            str(fig["column"]),
            "— (missing)" if value is None else f"{value}",
            str(fig.get("unit") or ""),
            str(fig.get("source_date") or ""),
            str(fig.get("confidence") or ""),
            ("[override] " if fig.get("overridden") else "") + str(fig.get("source") or ""),
        )
    Console().print(out)


def register(app: typer.Typer) -> None:
    """Add ``ipvalue refdata`` to the top-level app."""
    app.add_typer(refdata_app, name="refdata")
