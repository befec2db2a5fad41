"""Patent landscape: every measure of a corpus in one result (pure; no I/O).

:func:`build_landscape` runs filings by dimension, growth, concentration, keywords, clusters,
co-classification and citation networks with communities, and emerging-technology detection,
with every parameter recorded in :class:`LandscapeOptions`. Steps whose data is absent (no
abstracts, no classes, no citations inside the corpus, too few years) are skipped with a
warning; bad options raise :class:`~ipvalue.core.errors.InputError`.

The building blocks are re-exported here: corpus (:mod:`.landscape_corpus`), counts
(:mod:`.landscape_counts`), text (:mod:`.landscape_text`), networks (:mod:`.landscape_networks`)
and emerging detection (:mod:`.emerging`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from ipvalue.analytics.emerging import (
    EmergingResult,
    detect_emerging,
    emerging_windows,
    window_novelty,
)
from ipvalue.analytics.landscape_corpus import (
    PatentCorpus,
    corpus_from_frame,
    corpus_from_tables,
    subclass_of,
)
from ipvalue.analytics.landscape_counts import (
    CLASS_LEVELS,
    DIMENSIONS,
    ClassLevel,
    ConcentrationResult,
    CountTable,
    GrowthResult,
    concentration,
    filings_by,
    filings_by_year_and,
    growth,
    growth_by,
)
from ipvalue.analytics.landscape_lifecycle import LifecycleFit, fit_lifecycle
from ipvalue.analytics.landscape_networks import (
    CommunityMethod,
    CommunityResult,
    citation_network,
    coclassification_network,
    communities,
    internal_citation_count,
)
from ipvalue.analytics.landscape_text import ClusterResult, cluster_texts, document_texts, keywords
from ipvalue.core.errors import InputError

__all__ = [
    "ConcentrationResult",
    "CountTable",
    "EmergingResult",
    "GrowthResult",
    "Landscape",
    "LandscapeOptions",
    "PatentCorpus",
    "build_landscape",
    "corpus_from_frame",
    "corpus_from_tables",
    "subclass_of",
]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LandscapeOptions:
    """Every parameter of a landscape (recorded in the report).

    Attributes
    ----------
    by : tuple of str
        Dimensions to count: year, office, class, field, assignee, country (of assignees).
    class_level : str
        section, class, subclass or group for class tables and networks.
    top : int
        Rows kept in category tables and charts.
    growth_window : (int, int) or None
        Years of the CAGR; None = last ``growth_years`` + 1 years of the data.
    growth_years : int
        Default window length (years between start and end).
    period_years : int
        Keyword periods (ending at the last year).
    keywords_top : int
    ngram_max : int
        Longest keyword n-gram.
    clusters : int
        k of k-means (0 skips clustering).
    seed : int
        Seed of clustering, Louvain and network layout.
    community_method : str
        greedy or louvain.
    network_min_weight : int
        Minimum co-classification edge weight.
    network_top_nodes : int
        Classes kept in the co-classification network.
    network_max_edges : int
        Largest citation network (citations inside the set) analysed for communities; above
        it the step is skipped with a warning (community detection grows faster than linearly).
    recent_years, base_years, min_recent_docs : int
        Emerging-technology windows and support (see :mod:`ipvalue.analytics.emerging`).
    novelty_k : int or None
        Novelty neighbours; None skips novelty.
    """

    by: tuple[str, ...] = ("year", "office", "class", "field", "assignee", "country")
    class_level: str = "subclass"
    top: int = 20
    growth_window: tuple[int, int] | None = None
    growth_years: int = 5
    period_years: int = 5
    keywords_top: int = 15
    ngram_max: int = 3
    clusters: int = 8
    seed: int = 0
    community_method: str = "greedy"
    network_min_weight: int = 1
    network_top_nodes: int = 60
    network_max_edges: int = 100_000
    recent_years: int = 3
    base_years: int = 5
    min_recent_docs: int = 5
    novelty_k: int | None = 1

    def validate(self) -> None:
        """Raise InputError for any option outside its domain."""
        bad = [d for d in self.by if d not in DIMENSIONS]
        if bad or not self.by:
            raise InputError("--by", f"must be a comma list of {', '.join(DIMENSIONS)}")
        if self.class_level not in CLASS_LEVELS:
            raise InputError("--class-level", f"must be one of {', '.join(CLASS_LEVELS)}")
        for name in (
            "top",
            "growth_years",
            "period_years",
            "keywords_top",
            "ngram_max",
            "network_min_weight",
            "network_top_nodes",
            "network_max_edges",
            "recent_years",
            "base_years",
            "min_recent_docs",
        ):
            if getattr(self, name) < 1:
                raise InputError(f"--{name.replace('_', '-')}", "must be >= 1")
        if self.clusters == 1 or self.clusters < 0:
            raise InputError("--clusters", "must be 0 (skip) or >= 2")
        if self.community_method not in ("greedy", "louvain"):
            raise InputError("--community", "must be greedy or louvain")
        if self.novelty_k is not None and self.novelty_k < 1:
            raise InputError("--novelty-k", "must be >= 1")
        if self.growth_window is not None and self.growth_window[1] <= self.growth_window[0]:
            raise InputError("--window", "end year must be after start year")


@dataclass(frozen=True)
class Landscape:
    """All landscape results of one corpus (missing parts were skipped; see ``warnings``)."""

    corpus: PatentCorpus
    options: LandscapeOptions
    counts: dict[str, CountTable]
    year_matrix: dict[str, pd.DataFrame]
    growth: GrowthResult | None
    growth_by_class: pd.DataFrame | None
    concentration: ConcentrationResult | None
    keywords: pd.DataFrame | None
    clusters: ClusterResult | None
    coclass_graph: nx.Graph | None
    coclass_communities: CommunityResult | None
    citation_graph: nx.DiGraph | None
    citation_communities: CommunityResult | None
    emerging_terms: EmergingResult | None
    emerging_classes: EmergingResult | None
    lifecycle: LifecycleFit | None = None
    warnings: tuple[str, ...] = field(default=())


def build_landscape(
    corpus: PatentCorpus,
    options: LandscapeOptions | None = None,
    *,
    progress: Progress | None = None,
) -> Landscape:
    """Compute the whole landscape of ``corpus``.

    Raises
    ------
    InputError
        Invalid options or an empty corpus.
    """
    opts = options or LandscapeOptions()
    opts.validate()
    if len(corpus) == 0:
        raise InputError("--source", "contains no patents")
    step = progress or (lambda _msg: None)
    warnings = list(corpus.warnings)
    level: ClassLevel = opts.class_level  # type: ignore[assignment]

    step("filings by dimension")
    counts: dict[str, CountTable] = {}
    matrices: dict[str, pd.DataFrame] = {}
    for dim in opts.by:
        t = filings_by(corpus, dim, class_level=level, top=opts.top)  # type: ignore[arg-type]
        if t.n_patents == 0:
            warnings.append(f"no {dim} data: filings by {dim} skipped")
            continue
        counts[dim] = t
        if t.n_missing:
            warnings.append(f"{t.n_missing} patents have no {dim} and are left out of that table")
        if dim != "year":
            matrices[dim] = filings_by_year_and(
                corpus,
                dim,  # type: ignore[arg-type]
                class_level=level,
                top=min(opts.top, 10),
            )

    growth_res, growth_cls, lifecycle = None, None, None
    if "year" in counts and (counts["year"].table["n"] > 0).sum() >= 2:
        years = counts["year"].table.set_index("year")["n"]
        last = int(years.index.max())
        last_date = corpus.patents["date"].max()
        if last_date.month < 12 and opts.growth_window is None and len(years) > 2:
            # A year the data covers only in part would show a spurious fall.
            warnings.append(
                f"data end on {last_date.date().isoformat()}: {last} is a partial year, so the "
                f"growth window ends at {last - 1}"
            )
            last -= 1
        window = opts.growth_window or (max(int(years.index.min()), last - opts.growth_years), last)
        step("life-cycle fit")
        lifecycle = fit_lifecycle(years.loc[:last])
        if lifecycle is None:
            warnings.append("no S-curve fit: too few years or cumulative filings not logistic")
        else:
            warnings.extend(lifecycle.warnings)
        step("growth")
        growth_res = growth(years, start_year=window[0], end_year=window[1])
        if not corpus.classes.empty:
            growth_cls = growth_by(
                corpus,
                "class",
                start_year=window[0],
                end_year=window[1],
                class_level=level,
                top=opts.top,
            )
        if corpus.date_basis in ("filing", "priority"):
            warnings.append(
                f"years are {corpus.date_basis} years: the last 18 months are incomplete until "
                "published, so growth into the latest year is understated"
            )
    else:
        warnings.append("fewer than two years with filings: growth skipped")

    conc = None
    if not corpus.assignees.empty:
        step("concentration")
        conc = concentration(corpus)
    else:
        warnings.append("no assignees: concentration (CR4, HHI) skipped")

    has_text = bool((document_texts(corpus) != "").any())
    kw, clusters = None, None
    if has_text:
        step("keywords")
        kw = keywords(
            corpus,
            period_years=opts.period_years,
            top=opts.keywords_top,
            ngram_range=(1, opts.ngram_max),
            min_df=2 if len(corpus) >= 20 else 1,
        )
        n_text = int((document_texts(corpus) != "").sum())
        if opts.clusters >= 2 and n_text >= max(opts.clusters, 3):
            step(f"clustering {n_text} abstracts")
            clusters = cluster_texts(
                corpus, k=opts.clusters, seed=opts.seed, min_df=2 if n_text >= 20 else 1
            )
        elif opts.clusters >= 2:
            warnings.append(f"only {n_text} documents with text: clustering skipped")
    else:
        warnings.append("no titles or abstracts: keywords and clusters skipped")

    method: CommunityMethod = opts.community_method  # type: ignore[assignment]
    coclass, coclass_comm = None, None
    if not corpus.classes.empty:
        step("co-classification network")
        coclass = coclassification_network(
            corpus,
            class_level=level,
            min_weight=opts.network_min_weight,
            top_nodes=opts.network_top_nodes,
        )
        coclass_comm = communities(coclass, method=method, seed=opts.seed)
    else:
        warnings.append("no IPC/CPC classes: co-classification network skipped")

    cit, cit_comm = None, None
    n_cites = internal_citation_count(corpus) if not corpus.citations.empty else 0
    if n_cites > opts.network_max_edges:
        warnings.append(
            f"citation network skipped: {n_cites:,} citations inside the set exceed "
            f"--network-max-edges {opts.network_max_edges:,}; narrow the set with --select-*"
        )
    elif not corpus.citations.empty:
        step("citation network")
        cit = citation_network(corpus)
        if cit.number_of_edges():
            connected = cit.subgraph([n for n in cit.nodes if cit.degree(n) > 0]).copy()
            cit_comm = communities(connected, method=method, seed=opts.seed)
        else:
            warnings.append("no citation links between patents of the corpus: network skipped")
    novelty = None
    if has_text and opts.novelty_k is not None:
        # One novelty computation serves both the term and the class tables.
        try:
            base, recent = emerging_windows(
                corpus,
                end_year=None,
                recent_years=opts.recent_years,
                base_years=opts.base_years,
            )
            step("novelty of recent documents")
            novelty = window_novelty(corpus, base=base, recent=recent, k=opts.novelty_k)
        except InputError as exc:
            warnings.append(f"novelty skipped: {exc.rule}")
    em_terms = _emerging(corpus, opts, "terms", warnings, step, novelty) if has_text else None
    em_classes = (
        _emerging(corpus, opts, "classes", warnings, step, novelty)
        if not corpus.classes.empty
        else None
    )
    return Landscape(
        corpus=corpus,
        options=opts,
        counts=counts,
        year_matrix=matrices,
        growth=growth_res,
        growth_by_class=growth_cls,
        concentration=conc,
        keywords=kw,
        clusters=clusters,
        coclass_graph=coclass,
        coclass_communities=coclass_comm,
        citation_graph=cit,
        citation_communities=cit_comm,
        emerging_terms=em_terms,
        emerging_classes=em_classes,
        lifecycle=lifecycle,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _emerging(
    corpus: PatentCorpus,
    opts: LandscapeOptions,
    items: str,
    warnings: list[str],
    step: Progress,
    novelty: pd.Series | None,
) -> EmergingResult | None:
    step(f"emerging {items}")
    try:
        result = detect_emerging(
            corpus,
            items=items,  # type: ignore[arg-type]
            recent_years=opts.recent_years,
            base_years=opts.base_years,
            min_recent_docs=opts.min_recent_docs,
            novelty_k=opts.novelty_k if novelty is not None else None,
            top=opts.top,
            novelty=novelty,
        )
    except InputError as exc:
        if exc.field in ("windows", "abstract", "date", "novelty_k"):
            warnings.append(f"emerging {items} skipped: {exc.rule}")
            return None
        raise
    # The date-basis caveat is already stated once for growth.
    warnings.extend(w for w in result.warnings if not w.startswith("years are"))
    return result
