"""Landscape charts with matplotlib (object API, Agg canvas; no pyplot global state).

Every ``*_chart`` function takes plain tables and returns a :class:`matplotlib.figure.Figure`;
:func:`save_figure` writes PNG/SVG and :func:`figure_svg` gives the SVG text to embed in HTML.
SVG output is reproducible (fixed hash salt, no date metadata) and self-contained (text as paths).
CJK glyphs are drawn when a CJK font (e.g. Debian ``fonts-noto-cjk``) is installed.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ParamSpec

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ipvalue.core.errors import InputError

P = ParamSpec("P")

CHART_FORMATS: tuple[str, ...] = ("png", "svg")
_CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC")
_RC: dict[str, Any] = {
    "svg.hashsalt": "ipvalue",
    "svg.fonttype": "path",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "font.size": 9,
}


@functools.cache
def cjk_font() -> str | None:
    """The CJK font family charts fall back to for Korean, Japanese and Chinese labels, or None.

    Fonts installed after matplotlib built its font cache are not in the cache; they are looked
    up on the system and registered once.
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(_CJK_FONTS):
        for path in font_manager.findSystemFonts():
            name = Path(path).name
            if "CJK" in name and "Sans" in name and "Mono" not in name:
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in _CJK_FONTS if f in installed), None)


def _style() -> Any:  # a dict of rc keys (matplotlib types them as literals)
    """rc settings of every chart, applied in a context (no global matplotlib state changes)."""
    cjk = cjk_font()
    return {**_RC, "font.family": ["DejaVu Sans", *([cjk] if cjk else [])]}


