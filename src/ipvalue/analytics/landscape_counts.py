"""Filing counts, growth and concentration of a patent corpus (pure, no I/O).

Definitions (also in ``docs/analytics-landscape.md``):

* **Whole counting**: a patent counts 1 in every category it belongs to (a patent with classes
  H01M and B60L counts once in each), so shares may sum to more than 1.
* **Fractional counting**: a patent's weight 1 is spread evenly over its distinct categories, so
  counts sum to the number of patents and shares to 1. Concentration always uses it.
* **CAGR** over ``[start, end]``: ``(n_end / n_start) ** (1 / (end - start)) - 1``; undefined
  (None) when ``n_start = 0``.
* **Year-on-year growth**: ``(n_t - n_{t-1}) / n_{t-1}``; undefined when ``n_{t-1} = 0``.
* **CR_k**: sum of the ``k`` largest shares; **HHI** ``= Σ s_i²`` on fractional shares (0–1;
  ×10,000 in "points"); equivalent number of firms ``= 1 / HHI``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ipvalue.analytics.landscape_corpus import PatentCorpus, member
from ipvalue.core.errors import InputError

Dimension = Literal["year", "office", "class", "field", "assignee", "country"]
DIMENSIONS: tuple[str, ...] = ("year", "office", "class", "field", "assignee", "country")
ClassLevel = Literal["section", "class", "subclass", "group"]
CLASS_LEVELS: tuple[str, ...] = ("section", "class", "subclass", "group")
Counting = Literal["whole", "fractional"]


@dataclass(frozen=True)
class CountTable:
    """Filings per category.

    Attributes
    ----------
    dimension : str
        year, office, class, field or assignee.
    table : DataFrame
        ``<dimension>, n, share`` sorted by year (year) or by ``n`` descending.
    n_patents : int
        Patents with at least one value of the dimension (the share denominator).
    n_missing : int
        Patents without any value (no year, office, class …), left out of the table.
    counting : str
        whole or fractional.
    """

    dimension: str
    table: pd.DataFrame
    n_patents: int
    n_missing: int
    counting: str


def category_pairs(
    corpus: PatentCorpus, by: Dimension, *, class_level: ClassLevel = "subclass"
) -> pd.DataFrame:
    """Distinct ``(pub_id, category)`` pairs of a dimension (one row per patent for year/office).

    Raises
    ------
    InputError
        Unknown dimension or class level.
    """
    if by not in DIMENSIONS:
        raise InputError("by", f"must be one of {', '.join(DIMENSIONS)}")
    if by == "year":
        p = corpus.patents.dropna(subset=["year"])
        return pd.DataFrame({"pub_id": p["pub_id"], "category": p["year"].astype(int)})
    if by == "office":
        p = corpus.patents.dropna(subset=["office"])
        return pd.DataFrame({"pub_id": p["pub_id"], "category": p["office"].astype(str)})
    if by == "class":
        if class_level not in CLASS_LEVELS:
            raise InputError("class_level", f"must be one of {', '.join(CLASS_LEVELS)}")
        c = corpus.classes
        key = {
            "section": c["subclass"].astype(str).str[:1],
            "class": c["subclass"].astype(str).str[:3],
            "subclass": c["subclass"].astype(str),
            "group": c["code"].astype(str),
        }[class_level]
        pairs = pd.DataFrame({"pub_id": c["pub_id"], "category": key})
    elif by == "field":
        f = corpus.fields
        label = f["field_id"].astype(str)
        if "field_title" in f.columns:
            titles = f["field_title"].astype(str)
            label = label.where(titles == "", label + " " + titles)
        pairs = pd.DataFrame({"pub_id": f["pub_id"], "category": label})
    elif by == "country":  # country of the assignees' addresses
        a = corpus.assignees
        if "country" not in a.columns:
            return pd.DataFrame(
                {"pub_id": pd.Series(dtype=object), "category": pd.Series(dtype=object)}
            )
        a = a.dropna(subset=["country"])
        pairs = pd.DataFrame({"pub_id": a["pub_id"], "category": a["country"].astype(str)})
    else:
        a = corpus.assignees
        pairs = pd.DataFrame({"pub_id": a["pub_id"], "category": a["name"]})
    return pairs.drop_duplicates().reset_index(drop=True)


def filings_by(
    corpus: PatentCorpus,
    by: Dimension,
    *,
    class_level: ClassLevel = "subclass",
    counting: Counting = "whole",
    top: int | None = None,
) -> CountTable:
    """Count filings per year, office, class, WIPO field or assignee.

    Parameters
    ----------
    corpus : PatentCorpus
    by : {"year", "office", "class", "field", "assignee", "country"}
        ``country`` is the assignees' country (where the owners are), ``office`` the issuing
        office.
    class_level : {"section", "class", "subclass", "group"}
        Level of ``by="class"`` (group = the full code).
    counting : {"whole", "fractional"}
        See the module docstring. Year and office have one value per patent, so both agree.
    top : int, optional
        Keep the ``top`` largest categories (ignored for years).

    Returns
    -------
    CountTable
        For years, every year between the first and the last is present (0 when none).

    Raises
    ------
    InputError
        Unknown ``by``, ``class_level`` or ``counting``; ``top < 1``.
    """
    if counting not in ("whole", "fractional"):
        raise InputError("counting", "must be whole or fractional")
    if top is not None and top < 1:
        raise InputError("top", "must be >= 1")
    pairs = category_pairs(corpus, by, class_level=class_level)
    n_with = int(pairs["pub_id"].nunique())
    if counting == "fractional":
        weight = 1.0 / pairs.groupby("pub_id")["category"].transform("size")
        counts = weight.groupby(pairs["category"]).sum()
    else:
        counts = pairs.groupby("category").size().astype(float)
    if by == "year":
        if len(counts):
            years = range(int(counts.index.min()), int(counts.index.max()) + 1)
            counts = counts.reindex(years, fill_value=0.0)
        counts = counts.sort_index()
    else:
        counts = counts.sort_values(ascending=False, kind="stable")
        if top is not None:
            counts = counts.iloc[:top]
    table = pd.DataFrame(
        {
            by: counts.index.to_numpy(),
            "n": counts.to_numpy(),
            "share": (counts / n_with).to_numpy() if n_with else counts.to_numpy() * 0.0,
        }
    )
    return CountTable(
        dimension=by,
        table=table,
        n_patents=n_with,
        n_missing=len(corpus) - n_with,
        counting=counting,
    )


def filings_by_year_and(
    corpus: PatentCorpus,
    by: Dimension,
    *,
    class_level: ClassLevel = "subclass",
    top: int = 8,
) -> pd.DataFrame:
    """Year × category matrix of whole counts for the ``top`` categories overall.

    Returns a frame indexed by every year from first to last, one column per category (ordered
    by total filings), zeros where a category has none that year. Patents without a year are
    left out.
    """
    if by == "year":
        raise InputError("by", "must not be year (the rows are already years)")
    if top < 1:
        raise InputError("top", "must be >= 1")
    pairs = category_pairs(corpus, by, class_level=class_level)
    years = corpus.patents.dropna(subset=["year"]).set_index("pub_id")["year"].astype(int)
    pairs = pairs[member(pairs["pub_id"], years.index)]
    if pairs.empty:
        return pd.DataFrame()
    pairs = pairs.assign(year=years.reindex(pairs["pub_id"]).to_numpy())
    order = pairs.groupby("category").size().sort_values(ascending=False, kind="stable")
    keep = list(order.index[:top])
    wide = (
        pairs[pairs["category"].isin(keep)]
        .groupby(["year", "category"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=keep, fill_value=0)
    )
    all_years = range(int(years.min()), int(years.max()) + 1)
    return wide.reindex(all_years, fill_value=0).rename_axis(index="year", columns=by)


@dataclass(frozen=True)
class GrowthResult:
    """Growth of yearly filings over a window.

    Attributes
    ----------
    start_year, end_year : int
    start_count, end_count : float
    cagr : float or None
        None when ``start_count == 0`` (growth from nothing has no rate).
    yoy : DataFrame
        ``year, n, yoy`` for every year of the window; ``yoy`` missing (``pd.NA``) for the
        first year and after a year with no filings.
    """

    start_year: int
    end_year: int
    start_count: float
    end_count: float
    cagr: float | None
    yoy: pd.DataFrame


def cagr(start_count: float, end_count: float, years: int) -> float | None:
    """Compound annual growth rate ``(end / start) ** (1 / years) - 1``.

    Returns None when ``start_count == 0``. ``end_count == 0`` gives -1 (all filings gone).

    Raises
    ------
    InputError
        ``years < 1`` or a negative count.
    """
    if years < 1:
        raise InputError("window", "end year must be after start year")
    if start_count < 0 or end_count < 0:
        raise InputError("counts", "must be >= 0")
    if start_count == 0:
        return None
    return float((end_count / start_count) ** (1.0 / years) - 1.0)


def growth(
    counts_by_year: Mapping[int, float] | pd.Series,
    *,
    start_year: int | None = None,
    end_year: int | None = None,
) -> GrowthResult:
    """CAGR and year-on-year growth of filings over ``[start_year, end_year]``.

    Parameters
    ----------
    counts_by_year : mapping or Series
        Filings per year; years absent inside the window count as 0.
    start_year, end_year : int, optional
        Window; default the first and last year present.

    Raises
    ------
    InputError
        No years, a window outside the data, or ``end_year <= start_year``.
    """
    s = pd.Series(counts_by_year, dtype=float)
    if s.empty:
        raise InputError("years", "no filings with a year to compute growth on")
    s.index = s.index.astype(int)
    start = int(s.index.min()) if start_year is None else int(start_year)
    end = int(s.index.max()) if end_year is None else int(end_year)
    if end <= start:
        raise InputError("--window", f"end year {end} must be after start year {start}")
    window = s.reindex(range(start, end + 1), fill_value=0.0)
    prev = window.shift(1)
    yoy = [
        None if (i == 0 or p == 0) else float((n - p) / p)
        for i, (n, p) in enumerate(zip(window.to_numpy(), prev.to_numpy(), strict=True))
    ]
    return GrowthResult(
        start_year=start,
        end_year=end,
        start_count=float(window.iloc[0]),
        end_count=float(window.iloc[-1]),
        cagr=cagr(float(window.iloc[0]), float(window.iloc[-1]), end - start),
        yoy=pd.DataFrame(
            {
                "year": window.index.to_numpy(),
                "n": window.to_numpy(),
                "yoy": pd.array(yoy, dtype="Float64"),
            }
        ),
    )


def growth_by(
    corpus: PatentCorpus,
    by: Dimension,
    *,
    start_year: int,
    end_year: int,
    class_level: ClassLevel = "subclass",
    top: int = 20,
) -> pd.DataFrame:
    """CAGR per category between two years (whole counts), for the ``top`` categories.

    Columns ``<by>, n_total, n_start, n_end, cagr`` (cagr None when ``n_start = 0``), sorted by
    total filings in the window; ``cagr`` is a nullable Float64 column.
    """
    wide = filings_by_year_and(corpus, by, class_level=class_level, top=top)
    if wide.empty:
        return pd.DataFrame(columns=[by, "n_total", "n_start", "n_end", "cagr"])
    if end_year <= start_year:
        raise InputError("--window", f"end year {end_year} must be after start year {start_year}")
    wide = wide.reindex(range(start_year, end_year + 1), fill_value=0)
    rows = []
    for cat in wide.columns:
        col = wide[cat]
        n0, n1 = float(col.iloc[0]), float(col.iloc[-1])
        rows.append((cat, float(col.sum()), n0, n1, cagr(n0, n1, end_year - start_year)))
    out = pd.DataFrame(rows, columns=[by, "n_total", "n_start", "n_end", "cagr"])
    out["cagr"] = pd.array([r[4] for r in rows], dtype="Float64")
    return out.sort_values("n_total", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class ConcentrationResult:
    """Concentration of filings among entities (assignees by default).

    Attributes
    ----------
    k : int
        The ``k`` of ``cr_k``.
    cr_k : float
        Sum of the ``k`` largest fractional shares (0–1).
    hhi : float
        Herfindahl–Hirschman index ``Σ s_i²`` (0–1).
    hhi_points : float
        ``hhi × 10,000`` (the antitrust scale).
    equivalent_entities : float
        ``1 / hhi``: number of equal-sized entities with the same HHI.
    n_entities : int
    n_patents : float
        Patents with at least one entity (the share denominator).
    n_missing : int
        Patents without any entity, left out.
    shares : DataFrame
        ``entity, n, share`` sorted by share descending.
    """

    k: int
    cr_k: float
    hhi: float
    hhi_points: float
    equivalent_entities: float
    n_entities: int
    n_patents: float
    n_missing: int
    shares: pd.DataFrame


def concentration_from_counts(
    counts: Mapping[str, float] | pd.Series, *, k: int = 4, n_missing: int = 0
) -> ConcentrationResult:
    """CR_k and HHI from counts per entity (fractional or whole counts).

    Raises
    ------
    InputError
        ``k < 1``, a negative count, or all counts zero.
    """
    if k < 1:
        raise InputError("k", "must be >= 1")
    s = pd.Series(counts, dtype=float)
    if (s < 0).any():
        raise InputError("counts", "must be >= 0")
    total = float(s.sum())
    if total <= 0 or not math.isfinite(total):
        raise InputError("counts", "need at least one patent with an assignee")
    s = s.sort_values(ascending=False, kind="stable")
    shares = s / total
    hhi = float((shares**2).sum())
    return ConcentrationResult(
        k=k,
        cr_k=float(shares.iloc[:k].sum()),
        hhi=hhi,
        hhi_points=hhi * 10_000.0,
        equivalent_entities=1.0 / hhi,
        n_entities=int((s > 0).sum()),
        n_patents=total,
        n_missing=n_missing,
        shares=pd.DataFrame(
            {"entity": s.index.to_numpy(), "n": s.to_numpy(), "share": shares.to_numpy()}
        ),
    )


def concentration(
    corpus: PatentCorpus, *, by: Dimension = "assignee", k: int = 4
) -> ConcentrationResult:
    """CR_k and HHI of a corpus on fractional shares of ``by`` (assignee by default).

    A patent with two assignees gives each 0.5, so shares sum to 1 and the HHI lies in
    ``[1/n_entities, 1]``. Patents without an assignee are left out and counted in
    ``n_missing``.
    """
    t = filings_by(corpus, by, counting="fractional")
    counts = pd.Series(t.table["n"].to_numpy(), index=t.table[by].astype(str).to_numpy())
    return concentration_from_counts(counts, k=k, n_missing=t.n_missing)
