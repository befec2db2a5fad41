"""CLI adapter of the scoring domain: ``ipvalue score CASE --framework … [--json]``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class ScoreSystem(StrEnum):
    smart = "smart"
    gbt42748 = "gbt42748"
    ipscore = "ipscore"
    jp_bank = "jp-bank"


def _print(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console(highlight=False)
    d = result["detail"]
    fw = result["framework"]
    grade = f", grade {result['grade']}" if result.get("grade") else ""
    con.print(f"[bold]{result['case_id']}[/bold] — {fw}: score {result['score']:.2f}{grade}")
    if fw == "smart":
        t = Table(title="SMART5-style groups (fraction of points)")
        t.add_column("group")
        t.add_column("fraction", justify="right")
        for g, v in d["group_fraction"].items():
            t.add_row(g, f"{v:.3f}")
        con.print(t)
        if d["stanine"] is not None:
            con.print(
                f"stanine {d['stanine']} in {d['sector']} (percentile "
                f"{d['percentile']:.1%} of {d['population_size']} scores)"
            )
    elif fw == "gbt42748":
        t = Table(
            title=f"GB/T 42748 — scenario {d['scenario']} (config {d['config_id']} "
            f"v{d['config_version']})"
        )
        for col in ("dimension", "weight", "score"):
            t.add_column(col, justify="left" if col == "dimension" else "right")
        for k, v in d["dimensions"].items():
            t.add_row(k, f"{d['dimension_weights'][k]:.4f}", f"{v:.2f}")
        con.print(t)
    elif fw == "ipscore":
        t = Table(title="Radar (mean rating 1-5)")
        for col in ("category", "title", "mean"):
            t.add_column(col, justify="right" if col == "mean" else "left")
        for r in d["radar"]:
            t.add_row(r["category"], r["title"], f"{r['mean']:.2f}")
        con.print(t)
        con.print(
            f"opportunity {d['opportunity']:.2f}, risk {d['risk']:.2f} -> matrix cell "
            f"{tuple(d['matrix_cell'])}: {d['quadrant']}"
        )
        con.print(
            f"risk factors: {', '.join(d['risk_factors']) or '–'}; opportunity factors: "
            f"{', '.join(d['opportunity_factors']) or '–'}"
        )
    else:
        for dim in d["dimensions"]:
            con.print(f"• {dim['narrative_en']}", markup=False)
            con.print(f"  {dim['narrative_ja']}", markup=False)
        con.print(d["summary_en"], markup=False)
        con.print(d["summary_ja"], markup=False)
        tmf = result.get("technology_market_finance")
        if tmf:
            axes = ", ".join(f"{k} {v:.1f}" for k, v in tmf["axes"].items())
            con.print(
                f"Technology-market-finance: {tmf['overall']:.1f} ({tmf['grade']}); "
                f"{axes} — {tmf['model_label']}"
            )
    pw = result.get("profile_weights")
    if pw:
        weights = ", ".join(f"{k} {v:g}" for k, v in pw["weights"].items())
        con.print(f"profile weights ({weights}) {pw['note']} — {pw['source']}", markup=False)
    for a in d.get("assumptions", []):
        con.print(
            f"assumption {a['name']} = {a['value']} [{a['evidence']}] — {a['source']}", markup=False
        )
    for w in d.get("warnings", []):
        con.print(f"[yellow]warning[/yellow] {escape(w['code'])}: {escape(w['message'])}")
    ev = result.get("evidence")
    if ev:  # patent indicators beside the ratings: evidence, kept apart from the score
        t = Table(
            title=f"Patent evidence (not a score) — {ev['patent_id']}, percentile "
            f"{ev['percentile']}"
        )
        for col in ("item", "indicator", "value", "cohort p (n)", "file p (n)"):
            t.add_column(col, justify="left" if col in ("item", "indicator") else "right")

        def pct(p: float | None, n: int) -> str:
            return "–" if p is None else f"{p:.2f} ({n})"

        for r in ev["rows"]:
            t.add_row(
                r["item"],
                r["indicator"],
                "–" if r["value"] is None else f"{r['value']:.4g}",
                pct(r["cohort_percentile"], r["cohort_n"]),
                pct(r["file_percentile"], r["file_n"]),
            )
        con.print(t)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the top-level app."""

    @app.command("score")
    def score(
        case_file: Annotated[Path, typer.Argument(help="case file (YAML or JSON)")],
        framework: Annotated[
            ScoreSystem,
            typer.Option("--framework", help="scoring system: smart, gbt42748, ipscore or jp-bank"),
        ],
        as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
        profile: Annotated[
            Path | None,
            typer.Option(
                "--profile",
                help="organisation profile (YAML/JSON) whose indicator_weights apply "
                "when the scoring block gives none",
            ),
        ] = None,
    ) -> None:
        """Score or grade the case's asset (a score, never a price).

        Inputs come from the case's framework_inputs (KR.smart, CN.gbt42748, IPSCORE, JP.bank);
        see docs/frameworks/scoring.md.
        """
        from ipvalue import load_case
        from ipvalue.core.errors import InputError
        from ipvalue.frameworks.scoring import score_case

        case = load_case(case_file)
        if not hasattr(case, "asset"):
            raise InputError("case", "scoring needs a single-asset case, not a portfolio")
        from ipvalue.frameworks.profiles import load_profile

        prof = load_profile(profile) if profile is not None else None
        result = score_case(
            case, framework.value, base_dir=case_file.resolve().parent, profile=prof
        )
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))
        else:
            _print(result)
