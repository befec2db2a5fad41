"""Write a :class:`~ipvalue.analytics.landscape.Landscape` to a folder (I/O edge).

Output: one CSV per table (full precision, empty cells where a value is undefined), charts as
PNG/SVG under ``charts/``, the self-contained ``landscape.html`` and ``summary.json`` with the
headline figures, every option, the seed and the software version. Files are written to a
temporary folder inside ``out`` and moved into place at the end, so a failure leaves no
half-written report.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ipvalue.analytics import charts
from ipvalue.analytics.charts_html import ReportSection, landscape_html
from ipvalue.analytics.landscape import Landscape
from ipvalue.analytics.landscape_aggregate import AggregateLandscape
from ipvalue.analytics.landscape_networks import edge_table
from ipvalue.core.errors import InputError

Progress = Callable[[str], None]

_DIM_LABEL = {
    "year": "year",
    "office": "office",
    "class": "class",
    "field": "WIPO field",
    "assignee": "assignee",
    "country": "assignee country",
}


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, numpy scalars plain Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def summary_dict(land: Landscape) -> dict[str, Any]:
    """Headline figures and parameters of a landscape (JSON-safe)."""
    from ipvalue import __version__

    c = land.corpus
    out: dict[str, Any] = {
        "source": c.source,
        "n_patents": len(c),
        "date_basis": c.date_basis,
        "years": (
            [int(c.patents["year"].min()), int(c.patents["year"].max())]
            if c.patents["year"].notna().any()
            else None
        ),
        "options": asdict(land.options),
        "software_version": __version__,
        "warnings": list(land.warnings),
    }
    if land.growth is not None:
        g = land.growth
        out["growth"] = {
            "start_year": g.start_year,
            "end_year": g.end_year,
            "start_count": g.start_count,
            "end_count": g.end_count,
            "cagr": g.cagr,
        }
    if land.lifecycle is not None:
        lc = land.lifecycle
        out["lifecycle"] = {
            "stage": lc.stage,
            "saturation": lc.saturation,
            "midpoint": lc.midpoint,
            "rate": lc.rate,
            "r2": lc.r2,
            "share_reached": lc.share_reached,
            "t10": lc.t10,
            "t90": lc.t90,
        }
    if land.concentration is not None:
        k = land.concentration
        out["concentration"] = {
            "basis": "assignee, fractional counting",
            "k": k.k,
            "cr_k": k.cr_k,
            "hhi": k.hhi,
            "hhi_points": k.hhi_points,
            "equivalent_entities": k.equivalent_entities,
            "n_entities": k.n_entities,
            "n_patents": k.n_patents,
            "n_missing": k.n_missing,
        }
    if land.clusters is not None:
        out["clusters"] = {
            "k": land.clusters.k,
            "seed": land.clusters.seed,
            "silhouette": land.clusters.silhouette,
        }
    for name, comm in (
        ("coclassification", land.coclass_communities),
        ("citation", land.citation_communities),
    ):
        if comm is not None:
            out[f"{name}_communities"] = {
                "method": comm.method,
                "seed": comm.seed,
                "modularity": comm.modularity,
                "n_communities": comm.n_communities,
            }
    for name, em in (
        ("emerging_terms", land.emerging_terms),
        ("emerging_classes", land.emerging_classes),
    ):
        if em is not None:
            out[name] = {
                "base_years": list(em.base_years),
                "recent_years": list(em.recent_years),
                "n_base": em.n_base,
                "n_recent": em.n_recent,
                "novelty_k": em.novelty_k,
            }
    cleaned: dict[str, Any] = _clean(out)
    return cleaned


def write_landscape(
    land: Landscape,
    out: Path,
    *,
    chart_formats: Sequence[str] = charts.CHART_FORMATS,
    html: bool = True,
    progress: Progress | None = None,
) -> list[Path]:
    """Write tables, charts, HTML and summary of ``land`` into folder ``out``.

    Returns the written files (paths inside ``out``). Existing files of the same names are
    replaced; other files in ``out`` are left alone.

    Raises
    ------
    InputError
        ``out`` exists and is not a folder, or an unknown chart format.
    """
    step = progress or (lambda _m: None)

    def build(stage: Path) -> None:
        sections = _write_all(land, stage, chart_formats, step)
        (stage / "summary.json").write_text(
            json.dumps(summary_dict(land), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        if html:
            step("HTML report")
            doc = landscape_html(
                "Patent landscape", sections, meta=_meta(land), warnings=land.warnings
            )
            (stage / "landscape.html").write_text(doc, encoding="utf-8")

    return _staged(out, chart_formats, build)


def _staged(out: Path, chart_formats: Sequence[str], build: Callable[[Path], None]) -> list[Path]:
    """Run ``build`` in a staging folder inside ``out``, then move its files into ``out``."""
    for fmt in chart_formats:
        if fmt not in charts.CHART_FORMATS:
            allowed = ", ".join(charts.CHART_FORMATS)
            raise InputError("--charts", f"must be a comma list of {allowed}")
    if out.exists() and not out.is_dir():
        raise InputError("--out", f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".landscape-") as tmp:
        stage = Path(tmp)
        (stage / "charts").mkdir()
        build(stage)
        written = []
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                target = out / path.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), target)
                written.append(target)
    return written


def write_aggregate_landscape(
    agg: AggregateLandscape,
    out: Path,
    *,
    chart_formats: Sequence[str] = charts.CHART_FORMATS,
    html: bool = True,
) -> list[Path]:
    """Write the tables, charts, HTML and summary of an aggregate-statistics landscape."""

    def build(stage: Path) -> None:
        sections: list[ReportSection] = []
        for dim, table in agg.counts.items():
            table.to_csv(stage / f"filings_by_{dim}.csv", index=False)
            svgs = []
            if dim == "year":
                fig = charts.trend_chart(table.set_index("year")["n"], title="Filings by year")
            else:
                fig = charts.bar_chart(
                    table[dim].tolist(),
                    table["n"].tolist(),
                    title=f"Filings by {dim}",
                    xlabel="filings",
                )
            svgs.append(_save(fig, stage, f"filings_by_{dim}", chart_formats))
            wide = agg.year_matrix.get(dim)
            if wide is not None and not wide.empty:
                wide.reset_index().to_csv(stage / f"filings_{dim}_by_year.csv", index=False)
                svgs.append(
                    _save(
                        charts.trend_chart(wide, title=f"Filings by year and {dim}"),
                        stage,
                        f"trend_{dim}",
                        chart_formats,
                    )
                )
            sections.append(ReportSection(f"Filings by {dim}", (), ((dim, table),), tuple(svgs)))
        notes = []
        for label, k in (
            ("fields", agg.field_concentration),
            ("offices", agg.office_concentration),
        ):
            if k is not None:
                k.shares.to_csv(stage / f"concentration_{label}.csv", index=False)
                notes.append(
                    f"{label}: CR{k.k} = {k.cr_k:.4f}, HHI = {k.hhi:.4f} "
                    f"({k.hhi_points:,.0f} points), {k.n_entities} {label}"
                )
        if notes:
            sections.append(ReportSection("Concentration", tuple(notes)))
        if agg.growth is not None:
            agg.growth.yoy.to_csv(stage / "growth.csv", index=False)
            rate = "undefined" if agg.growth.cagr is None else f"{agg.growth.cagr:.2%}"
            sections.append(
                ReportSection(
                    f"Growth {agg.growth.start_year}–{agg.growth.end_year}",
                    (f"CAGR {rate}",),
                    (("Year-on-year", agg.growth.yoy),),
                )
            )
        if agg.emerging_fields is not None and agg.windows is not None:
            agg.emerging_fields.to_csv(stage / "emerging_fields.csv", index=False)
            (b0, b1), (r0, r1) = agg.windows
            svg = _save(
                charts.emerging_chart(agg.emerging_fields, title="Emerging fields"),
                stage,
                "emerging_fields",
                chart_formats,
            )
            sections.append(
                ReportSection(
                    "Emerging fields",
                    (
                        f"Base {b0}–{b1}, recent {r0}–{r1}; emergence = ln((n_R+1)/(N_R+1)) − "
                        "ln((n_B+1)/(N_B+1)) on summed counts.",
                    ),
                    (("Emerging fields", agg.emerging_fields),),
                    (svg,),
                )
            )
        summary = {
            "source": agg.source,
            "total_filings": float(agg.counts["year"]["n"].sum()),
            "growth": None
            if agg.growth is None
            else {
                "start_year": agg.growth.start_year,
                "end_year": agg.growth.end_year,
                "cagr": agg.growth.cagr,
            },
            "field_concentration": None
            if agg.field_concentration is None
            else {"cr_k": agg.field_concentration.cr_k, "hhi": agg.field_concentration.hhi},
            "office_concentration": None
            if agg.office_concentration is None
            else {"cr_k": agg.office_concentration.cr_k, "hhi": agg.office_concentration.hhi},
            "warnings": list(agg.warnings),
        }
        (stage / "summary.json").write_text(json.dumps(_clean(summary), indent=2), encoding="utf-8")
        if html:
            doc = landscape_html(
                "Filing statistics landscape",
                sections,
                meta=[("Source", agg.source)],
                warnings=agg.warnings,
            )
            (stage / "landscape.html").write_text(doc, encoding="utf-8")

    return _staged(out, chart_formats, build)


def _save(fig: Figure, stage: Path, name: str, formats: Sequence[str]) -> str:
    written = charts.save_figure(fig, stage / "charts" / name, formats)
    svg_file = next((p for p in written if p.suffix == ".svg"), None)
    if svg_file is None:
        return charts.figure_svg(fig)
    return charts.inline_svg(svg_file.read_text(encoding="utf-8"))


def _meta(land: Landscape) -> list[tuple[str, str]]:
    s = summary_dict(land)
    o = land.options
    years = s["years"]
    return [
        ("Source", land.corpus.source),
        ("Patents", f"{len(land.corpus):,}"),
        ("Years", f"{years[0]}–{years[1]} ({land.corpus.date_basis} date)" if years else "none"),
        ("Class level", o.class_level),
        ("Clusters", f"k = {o.clusters}, seed {o.seed}"),
        ("Communities", f"{o.community_method}, seed {o.seed}"),
        (
            "Emerging windows",
            f"base {o.base_years} years, recent {o.recent_years} years, min "
            f"{o.min_recent_docs} recent documents, novelty k = {o.novelty_k}",
        ),
        ("Software", f"ipvalue {s['software_version']}"),
    ]


def _write_all(
    land: Landscape, stage: Path, formats: Sequence[str], step: Progress
) -> list[ReportSection]:
    svgs: dict[str, str] = {}

    def chart(name: str, fig: Figure) -> None:
        # Render each format once; the inline HTML copy reuses the SVG file.
        svgs[name] = _save(fig, stage, name, formats)

    def csv(name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(stage / f"{name}.csv", index=False)

    sections: list[ReportSection] = []
    step("tables and charts: filings")
    for dim, t in land.counts.items():
        csv(f"filings_by_{dim}", t.table)
        label = _DIM_LABEL[dim]
        if dim == "year":
            chart(
                "filings_by_year",
                charts.trend_chart(t.table.set_index("year")["n"], title="Filings by year"),
            )
        else:
            chart(
                f"filings_by_{dim}",
                charts.bar_chart(
                    t.table[dim].tolist(),
                    t.table["n"].tolist(),
                    title=f"Top {len(t.table)} by {label}",
                    xlabel="patents (whole counting)",
                ),
            )
        tables: list[tuple[str, pd.DataFrame]] = [(f"Filings by {label}", t.table)]
        names = [f"filings_by_{dim}"]
        wide = land.year_matrix.get(dim)
        if wide is not None and not wide.empty:
            csv(f"filings_{dim}_by_year", wide.reset_index())
            chart(f"trend_{dim}", charts.trend_chart(wide, title=f"Filings by year, top {label}"))
            names.append(f"trend_{dim}")
            if dim == "class":
                chart("heatmap_class", charts.heatmap_chart(wide, title="Year × class"))
                names.append("heatmap_class")
        notes = (
            f"{t.n_patents:,} patents with a {label}; {t.n_missing:,} without. Whole "
            "counting: a patent counts once in each category it has.",
        )
        sections.append(
            ReportSection(
                f"Filings by {label}", notes, tuple(tables), tuple(svgs[n] for n in names)
            )
        )
    if land.growth is not None:
        g = land.growth
        csv("growth", g.yoy)
        rate = "undefined (no filings in the first year)" if g.cagr is None else f"{g.cagr:.2%}"
        tables = [("Year-on-year", g.yoy)]
        if land.growth_by_class is not None:
            csv("growth_by_class", land.growth_by_class)
            tables.append(("CAGR by class", land.growth_by_class))
        sections.append(
            ReportSection(
                f"Growth {g.start_year}–{g.end_year}",
                (
                    "CAGR = (n_end / n_start)^(1/years) − 1 = "
                    f"({g.end_count:g} / {g.start_count:g})"
                    f"^(1/{g.end_year - g.start_year}) − 1 = {rate}.",
                ),
                tuple(tables),
            )
        )
    if land.lifecycle is not None:
        lc = land.lifecycle
        csv("lifecycle", lc.table)
        chart(
            "lifecycle",
            charts.trend_chart(
                lc.table.set_index("year")[["cumulative", "fitted"]],
                title=f"Cumulative filings and S-curve ({lc.stage})",
                ylabel="cumulative filings",
            ),
        )
        sections.append(
            ReportSection(
                "Technology life cycle",
                (
                    f"Logistic fit y(t) = K / (1 + exp(−r (t − t_m))): K = {lc.saturation:,.0f}, "
                    f"t_m = {lc.midpoint:.1f}, r = {lc.rate:.3f}/year, R² = {lc.r2:.3f}. "
                    f"{lc.share_reached:.0%} of K reached: {lc.stage} (10/50/90 % cut-offs); "
                    f"10 % of K in {lc.t10:.1f}, 90 % in {lc.t90:.1f}.",
                ),
                (),
                (svgs["lifecycle"],),
            )
        )
    if land.concentration is not None:
        k = land.concentration
        csv("concentration_assignees", k.shares)
        top = k.shares.head(land.options.top)
        chart(
            "concentration",
            charts.bar_chart(
                top["entity"].tolist(),
                top["share"].tolist(),
                title="Assignee shares (fractional)",
                xlabel="share of patents",
            ),
        )
        sections.append(
            ReportSection(
                "Concentration",
                (
                    f"CR{k.k} = {k.cr_k:.4f}; HHI = {k.hhi:.4f} ({k.hhi_points:,.0f} points); "
                    f"equivalent to {k.equivalent_entities:.1f} equal assignees; {k.n_entities:,} "
                    f"assignees; {k.n_missing:,} patents without assignee left out. Shares use "
                    "fractional counting (co-owned patents split evenly).",
                ),
                (("Assignee shares", top),),
                (svgs["concentration"],),
            )
        )
    if land.keywords is not None:
        csv("keywords", land.keywords)
        sections.append(
            ReportSection(
                "Keywords (TF-IDF n-grams)",
                (
                    "Score = mean TF-IDF weight of the term over the documents of the period "
                    "(IDF fitted on the whole corpus).",
                ),
                (("Top terms by period", land.keywords),),
            )
        )
    if land.clusters is not None:
        cl = land.clusters
        csv("clusters", cl.clusters)
        csv("cluster_assignments", cl.assignments)
        chart(
            "clusters",
            charts.bar_chart(
                [
                    f"{r.cluster}: {'; '.join(str(r.top_terms).split('; ')[:3])}"
                    for r in cl.clusters.itertuples()
                ],
                cl.clusters["size"].tolist(),
                title="Clusters of abstracts",
                xlabel="patents",
            ),
        )
        sil = "undefined" if cl.silhouette is None else f"{cl.silhouette:.3f}"
        sections.append(
            ReportSection(
                "Clusters of abstracts",
                (f"TF-IDF + LSA + k-means, k = {cl.k}, seed {cl.seed}; cosine silhouette {sil}.",),
                (("Clusters", cl.clusters),),
                (svgs["clusters"],),
            )
        )
    _network_sections(land, sections, csv, chart, svgs)
    for name, em in (("terms", land.emerging_terms), ("classes", land.emerging_classes)):
        if em is None or em.table.empty:
            continue
        csv(f"emerging_{name}", em.table)
        chart(f"emerging_{name}", charts.emerging_chart(em.table, title=f"Emerging {name}"))
        sections.append(
            ReportSection(
                f"Emerging {name}",
                (
                    f"Base {em.base_years[0]}–{em.base_years[1]} ({em.n_base:,} documents), recent "
                    f"{em.recent_years[0]}–{em.recent_years[1]} ({em.n_recent:,}). emergence = "
                    "ln((n_R+1)/(N_R+1)) − ln((n_B+1)/(N_B+1)); novelty = 1 − similarity of a "
                    "recent document to its nearest base document, averaged over the item's "
                    "documents; score = mean percentile rank of both.",
                ),
                ((f"Emerging {name}", em.table),),
                (svgs[f"emerging_{name}"],),
            )
        )
    return sections


def _network_sections(
    land: Landscape,
    sections: list[ReportSection],
    csv: Callable[[str, pd.DataFrame], None],
    chart: Callable[[str, Figure], None],
    svgs: dict[str, str],
) -> None:
    seed = land.options.seed
    if land.coclass_graph is not None and land.coclass_communities is not None:
        comm = land.coclass_communities
        csv("coclassification_edges", edge_table(land.coclass_graph))
        csv("coclassification_communities", comm.communities)
        csv("coclassification_membership", comm.membership)
        chart(
            "coclassification_network",
            charts.network_chart(
                land.coclass_graph, comm.membership, title="Co-classification network", seed=seed
            ),
        )
        sections.append(
            ReportSection(
                "Co-classification network",
                (
                    f"{land.coclass_graph.number_of_nodes()} classes, "
                    f"{land.coclass_graph.number_of_edges()} links (patents sharing both classes); "
                    f"{comm.n_communities} communities ({comm.method}), modularity "
                    f"{comm.modularity:.3f}.",
                ),
                (("Communities", comm.communities),),
                (svgs["coclassification_network"],),
            )
        )
    if land.citation_graph is not None and land.citation_communities is not None:
        comm = land.citation_communities
        csv("citation_edges", edge_table(land.citation_graph))
        csv("citation_communities", comm.communities)
        csv("citation_membership", comm.membership)
        chart(
            "citation_network",
            charts.network_chart(
                land.citation_graph, comm.membership, title="Citation network", seed=seed
            ),
        )
        sections.append(
            ReportSection(
                "Citation network",
                (
                    f"{land.citation_graph.number_of_edges()} citations between patents of the "
                    f"corpus; {comm.n_communities} communities, modularity {comm.modularity:.3f}.",
                ),
                (("Communities", comm.communities),),
                (svgs["citation_network"],),
            )
        )
