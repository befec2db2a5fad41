"""CLI commands ``ipvalue patents landscape``, ``similar`` and ``comparables`` (analytics-explore).

Thin adapters: parse and validate options, load the corpus, call the pure analytics, write files
or print. Attached to the ``patents`` group created by :mod:`ipvalue.commands.patents`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ipvalue.core.errors import InputError

if TYPE_CHECKING:
    from ipvalue.analytics.comparables import ComparablesResult
    from ipvalue.analytics.landscape_corpus import PatentCorpus

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

SourceOpt = Annotated[Path | None, typer.Option("--source", help="Patent file or folder to read.")]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="csv | patentsview | uspto-xml | lens | bigquery; landscape also takes "
        "wipo-stats (counts by office, field and year)",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Read an analytics DuckDB file (from `ipvalue patents import`)."),
]
EncodingOpt = Annotated[
    str,
    typer.Option("--encoding", help="Text encoding of CSV files and Lens exports (cp1252, …)."),
]
SelectClassOpt = Annotated[
    str | None,
    typer.Option(
        "--select-class",
        help="Keep patents with a class starting with any of these (comma list, e.g. H01M,H01G).",
    ),
]
SelectYearsOpt = Annotated[
    str | None, typer.Option("--select-years", help="Keep patents of years START-END.")
]
SelectTextOpt = Annotated[
    str | None,
    typer.Option(
        "--select-text",
        help="Keep patents whose title/abstract has any of these words (comma list).",
    ),
]
SelectOfficeOpt = Annotated[
    str | None, typer.Option("--select-office", help="Keep patents of these offices (KR,JP,…).")
]
CountOpt = Annotated[
    str,
    typer.Option("--count", help="documents | families (one per family, at its first filing)."),
]
DateBasisOpt = Annotated[
    str,
    typer.Option(
        "--date-basis",
        help="Date that gives a patent's year: filing | priority | publication | grant "
        "(falls back to the first available, with a warning).",
    ),
]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
    )


def _csv_list(text: str, option: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    items = tuple(x.strip() for x in text.split(",") if x.strip())
    bad = [x for x in items if x not in allowed]
    if bad or not items:
        raise InputError(option, f"must be a comma list of {', '.join(allowed)} (got {text!r})")
    return items


def _window(text: str | None, option: str = "--window") -> tuple[int, int] | None:
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*[-:]\s*(\d{4})\s*", text)
    if not m:
        raise InputError(option, "must be START-END years, e.g. 2010-2018")
    start, end = int(m.group(1)), int(m.group(2))
    if end < start or (option == "--window" and end == start):
        raise InputError(option, "end year must be after start year")
    return start, end


def _read_corpus(
    bar: Progress,
    source: Path | None,
    fmt: str | None,
    db: Path | None,
    encoding: str,
    date_basis: str,
) -> tuple[Any, Any]:
    """Read the patent set (file or analytics DB) with a progress line; ``(task, corpus)``."""
    from ipvalue.analytics.landscape_io import load_corpus

    task = bar.add_task("reading patents", total=None)
    corpus = load_corpus(
        source,
        fmt,
        db=db,
        date_basis=date_basis,  # type: ignore[arg-type]
        encoding=encoding,
        progress=lambda m: bar.update(task, description=m),
    )
    return task, corpus


def _select(
    corpus: PatentCorpus,
    classes: str | None,
    years: str | None,
    text: str | None,
    offices: str | None,
    *,
    keep: str | None = None,
) -> PatentCorpus:
    """Apply the --select-* options; the selection is recorded in the corpus source label."""
    from dataclasses import replace

    from ipvalue.analytics.landscape_corpus import select_patents

    if not any((classes, years, text, offices)):
        return corpus

    def split(value: str | None) -> list[str] | None:
        return [x for x in value.split(",") if x.strip()] if value else None

    chosen = select_patents(
        corpus,
        classes=split(classes),
        years=_window(years, "--select-years"),
        terms=split(text),
        offices=split(offices),
    )
    if keep is not None:
        from ipvalue.analytics.similar import find_patent

        # the query patent stays indexed even when it falls outside the selection
        pid = find_patent(corpus, keep)
        if pid is not None and pid not in set(chosen.patents["pub_id"]):
            chosen = corpus.subset([*chosen.patents["pub_id"], pid])
    label = "; ".join(
        f"{k} {v}"
        for k, v in (("class", classes), ("years", years), ("text", text), ("office", offices))
        if v
    )
    return replace(chosen, source=f"{corpus.source} [selected: {label}]")


def landscape(
    out: Annotated[Path, typer.Option("--out", help="Output folder (created).")],
    source: SourceOpt = None,
    fmt: FormatOpt = "csv",
    db: DbOpt = None,
    select_class: SelectClassOpt = None,
    select_years: SelectYearsOpt = None,
    select_text: SelectTextOpt = None,
    select_office: SelectOfficeOpt = None,
    count: CountOpt = "documents",
    by: Annotated[
        str,
        typer.Option("--by", help="Comma list of year, office, class, field, assignee, country."),
    ] = "year,office,class,field,assignee,country",
    class_level: Annotated[
        str, typer.Option("--class-level", help="section | class | subclass | group")
    ] = "subclass",
    date_basis: DateBasisOpt = "filing",
    encoding: EncodingOpt = "utf-8",
    top: Annotated[int, typer.Option("--top", help="Rows per category table and chart.")] = 20,
    window: Annotated[
        str | None,
        typer.Option("--window", help="Growth window START-END (default: last 5 full years)."),
    ] = None,
    period_years: Annotated[
        int, typer.Option("--period-years", help="Length of keyword periods in years.")
    ] = 5,
    clusters: Annotated[
        int, typer.Option("--clusters", help="k of k-means on abstracts (0 = skip).")
    ] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Seed of clustering and Louvain.")] = 0,
    community: Annotated[str, typer.Option("--community", help="greedy | louvain")] = "greedy",
    network_max_edges: Annotated[
        int,
        typer.Option("--network-max-edges", help="Largest citation network analysed."),
    ] = 100_000,
    recent_years: Annotated[int, typer.Option("--recent-years")] = 3,
    base_years: Annotated[int, typer.Option("--base-years")] = 5,
    min_recent_docs: Annotated[int, typer.Option("--min-recent-docs")] = 5,
    novelty_k: Annotated[
        int, typer.Option("--novelty-k", help="Nearest earlier documents for novelty (0 = skip).")
    ] = 1,
    chart_formats: Annotated[str, typer.Option("--charts", help="Comma list of png, svg.")] = (
        "png,svg"
    ),
    html: Annotated[bool, typer.Option("--html/--no-html", help="Write landscape.html.")] = True,
) -> None:
    """Landscape of a patent set: filings by year/office/class/field/assignee, growth, CR4/HHI,
    keywords, clusters, co-classification and citation networks, emerging technologies — as CSV
    tables, PNG/SVG charts and a self-contained HTML report."""
    from ipvalue.analytics.charts import CHART_FORMATS
    from ipvalue.analytics.landscape import LandscapeOptions, build_landscape
    from ipvalue.analytics.landscape_counts import DIMENSIONS
    from ipvalue.analytics.landscape_output import summary_dict, write_landscape

    if novelty_k < 0:
        raise InputError("--novelty-k", "must be >= 0")
    if count not in ("documents", "families"):
        raise InputError("--count", "must be documents or families")
    if fmt == "wipo-stats":
        _aggregate_landscape(source, out, top, recent_years, base_years, chart_formats, html)
        return
    options = LandscapeOptions(
        by=_csv_list(by, "--by", DIMENSIONS),
        class_level=class_level,
        top=top,
        growth_window=_window(window),
        period_years=period_years,
        clusters=clusters,
        seed=seed,
        community_method=community,
        network_max_edges=network_max_edges,
        recent_years=recent_years,
        base_years=base_years,
        min_recent_docs=min_recent_docs,
        novelty_k=novelty_k or None,
    )
    options.validate()
    formats = _csv_list(chart_formats, "--charts", CHART_FORMATS)
    if out.exists() and not out.is_dir():
        raise InputError("--out", f"{out} exists and is not a folder")
    with _progress() as bar:
        task, corpus = _read_corpus(bar, source, fmt, db, encoding, date_basis)

        def step(msg: str) -> None:
            bar.update(task, description=msg)

        corpus = _select(corpus, select_class, select_years, select_text, select_office)
        if count == "families":
            from ipvalue.analytics.landscape_corpus import count_families

            corpus = count_families(corpus)
        land = build_landscape(corpus, options, progress=step)
        files = write_landscape(land, out, chart_formats=formats, html=html, progress=step)
    s = summary_dict(land)
    _out.print(f"landscape of {s['n_patents']:,} patents ({corpus.source}) → {out}")
    if "concentration" in s:
        k = s["concentration"]
        _out.print(f"  CR4 {k['cr_k']:.3f}  HHI {k['hhi']:.4f} ({k['hhi_points']:.0f} points)")
    if "growth" in s and s["growth"]["cagr"] is not None:
        g = s["growth"]
        _out.print(f"  CAGR {g['start_year']}–{g['end_year']}: {g['cagr']:.2%}")
    _out.print(
        f"  {len(files)} files: tables (CSV), charts/, summary.json"
        + (", landscape.html" if html else "")
    )
    for w in land.warnings:
        _err.print(f"warning: {w}", markup=False)


def _aggregate_landscape(
    source: Path | None,
    out: Path,
    top: int,
    recent_years: int,
    base_years: int,
    chart_formats: str,
    html: bool,
) -> None:
    """``--format wipo-stats``: landscape of aggregate counts (office × field × year)."""
    from ipvalue.analytics.charts import CHART_FORMATS
    from ipvalue.analytics.landscape_aggregate import build_aggregate_landscape, read_wipo_stats
    from ipvalue.analytics.landscape_output import write_aggregate_landscape

    if source is None:
        raise InputError("--source", "is required with --format wipo-stats")
    formats = _csv_list(chart_formats, "--charts", CHART_FORMATS)
    if out.exists() and not out.is_dir():
        raise InputError("--out", f"{out} exists and is not a folder")
    with _progress() as bar:
        bar.add_task(f"reading {source.name}", total=None)
        agg = build_aggregate_landscape(
            read_wipo_stats(source),
            top=top,
            recent_years=recent_years,
            base_years=base_years,
            source=str(source),
        )
        files = write_aggregate_landscape(agg, out, chart_formats=formats, html=html)
    total = agg.counts["year"]["n"].sum()
    _out.print(f"landscape of {total:,.0f} filings ({source}) → {out}: {len(files)} files")
    if agg.field_concentration is not None:
        k = agg.field_concentration
        _out.print(f"  technology fields: CR4 {k.cr_k:.3f}  HHI {k.hhi:.4f}")
    for w in agg.warnings:
        _err.print(f"warning: {w}", markup=False)


def register(app: typer.Typer) -> None:
    """Attach ``landscape``, ``similar`` and ``comparables`` to the ``patents`` group."""
    group = _patents_group(app)
    present = {c.name for c in group.registered_commands}
    for name, func in (
        ("landscape", landscape),
        ("similar", similar),
        ("comparables", comparables),
    ):
        if name not in present:  # register() may run more than once in one process (tests)
            group.command(name)(func)


def _patents_group(app: typer.Typer) -> typer.Typer:
    try:
        from ipvalue.commands.patents import patents_app

        return patents_app
    except ImportError:  # the group is found on the app, or created here
        for info in app.registered_groups:
            if info.name == "patents" and info.typer_instance is not None:
                return info.typer_instance
        group = typer.Typer(name="patents", help="Patent analytics.", no_args_is_help=True)
        app.add_typer(group, name="patents")
        return group


def similar(
    text: Annotated[
        str | None, typer.Option("--text", help="Describe the technology (title/abstract).")
    ] = None,
    patent: Annotated[
        str | None, typer.Option("--patent", help="Identifier of a patent in the source.")
    ] = None,
    source: SourceOpt = None,
    fmt: FormatOpt = "csv",
    db: DbOpt = None,
    encoding: EncodingOpt = "utf-8",
    select_class: SelectClassOpt = None,
    select_years: SelectYearsOpt = None,
    select_text: SelectTextOpt = None,
    select_office: SelectOfficeOpt = None,
    top: Annotated[int, typer.Option("--top", help="Number of similar patents.")] = 10,
    method: Annotated[
        str, typer.Option("--method", help="tfidf (offline, default) | embeddings")
    ] = "tfidf",
    class_weight: Annotated[
        float,
        typer.Option("--class-weight", help="Weight of CPC/IPC overlap in the similarity (0–1)."),
    ] = 0.3,
    classes: Annotated[
        str | None,
        typer.Option("--classes", help="CPC/IPC codes of the --text query (';' separated)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Patents most similar to a text or to a patent of the source (TF-IDF cosine over title +
    abstract, plus CPC/IPC overlap)."""
    from ipvalue.analytics.landscape_corpus import split_multi
    from ipvalue.analytics.similar import SimilarityOptions, build_index, similar_to

    if (text is None) == (patent is None):
        raise InputError("--text/--patent", "give exactly one of --text or --patent")
    if text is not None and not text.strip():
        raise InputError("--text", "must not be empty")
    if top < 1:
        raise InputError("--top", "must be >= 1")
    opts = SimilarityOptions(method=method, class_weight=class_weight)  # type: ignore[arg-type]
    opts.validate()
    with _progress() as bar:
        task, corpus = _read_corpus(bar, source, fmt, db, encoding, "publication")
        corpus = _select(
            corpus, select_class, select_years, select_text, select_office, keep=patent
        )
        bar.update(task, description=f"indexing {len(corpus):,} patents ({method})")
        index = build_index(corpus, opts)
        bar.update(task, description="ranking")
        result = similar_to(
            index,
            text=text,
            patent=patent,
            top=top,
            classes=split_multi(classes) if classes else None,
        )
    if as_json:
        _out.print_json(json.dumps(result.to_json_dict(), ensure_ascii=False))
        return
    table = Table(title=f"Patents similar to {result.query_label}")
    for col in ("rank", "patent", "similarity", "text", "class", "year"):
        table.add_column(col, justify="left" if col == "patent" else "right", no_wrap=True)
    table.add_column("title / abstract", no_wrap=True, overflow="ellipsis", max_width=60)
    for i, h in enumerate(result.hits, start=1):
        table.add_row(
            str(i),
            h.pub_id,
            f"{h.similarity:.3f}",
            f"{h.text_similarity:.3f}",
            "" if h.class_similarity is None else f"{h.class_similarity:.3f}",
            "" if h.year is None else str(h.year),
            h.snippet,
        )
    _out.print(table)
    _out.print(f"method {result.method}; {result.formula}")