def _styled(func: Callable[P, Figure]) -> Callable[P, Figure]:
    """Build the chart inside the chart style context."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with matplotlib.rc_context(_style()):
            return func(*args, **kwargs)

    return wrapper


def _figure(width: float = 7.5, height: float = 4.2) -> Figure:
    # Figure() draws on the Agg canvas without pyplot, so no GUI backend is ever touched.
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _shorten(label: object, n: int = 38) -> str:
    s = str(label)
    return s if len(s) <= n else s[: n - 1] + "…"


@_styled
def bar_chart(
    labels: Sequence[object], values: Sequence[float], *, title: str, xlabel: str
) -> Figure:
    """Horizontal bars, largest on top (top assignees, classes, offices, clusters).

    Raises
    ------
    InputError
        Empty input or labels and values of different lengths.
    """
    if len(labels) == 0 or len(labels) != len(values):
        raise InputError("chart", f"{title}: needs one value per label and at least one bar")
    fig = _figure(7.5, max(2.2, 0.32 * len(labels) + 1.0))
    ax = fig.add_subplot()
    y = np.arange(len(labels))
    ax.barh(y, np.asarray(values, dtype=float), color="#3b6ea5")
    ax.set_yticks(y, [_shorten(v) for v in labels])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig


@_styled
def trend_chart(frame: pd.DataFrame | pd.Series, *, title: str, ylabel: str = "filings") -> Figure:
    """Lines per column over the index (years): filings by year, or year × top classes.

    Raises
    ------
    InputError
        No rows.
    """
    data = frame.to_frame("filings") if isinstance(frame, pd.Series) else frame
    if data.empty:
        raise InputError("chart", f"{title}: no years to plot")
    fig = _figure()
    ax = fig.add_subplot()
    years = np.asarray(data.index, dtype=int)
    for col in data.columns:
        ax.plot(years, data[col].to_numpy(dtype=float), marker="o", ms=3, label=_shorten(col, 24))
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(data.columns) > 1:
        ax.legend(fontsize=7, ncols=2 if len(data.columns) > 6 else 1, frameon=False)
    return fig


@_styled
def heatmap_chart(wide: pd.DataFrame, *, title: str) -> Figure:
    """Year (rows) × category (columns) counts as a heat map with category labels."""
    if wide.empty:
        raise InputError("chart", f"{title}: no data to plot")
    fig = _figure(7.5, max(2.5, 0.3 * len(wide.columns) + 1.4))
    ax = fig.add_subplot()
    values = wide.to_numpy(dtype=float).T
    image = ax.imshow(values, aspect="auto", cmap="Blues", interpolation="nearest")
    ax.set_yticks(np.arange(len(wide.columns)), [_shorten(c, 24) for c in wide.columns])
    years = list(wide.index)
    step = max(1, len(years) // 12)
    ax.set_xticks(np.arange(0, len(years), step), [str(y) for y in years[::step]])
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="filings", shrink=0.8)
    return fig


@_styled
def network_chart(
    graph: nx.Graph,
    membership: pd.DataFrame | None = None,
    *,
    title: str,
    max_nodes: int = 40,
    seed: int = 0,
) -> Figure:
    """Network drawing of the ``max_nodes`` strongest nodes, coloured by community.

    Node size follows the node attribute ``n`` (or degree); layout is a seeded spring layout so
    the picture is reproducible.
    """
    if graph.number_of_nodes() == 0:
        raise InputError("chart", f"{title}: the network has no nodes")
    strength = dict(graph.degree(weight="weight"))
    keep = sorted(graph.nodes, key=lambda n: (-strength[n], str(n)))[:max_nodes]
    sub = graph.subgraph(keep)
    pos = nx.spring_layout(sub, seed=seed, weight="weight")
    community = (
        dict(zip(membership["node"], membership["community"], strict=True))
        if membership is not None
        else {}
    )
    colours = [int(community.get(n, 0)) % 10 for n in sub.nodes]
    sizes = np.array([float(sub.nodes[n].get("n", strength[n]) or 1) for n in sub.nodes])
    sizes = 60 + 600 * sizes / max(sizes.max(), 1.0)
    fig = _figure(7.5, 6.0)
    ax = fig.add_subplot()
    widths = [
        0.3
        + 2.5
        * d.get("weight", 1)
        / max((e.get("weight", 1) for *_, e in sub.edges(data=True)), default=1)
        for *_, d in sub.edges(data=True)
    ]
    nx.draw_networkx_edges(sub, pos, ax=ax, width=widths, alpha=0.35, edge_color="#777777")
    nx.draw_networkx_nodes(
        sub,
        pos,
        ax=ax,
        node_size=sizes,
        node_color=colours,
        cmap="tab10",
        vmin=0,
        vmax=9,
        alpha=0.9,
    )
    nx.draw_networkx_labels(
        sub, pos, ax=ax, labels={n: _shorten(n, 16) for n in sub.nodes}, font_size=7
    )
    ax.set_title(title)
    ax.set_axis_off()
    return fig


@_styled
def emerging_chart(table: pd.DataFrame, *, title: str, label_top: int = 12) -> Figure:
    """Scatter of emergence (x) against novelty (y), labelling the ``label_top`` best items.

    Without novelty (all missing) the items are drawn against their rank instead.
    """
    if table.empty:
        raise InputError("chart", f"{title}: no emerging items to plot")
    fig = _figure(7.5, 5.0)
    ax = fig.add_subplot()
    x = table["emergence"].to_numpy(dtype=float)
    has_novelty = bool(table["novelty"].notna().any())
    y = table["novelty"].to_numpy(dtype=float) if has_novelty else np.arange(len(table), 0, -1)
    ax.scatter(
        x, y, s=18 + 4 * table["n_recent"].to_numpy(dtype=float) ** 0.5, alpha=0.7, color="#c0504d"
    )
    for i in range(min(label_top, len(table))):
        ax.annotate(
            _shorten(table["item"].iloc[i], 22),
            (x[i], y[i]),
            fontsize=7,
            xytext=(3, 2),
            textcoords="offset points",
        )
    ax.set_xlabel("emergence (log ratio of recent to base share)")
    ax.set_ylabel("novelty (1 − similarity to nearest earlier document)" if has_novelty else "rank")
    ax.set_title(title)
    return fig


def save_figure(fig: Figure, base: Path, formats: Sequence[str] = CHART_FORMATS) -> list[Path]:
    """Write ``fig`` as ``base.png`` / ``base.svg``; returns the written paths.

    Raises
    ------
    InputError
        An unknown format.
    """
    written = []
    for fmt in formats:
        if fmt not in CHART_FORMATS:
            raise InputError("--charts", f"format must be one of {', '.join(CHART_FORMATS)}")
        path = base.with_suffix(f".{fmt}")
        metadata = {"Date": None} if fmt == "svg" else {"Software": "ipvalue"}
        with matplotlib.rc_context(_style()):
            fig.savefig(path, format=fmt, metadata=metadata)
        written.append(path)
    return written


def figure_svg(fig: Figure) -> str:
    """The figure as an SVG document string (without the XML prolog), for inline HTML."""
    buf = io.StringIO()
    with matplotlib.rc_context(_style()):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return inline_svg(buf.getvalue())


def inline_svg(document: str) -> str:
    """An SVG document reduced to its ``<svg>`` element, for embedding in HTML."""
    # The RDF metadata block only names namespaces; drop it from inline copies.
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", document, flags=re.DOTALL)
    return text[text.index("<svg") :]
