"""CLI commands of the valuation domain: ``value``, ``schema``, ``version``."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ipvalue.core.errors import InputError

# Simulations with at least this many paths show a progress bar.
_PROGRESS_MIN_PATHS = 200_000


class SchemaKind(StrEnum):
    case = "case"
    result = "result"


def _money(x: float | None, currency: str) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    digits = 0 if currency in ("KRW", "JPY", "VND", "IDR", "CLP", "ISK") else 2
    return f"{x:,.{digits}f}"


def _print_summary(v: Any) -> None:
    from rich.console import Console
    from rich.markup import escape as e  # case text may hold brackets ("[tvl-app]")
    from rich.table import Table

    con = Console(highlight=False)
    ccy = v.currency
    con.print(f"[bold]{e(v.case_id)}[/bold]  valuation date {v.valuation_date}  ({ccy})")
    if v.assets:
        at = Table(title="Assets")
        for col in ("asset", "type", "value", "low", "high"):
            at.add_column(col, justify="right" if col in ("value", "low", "high") else "left")
        for a in v.assets:
            at.add_row(
                e(a.id),
                a.type,
                _money(a.value, ccy),
                _money(a.range.low, ccy),
                _money(a.range.high, ccy),
            )
        con.print(at)
        if v.synergy is not None:
            con.print(f"Synergy adjustment: {v.synergy:+,.2f} {ccy}")
    else:
        t = Table(title="Approaches")
        for col in ("approach", "method", "id", "value", "weight"):
            t.add_column(
                col,
                justify="right" if col in ("value", "weight") else "left",
                overflow="fold",
                no_wrap=col in ("value", "weight"),
            )
        for a in v.approaches:
            t.add_row(a.approach, a.method, e(a.id), _money(a.value, ccy), f"{a.weight:.1%}")
        con.print(t)
    con.print(f"[bold]Concluded value: {_money(v.value, ccy)} {ccy}[/bold]")
    con.print(
        f"Range ({v.range.basis}): {_money(v.range.low, ccy)} – {_money(v.range.high, ccy)} {ccy}"
    )
    d = v.distribution
    if d is not None:
        con.print(
            f"Monte Carlo: n = {d.n:,} (rejected {d.rejected:,}), seed {d.seed}; mean "
            f"{_money(d.mean, ccy)}, p5 {_money(d.p5, ccy)}, p50 {_money(d.p50, ccy)}, "
            f"p95 {_money(d.p95, ccy)}"
        )
    _print_evidence(con, v)
    for s in v.sanity_checks:
        con.print(
            f"Sanity check ({s.step}, {s.approach}): {_money(s.detail.get('value'), ccy)} "
            f"— {s.detail.get('label')}",
            markup=False,
        )
    for w in v.warnings:
        con.print(f"[yellow]warning[/yellow] {e(w.code)}: {e(w.message)}")


def _pct(x: Any) -> str:
    return "–" if x is None else f"{x:.0%}"


def _num(x: Any) -> str:
    if x is None:
        return "–"  # empty in the file: undefined, never 0
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3g}"


def _print_evidence(con: Any, v: Any) -> None:
    """The ``patent_evidence`` trace step as an "Evidence" table (docs/patent-evidence.md)."""
    from rich.markup import escape
    from rich.table import Table

    step = next((t for t in v.trace if t.step == "patent_evidence"), None)
    if step is None:
        return
    d = step.detail
    if v.assets:
        _print_portfolio_evidence(con, step)
        return
    if step.rows:
        title = f"Evidence: patent {d.get('patent_id')} (cohort {d.get('cohort') or '–'})"
        t = Table(title=escape(title))
        for col in ("indicator", "value", "cohort %", "cohort med", "n", "file %", "file med"):
            t.add_column(col, justify="left" if col == "indicator" else "right", no_wrap=True)
        for r in step.rows:
            t.add_row(
                escape(str(r["indicator"])),
                _num(r["value"]),
                _pct(r["cohort_percentile"]),
                _num(r["cohort_median"]),
                str(r["cohort_n"]),
                _pct(r["file_percentile"]),
                _num(r["file_median"]),
            )
        con.print(t)
        con.print(
            f"Percentiles: {d.get('percentile_convention')}; file {d.get('indicators.file')} "
            f"(sha256 {str(d.get('indicators.sha256'))[:12]}…, data cutoff "
            f"{d.get('indicators.data_cutoff') or 'unknown'})",
            markup=False,
        )
        if d.get("legal_term_filled"):
            con.print(
                f"Legal term filled from expiry_date {d.get('expiry_date')}: "
                f"{d.get('legal_term_years_at_valuation_date'):.2f} years",
                markup=False,
            )
    if "cycle_time.code" in d:
        con.print(
            f"Cycle time {d.get('cycle_time.scheme')} {d.get('cycle_time.code')}: Q1 "
            f"{d['cycle_time.q1']:.2f}, Q2 {d['cycle_time.q2']:.2f}, Q3 "
            f"{d['cycle_time.q3']:.2f} years (n_ages {_num(d.get('cycle_time.n_ages'))}; "
            f"{d.get('cycle_time.file')})",
            markup=False,
        )


def _print_portfolio_evidence(con: Any, step: Any) -> None:
    """A portfolio's evidence: one line per asset with evidence, then the summary."""
    from rich.markup import escape
    from rich.table import Table

    d = step.detail
    q = str(d.get("quality_indicator") or "quality")
    if step.rows:
        t = Table(title="Patent evidence per asset")
        for col in ("asset", "patent", "cohort", "term (y)", "filled", q, "cohort %", "warnings"):
            t.add_column(
                col,
                justify="left" if col in ("asset", "patent", "cohort", "warnings") else "right",
                overflow="fold",
            )
        for r in step.rows:
            term = r.get("legal_term_years_at_valuation_date")
            t.add_row(
                escape(str(r["asset"])),
                escape(str(r.get("patent_id") or "–")),
                escape(str(r.get("cohort") or "–")),
                "–" if term is None else f"{term:.2f}",
                "yes" if r.get("legal_term_filled") else "no",
                _num(r.get(q)),
                _pct(r.get("quality_cohort_percentile")),
                escape(str(r.get("warnings") or "")),
            )
        con.print(t)
    con.print(
        f"Patent evidence: {d.get('assets_with_evidence')} of {d.get('assets')} assets "
        f"({d.get('assets_without_evidence')} name no patent); legal term filled from "
        f"expiry_date for {d.get('legal_term_filled')}",
        markup=False,
    )
    con.print(f"Evidence warnings: {d.get('warnings_by_code') or 'none'}", markup=False)
    for which in ("cohort", "file"):
        n = d.get(f"quality_{which}_percentile.n")
        if n:
            qs = ", ".join(
                f"p{p} {_pct(d.get(f'quality_{which}_percentile.p{p}'))}"
                for p in (10, 25, 50, 75, 90)
            )
            con.print(f"{q} percentile within {which} across {n} assets: {qs}", markup=False)
    if d.get("indicators.file"):
        con.print(
            f"Indicators {d.get('indicators.file')} (sha256 "
            f"{str(d.get('indicators.sha256'))[:12]}…, data cutoff "
            f"{d.get('indicators.data_cutoff') or 'unknown'})",
            markup=False,
        )
    if d.get("cycle_time.file"):
        con.print(
            f"Cycle times {d.get('cycle_time.file')} (sha256 "
            f"{str(d.get('cycle_time.sha256'))[:12]}…)",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the top-level app."""

    @app.command()
    def version() -> None:
        """Print the ipvalue version."""
        from ipvalue import __version__

        typer.echo(__version__)

    @app.command("value")
    def value_cmd(
        case_file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
        seed: Annotated[
            int | None, typer.Option("--seed", help="Monte Carlo seed (recorded).")
        ] = None,
        paths: Annotated[
            int | None, typer.Option("--paths", help="Monte Carlo paths (simulates the case).")
        ] = None,
    ) -> None:
        """Value a case file: per-approach table, concluded value, range, warnings."""
        from ipvalue.api_python import load_case
        from ipvalue.valuation.engine import value

        if paths is not None and paths < 1:
            raise InputError("--paths", "must be >= 1")
        if seed is not None and seed < 0:
            raise InputError("--seed", "must be >= 0")
        case = load_case(case_file)
        sim = case.simulation
        n = paths or (sim.paths if sim is not None else None) or 0
        if not as_json and n >= _PROGRESS_MIN_PATHS:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("Simulating", total=n)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                result = value(case, seed=seed, paths=paths, progress=progress)
        else:
            result = value(case, seed=seed, paths=paths)
        if as_json:
            typer.echo(
                json.dumps(result.to_json_dict(), ensure_ascii=False, allow_nan=False, indent=2)
            )
        else:
            _print_summary(result)

    @app.command("schema")
    def schema_cmd(
        kind: Annotated[SchemaKind, typer.Argument(help="case or result")],
    ) -> None:
        """Print the JSON Schema of a case file or of the result JSON."""
        if kind is SchemaKind.case:
            from ipvalue.api_python import case_json_schema

            schema = case_json_schema()
        else:
            from ipvalue.model.result import result_json_schema

            schema = result_json_schema()
        typer.echo(json.dumps(schema, ensure_ascii=False, indent=2))