def comparables(
    deals: Annotated[
        Path,
        typer.Option(
            "--deals",
            help="Deal records (.csv or .parquet), one row per "
            "transferred patent: patent_id, unit_price, currency, date, basis.",
        ),
    ],
    patent: Annotated[
        str | None, typer.Option("--patent", help="The subject: a patent of the corpus.")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="The subject described as text (title/abstract).")
    ] = None,
    classes: Annotated[
        str | None,
        typer.Option(
            "--classes",
            help="CPC/IPC codes of a --text subject (comma list, e.g. H01M,H01M10/0525).",
        ),
    ] = None,
    source: SourceOpt = None,
    fmt: FormatOpt = "csv",
    db: DbOpt = None,
    encoding: EncodingOpt = "utf-8",
    indicators: Annotated[
        Path | None,
        typer.Option(
            "--indicators",
            help="Output of `ipvalue patents indicators` (.csv or "
            ".parquet): quality scores Q for the DB1304 quality ratio.",
        ),
    ] = None,
    quality_indicator: Annotated[
        str, typer.Option("--quality-indicator", help="Column of --indicators used as Q.")
    ] = "quality_index",
    subject_quality: Annotated[
        float | None,
        typer.Option(
            "--subject-quality",
            help="Q of the subject (default: its row of --indicators, for a --patent subject).",
        ),
    ] = None,
    currency: Annotated[
        str, typer.Option("--currency", help="Currency of the converted prices.")
    ] = "USD",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date ages are measured at, YYYY-MM-DD (default: today, "
            "UTC); later deals are excluded as look-ahead.",
        ),
    ] = None,
    half_life: Annotated[
        float, typer.Option("--recency-half-life", help="Years after which a deal counts half.")
    ] = 5.0,
    top: Annotated[int, typer.Option("--top", help="Most comparables kept.")] = 10,
    min_similarity: Annotated[
        float, typer.Option("--min-similarity", help="Least similarity of a comparable (0–1].")
    ] = 0.1,
    min_count: Annotated[int, typer.Option("--min-count", help="Fewest comparables accepted.")] = 3,
    max_weight: Annotated[
        float,
        typer.Option("--max-weight", help="Cap on one comparable's weight (0–1]; 1 = no cap."),
    ] = 0.4,
    basis: Annotated[
        str | None,
        typer.Option(
            "--basis",
            help="Keep deals of one basis: price | royalty_rate | "
            "price_to_revenue (needed when the best matches mix bases).",
        ),
    ] = None,
    subject_scale: Annotated[
        float,
        typer.Option(
            "--subject-scale",
            help="The subject's base the unit price applies "
            "to: 1 for prices, its annual revenue for royalty rates.",
        ),
    ] = 1.0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the approach block (YAML) here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Market comparables from deal records of the patents most similar to the subject: a
    `market_comparables` approach (weights similarity × recency × data quality, capped; prices
    converted; optional DB1304 quality ratio) that pastes into a case."""
    import datetime as dt

    from ipvalue.analytics.comparables import (
        ComparableOptions,
        Subject,
        deal_matches,
        select_comparables,
    )
    from ipvalue.analytics.comparables_io import (
        read_deals,
        read_qualities,
        render_block,
        write_block,
    )
    from ipvalue.analytics.similar import build_index

    if (text is None) == (patent is None):
        raise InputError("--text/--patent", "give exactly one of --text or --patent")
    if text is not None and not text.strip():
        raise InputError("--text", "must not be empty")
    if classes is not None and patent is not None:
        raise InputError("--classes", "applies to a --text subject (a --patent has its own)")
    try:
        when = dt.date.fromisoformat(as_of) if as_of else dt.datetime.now(dt.UTC).date()
    except ValueError:
        raise InputError("--as-of", f"must be a date YYYY-MM-DD (got {as_of!r})") from None
    if subject_quality is not None and not subject_quality > 0:
        raise InputError("--subject-quality", "must be > 0")
    options = ComparableOptions(
        as_of=when,
        currency=currency.upper(),
        recency_half_life=half_life,
        top=top,
        min_similarity=min_similarity,
        min_count=min_count,
        max_weight=None if max_weight == 1.0 else max_weight,
        basis=basis,  # type: ignore[arg-type]
        subject_scale=subject_scale,
    )
    if not 0.0 < max_weight <= 1.0:
        raise InputError("--max-weight", "must be in (0, 1]")
    options.validate()
    if out is not None and (out.is_dir() or not out.parent.exists()):
        raise InputError("--out", f"{out} is a folder or its folder does not exist")
    deal_file = read_deals(deals)
    quality = read_qualities(indicators, quality_indicator) if indicators else None
    with _progress() as bar:
        task, corpus = _read_corpus(bar, source, fmt, db, encoding, "publication")
        bar.update(task, description=f"indexing {len(corpus):,} patents")
        index = build_index(corpus)
        bar.update(task, description="matching deals")
        codes = [c for c in re.split(r"[,;]", classes) if c.strip()] if classes else None
        subject, matches, formula = deal_matches(
            index, deal_file.records, text=text, patent=patent, classes=codes
        )
    aliases = _corpus_aliases(corpus)
    if "source_id" in corpus.patents.columns:
        from dataclasses import replace as _replace

        ids = corpus.patents.set_index("pub_id")["source_id"]
        matches = {
            k: _replace(m, source_id=v if isinstance(v := ids.get(m.pub_id), str) and v else None)
            for k, m in matches.items()
        }
    provenance: dict[str, object] = {
        "deals": {"path": str(deals), "sha256": deal_file.sha256, "rows": len(deal_file.records)},
        "corpus": {"source": corpus.source, "patents": len(corpus)},
    }
    qualities = None
    warnings: list[str] = [f"corpus: {w}" for w in corpus.warnings]
    if quality is not None:
        qualities = {
            pid: quality.find(pid, m.pub_id, *aliases.get(m.pub_id, ()))
            for pid, m in matches.items()
        }
        provenance["indicators"] = {
            "path": quality.path,
            "sha256": quality.sha256,
            "column": quality.column,
            "created_at": quality.provenance.get("created_at"),
            "data_cutoff": quality.provenance.get("data_cutoff"),
            "sidecar": quality.provenance.get("read_from"),
        }
        warnings.extend(quality.warnings)
        cutoff = quality.provenance.get("data_cutoff")
        if isinstance(cutoff, str) and cutoff[:10] > when.isoformat():
            warnings.append(
                f"{Path(quality.path).name} holds data up to {cutoff[:10]}, after --as-of "
                f"{when.isoformat()} (look-ahead in the quality scores)"
            )
    q_subject, q_source = subject_quality, "--subject-quality" if subject_quality else None
    if q_subject is None and quality is not None and subject.pub_id is not None:
        hit = quality.find(patent, subject.pub_id, *aliases.get(subject.pub_id, ()))
        if hit is not None and hit.value is not None and hit.value > 0:
            q_subject = hit.value
            q_source = f"{Path(quality.path).name}: patent_id {hit.patent_id}, {quality.column}"
    subject = Subject(subject.label, subject.pub_id, q_subject, q_source)
    result = select_comparables(
        deal_file.records,
        matches,
        options=options,
        subject=subject,
        qualities=qualities,
        similarity_formula=formula,
        provenance=provenance,
    )
    if warnings:
        from dataclasses import replace

        result = replace(result, warnings=(*warnings, *result.warnings))
    yaml_text = render_block(result)
    if out is not None:
        write_block(yaml_text, out)
    if as_json:
        data = result.to_json_dict()
        data["out"] = None if out is None else str(out)
        _out.print_json(json.dumps(data, ensure_ascii=False, allow_nan=False))
        return
    _print_comparables(result)
    if out is not None:
        _out.print(f"approach block → {out}")
    else:
        _out.print(yaml_text, markup=False, highlight=False, soft_wrap=True)
    for w in result.warnings:
        _err.print(f"warning: {w}", markup=False)


def _corpus_aliases(corpus: PatentCorpus) -> dict[str, tuple[str, ...]]:
    """Other identifiers (source id, document number) of each corpus patent."""
    cols = [c for c in ("source_id", "doc_id") if c in corpus.patents.columns]
    out: dict[str, tuple[str, ...]] = {}
    for rec in corpus.patents[["pub_id", *cols]].itertuples(index=False):
        out[str(rec[0])] = tuple(str(v) for v in rec[1:] if isinstance(v, str) and v)
    return out


def _print_comparables(result: ComparablesResult) -> None:
    unit = result.options.currency if result.basis == "price" else result.basis
    table = Table(title=f"Comparables for {result.subject.label}")
    table.add_column("comparable", min_width=10, overflow="fold")
    for col in ("sim.", "recency", "data q.", "weight", f"X {unit}", "Q_i", "Q/Q_i"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in result.rows:
        table.add_row(
            r.name,
            f"{r.similarity:.3f}",
            f"{r.recency:.3f}",
            f"{r.data_quality:g}",
            f"{r.weight:.3f}" + ("*" if r.capped else ""),
            f"{r.unit_price:,.0f}" if r.unit_price >= 1000 else f"{r.unit_price:.4g}",
            "" if r.quality is None or r.quality.value is None else f"{r.quality.value:.3f}",
            "" if r.quality_ratio is None else f"{r.quality_ratio:.3f}",
        )
    _out.print(table)
    o = result.options
    _out.print(
        f"{result.similarity_formula}; weights similarity × recency (half-life "
        f"{o.recency_half_life:g} y at {o.as_of.isoformat()}) × quality, normalised"
        + (f", cap {o.max_weight:g} (* = at cap)" if o.max_weight is not None else "")
    )
    if result.subject.quality is not None:
        _out.print(f"subject Q = {result.subject.quality:.6g} ({result.subject.quality_source})")
    v = result.indicative_value
    if v is not None:
        spread = result.spread
        _out.print(
            f"indicative value before correction coefficients: {v:,.0f} "
            f"{o.currency if result.basis == 'price' else ''}".rstrip()
            + (f"; spread of V_i {spread:.1%}" if spread is not None else "")
        )
    counts: dict[str, int] = {}
    for e in result.excluded:
        key = "after --as-of (look-ahead)" if "look-ahead" in e.reason else e.reason
        counts[key] = counts.get(key, 0) + 1
    if counts:
        _out.print("excluded deals: " + "; ".join(f"{n} {k}" for k, n in counts.items()))
