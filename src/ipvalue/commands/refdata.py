"""CLI commands for reference data: ``ipvalue refdata list`` and ``ipvalue refdata show``."""

from __future__ import annotations

import json
from typing import Annotated, Any

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
    if t.name == "fx_history" and (key is None or _is_currency(key)):
        _show_fx_history(t, key, as_json)
        return
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


def _is_currency(key: str) -> bool:
    return len(key) == 3 and key.isalpha()


def _show_fx_history(t: Any, key: str | None, as_json: bool) -> None:
    """``show fx_history``: coverage per currency; ``--key KRW``: that currency's dated rates."""
    from ipvalue.refdata import fx_series

    currencies = [c for c in t.columns if c != "date"]
    if key is None:
        cover = []
        for c in ["EUR", *currencies[1:]]:
            series = fx_series(c)
            first, last = series[0], series[-1]
            cover.append(
                {
                    "currency": c,
                    "first": first[0].isoformat(),
                    "last": last[0].isoformat(),
                    "dates": len(series),
                    "latest_units_per_usd": last[1],
                }
            )
        if as_json:
            typer.echo(json.dumps({"table": t.name, "coverage": cover}, indent=2))
            return
        out = RichTable(title=f"{t.name}: ECB daily rates ({len(t.rows)} dates; --key KRW)")
        for col in ("currency", "first", "last", "dates", "per USD on last date"):
            out.add_column(col)
        for it in cover:
            out.add_row(
                str(it["currency"]),
                str(it["first"]),
                str(it["last"]),
                str(it["dates"]),
                f"{it['latest_units_per_usd']:.6g}",
            )
        Console().print(out)
        Console().print(t.spec.default.source_text or "", soft_wrap=True)
        return
    ccy = key.upper()
    series = fx_series(ccy)
    if not series:
        raise InputError(
            "--key", f"{ccy} has no rates; currencies are EUR, {', '.join(currencies)}"
        )
    rows = []
    for day, per_usd, table in series:
        cells = t.rows[day.isoformat()].cells if table == "fx_history" else {}
        per_eur = cells.get(ccy) or ("1" if ccy == "EUR" and cells else None)
        rows.append(
            {
                "date": day.isoformat(),
                "units_per_eur": per_eur,
                "usd_per_eur": cells.get("USD") or None,
                "units_per_usd": per_usd,
                "table": table,
            }
        )
    if as_json:
        payload = {"table": t.name, "currency": ccy, "source": t.spec.default.source_text}
        typer.echo(json.dumps(payload | {"rates": rows}, indent=2, ensure_ascii=False))
        return
    out = RichTable(
        title=f"{ccy}: {len(rows)} dates {rows[0]['date']} … {rows[-1]['date']} "
        "(last 10 shown; all with --json)"
    )
    for col in ("date", f"{ccy} per EUR", "USD per EUR", f"{ccy} per USD", "table"):
        out.add_column(col)
    for r in rows[-10:]:
        out.add_row(
            str(r["date"]),
            str(r["units_per_eur"] or "—"),
            str(r["usd_per_eur"] or "—"),
            f"{r['units_per_usd']:.10g}",
            str(r["table"]),
        )
    Console().print(out)
    Console().print(
        "per USD = (per EUR) / (USD per EUR), computed on read; source: "
        + (t.spec.default.source_text or ""),
        soft_wrap=True,
    )


@refdata_app.command("fx")
def fx(
    from_ccy: Annotated[str, typer.Argument(help="From currency (ISO 4217), e.g. KRW.")],
    to_ccy: Annotated[str, typer.Argument(help="To currency (ISO 4217), e.g. USD.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date YYYY-MM-DD (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The rate ipvalue uses to convert FROM into TO on a date, the date it is of, and why."""
    from datetime import date

    from ipvalue.refdata import fx_rate

    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise InputError("--on", f"must be a date YYYY-MM-DD, got {on!r}") from None
    f = fx_rate(from_ccy, to_ccy, day)
    data = {
        "from": from_ccy.upper(),
        "to": to_ccy.upper(),
        "on": day.isoformat(),
        "rate": f.value,
        "unit": f.unit,
        "date_used": f.source_date,
        "gap_days": (day - date.fromisoformat(str(f.source_date))).days,
        "flags": list(f.flags),
        "note": f.note,
        "source": f.source,
    }
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{f.value:.10g} {f.unit} — rate of {f.source_date} (asked for {day})")
    if f.note:
        flagged = "fx_date_mismatch" in f.flags
        typer.echo(("warning fx_date_mismatch: " if flagged else "") + f.note)
    typer.echo(f"source: {f.source}")


def register(app: typer.Typer) -> None:
    """Add ``ipvalue refdata`` to the top-level app."""
    app.add_typer(refdata_app, name="refdata")
