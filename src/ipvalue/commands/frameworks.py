"""CLI commands for frameworks: ``ipvalue compare`` and ``ipvalue frameworks list|resolve``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ipvalue.core.errors import InputError

frameworks_app = typer.Typer(
    help="Jurisdiction frameworks (IVS, KR, CN, JP, SG, HK, IN, AU).", no_args_is_help=True
)


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:,.2f}"


@frameworks_app.command("list")
def list_frameworks(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the framework codes and whether each is available in this build."""
    from ipvalue.frameworks import CODES, UnknownFramework, get

    rows = []
    for code in CODES:
        try:
            fw = get(code)
            rows.append({"code": code, "name": str(fw.name), "available": True})
        except UnknownFramework as exc:
            rows.append({"code": code, "name": exc.rule, "available": False})
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    t = Table(title="Frameworks")
    for col in ("code", "name", "available"):
        t.add_column(col)
    for r in rows:
        t.add_row(str(r["code"]), str(r["name"]), "yes" if r["available"] else "no")
    Console().print(t)


@frameworks_app.command("resolve")
def resolve_cmd(
    case_file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON).")],
    framework: Annotated[str, typer.Option("--framework", "-f", help="Framework code.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every parameter a framework fills for a case, with source and evidence label."""
    from ipvalue.api_python import load_case
    from ipvalue.frameworks import get
    from ipvalue.model.case import ValuationCase

    case = load_case(case_file)
    if not isinstance(case, ValuationCase):
        raise InputError(str(case_file), "resolve takes a single-asset case, not a portfolio")
    resolved = get(framework).resolve(case)
    params = [
        {
            "name": p.name,
            "path": p.path,
            "value": p.value,
            "unit": p.unit,
            "evidence": p.evidence,
            "factor": p.factor,
            "source": p.source,
            "source_date": p.source_date,
        }
        for p in resolved.parameters
    ]
    warnings = [{"code": w.code, "message": w.message} for w in resolved.warnings()]
    reqs = [{"code": r.code, "text": r.text, "source": r.source} for r in resolved.requirements]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "framework": resolved.framework,
                    "parameters": params,
                    "warnings": warnings,
                    "requirements": reqs,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        return
    t = Table(title=f"{resolved.framework}: resolved parameters (evidence V/S/U, input, refdata)")
    t.add_column("parameter", overflow="fold", ratio=3)
    t.add_column("value", overflow="fold", ratio=2)
    t.add_column("ev.", no_wrap=True)
    t.add_column("factor", no_wrap=True)
    t.add_column("source", overflow="fold", ratio=6)
    for p in params:
        dated = f" ({p['source_date']})" if p["source_date"] else ""
        t.add_row(
            escape(str(p["path"] or p["name"])),
            escape(_val(p["value"])),
            str(p["evidence"]),
            _ABBR.get(str(p["factor"]), str(p["factor"])),
            escape(f"{p['source']}{dated}"),
        )
    con = Console()
    con.print(t)
    for r in reqs:
        con.print(
            f"[bold]requirement[/bold] {escape(r['code'])}: {escape(r['text'])} "
            f"({escape(r['source'])})"
        )
    for w in warnings:
        con.print(f"[yellow]warning[/yellow] {escape(w['code'])}: {escape(w['message'])}")


def compare_cmd(
    case_file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON).")],
    jurisdictions: Annotated[
        str,
        typer.Option("--jurisdictions", "-j", help="Comma-separated codes, e.g. KR,CN,JP,SG,IVS."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Comparison currency (default: the case's).")
    ] = None,
    baseline: Annotated[
        str, typer.Option("--baseline", help="Framework the differences are measured from.")
    ] = "IVS",
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Organisation adjustment profile (YAML/JSON).")
    ] = None,
) -> None:
    """Value one case under several frameworks in one currency and explain each gap."""
    from ipvalue.api_python import load_case
    from ipvalue.frameworks.compare import compare
    from ipvalue.frameworks.profiles import load_profile
    from ipvalue.model.case import ValuationCase

    case = load_case(case_file)
    if not isinstance(case, ValuationCase):
        raise InputError(str(case_file), "compare values a single-asset case, not a portfolio")
    prof = load_profile(profile) if profile is not None else None
    con = Console(stderr=True)
    with con.status("valuing under each framework and attributing the differences …"):
        result = compare(case, jurisdictions, currency=currency, baseline=baseline, profile=prof)
    if as_json:
        typer.echo(result.to_json())
    else:
        _print_comparison(case.id, result)
    failed = [v for v in result.values if v.input_error is not None]
    if failed:  # the others are printed above; the exit code still says "invalid input"
        first = failed[0].input_error
        assert first is not None
        names = ", ".join(v.code for v in failed)
        raise InputError(first.field, f"{first.rule} (not valued: {names})")


def _print_comparison(case_id: str, result: Any) -> None:
    out = Console()
    t = Table(
        title=f"{case_id}: value by framework ({result.currency}, baseline {result.baseline})"
    )
    t.add_column("framework")
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("vs baseline", justify="right", no_wrap=True)
    t.add_column("FX rate", justify="right", no_wrap=True)
    t.add_column("FX date", no_wrap=True)
    sources: dict[str, list[str]] = {}
    for v in result.values:
        diff = None
        if v.code != result.baseline and v.value is not None:
            diff = result.attribution_of(v.code).difference
        t.add_row(
            v.code,
            _fmt(v.value) if v.error is None else escape(f"error: {v.error}"),
            _fmt(diff),
            f"{v.fx.rate:.6g}" if v.fx else "",
            (v.fx.source_date or "") if v.fx else "",
        )
        if v.fx:
            sources.setdefault(
                f"{v.fx.from_currency}→{v.fx.to_currency}: {v.fx.source}", []
            ).append(v.code)
    out.print(t)
    for src, codes in sources.items():
        out.print(f"FX {', '.join(codes)} — {escape(src)}", markup=False)
    for a in result.attributions:
        out.print(_attribution_table(result, a))
    out.print(f"method: {result.method}")
    if result.profile:
        out.print(f"profile: {result.profile}")
    for v in result.values:
        if v.fx and v.fx.note:
            out.print(f"[yellow]FX[/yellow] {v.code}: {v.fx.note}")
            break
    # The same warning once, naming every framework it applies to (a message that starts
    # with the framework's own code is compared without it).
    by_message: dict[tuple[str, str], list[str]] = {}
    for v in result.values:
        for w in v.warnings:
            codes = by_message.setdefault((w.code, w.message.removeprefix(f"{v.code}: ")), [])
            if v.code not in codes:
                codes.append(v.code)
    for (code, msg), codes in by_message.items():
        out.print(
            f"[yellow]warning[/yellow] {escape(', '.join(codes))} {escape(f'[{code}]')}: "
            f"{escape(msg)}"
        )


_SHORT = {
    "discount_rate": "discount rate",
    "income": "income / royalty",
    "economic_life": "economic life",
    "tax_tab": "tax and TAB",
    "method_mix": "method mix",
    "fx": "FX",
    "adjustments": "adjustments",
}


_ABBR = {
    "discount_rate": "rate",
    "economic_life": "life",
    "tax_tab": "tax/TAB",
    "method_mix": "mix",
    "adjustments": "adj.",
}


def _val(x: object) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def _attribution_table(result: Any, a: Any) -> Table:
    """One framework's gap to the baseline: factor, amount, share, and what differs."""
    from ipvalue.frameworks.base import FACTORS

    fv, bv = result.value_of(a.code), result.value_of(a.baseline)
    t = Table(
        title=f"{a.code} − {a.baseline} = {_fmt(a.difference)} {result.currency} "
        f"({a.code} {_fmt(fv.value)} vs {a.baseline} {_fmt(bv.value)})",
        title_justify="left",
    )
    t.add_column("factor", no_wrap=True)
    t.add_column("contribution", justify="right", no_wrap=True)
    t.add_column("share", justify="right", no_wrap=True)
    t.add_column(f"what differs ({a.baseline} → {a.code}) [evidence]")
    scale = abs(a.difference) if a.difference else 0.0
    for f in FACTORS:
        amount = a.contributions[f]
        ds = a.drivers.get(f, ())
        if amount == 0.0 and all(d.baseline_value is None or d.value is None for d in ds):
            continue  # nothing to explain: only parameters one framework does not record
        share = f"{amount / a.difference:.1%}" if scale else "—"
        what = "; ".join(
            f"{d.name} {_val(d.baseline_value)} → {_val(d.value)}"
            + (f" [{d.evidence}]" if d.evidence else "")
            for d in ds
        )
        t.add_row(_SHORT[f], _fmt(amount), share, escape(what) or "—")
    t.add_row(
        "total",
        _fmt(a.difference),
        "100.0%" if scale else "—",
        f"residual {a.residual:.3g} (floating point); {a.evaluations} valuations",
    )
    return t


def register(app: typer.Typer) -> None:
    """Add ``ipvalue compare`` and ``ipvalue frameworks`` to the top-level app."""
    app.command("compare")(compare_cmd)
    app.add_typer(frameworks_app, name="frameworks")
