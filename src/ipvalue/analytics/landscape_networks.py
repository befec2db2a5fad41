"""Co-classification and citation networks with communities (networkx; pure, no I/O).

* **Co-classification network**: one node per class (subclass by default) with attribute ``n``
  (patents carrying it); an edge joins two classes that appear together on at least
  ``min_weight`` patents, its ``weight`` being that number of patents.
* **Citation network**: directed edge citing → cited between patents of the corpus (or to any
  cited document with ``internal_only=False``).
* **Communities**: greedy modularity (Clauset–Newman–Moore) or Louvain on the undirected,
  weighted graph; numbered 0, 1, … by decreasing size (ties by smallest member) so that the
  numbering is stable; the modularity of the partition is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import networkx as nx
import pandas as pd

from ipvalue.analytics.landscape_corpus import PatentCorpus, member
from ipvalue.analytics.landscape_counts import ClassLevel, category_pairs
from ipvalue.core.errors import InputError

CommunityMethod = Literal["greedy", "louvain"]


def coclassification_network(
    corpus: PatentCorpus,
    *,
    class_level: ClassLevel = "subclass",
    min_weight: int = 1,
    top_nodes: int | None = None,
) -> nx.Graph:
    """Weighted graph of classes that occur together on the same patents.

    Parameters
    ----------
    corpus : PatentCorpus
    class_level : {"section", "class", "subclass", "group"}
    min_weight : int
        Keep edges shared by at least this many patents.
    top_nodes : int, optional
        Keep only the ``top_nodes`` most frequent classes (before building edges).

    Returns
    -------
    networkx.Graph
        Nodes carry ``n`` (patents); edges carry ``weight`` (patents with both classes).
        Patents with a single class add a node but no edge.

    Raises
    ------
    InputError
        ``min_weight < 1`` or ``top_nodes < 1``.
    """
    if min_weight < 1:
        raise InputError("min_weight", "must be >= 1")
    if top_nodes is not None and top_nodes < 1:
        raise InputError("top_nodes", "must be >= 1")
    pairs = category_pairs(corpus, "class", class_level=class_level)
    sizes = pairs.groupby("category").size().sort_values(ascending=False, kind="stable")
    if top_nodes is not None:
        sizes = sizes.iloc[:top_nodes]
        pairs = pairs[pairs["category"].isin(sizes.index)]
    graph = nx.Graph()
    for node, n in sizes.items():
        graph.add_node(str(node), n=int(n))
    both = pairs.merge(pairs, on="pub_id", suffixes=("_a", "_b"))
    both = both[both["category_a"] < both["category_b"]]
    weights = both.groupby(["category_a", "category_b"]).size()
    for (a, b), w in zip(weights.index.tolist(), weights.tolist(), strict=True):
        if w >= min_weight:
            graph.add_edge(str(a), str(b), weight=int(w))
    return graph


def citation_network(corpus: PatentCorpus, *, internal_only: bool = True) -> nx.DiGraph:
    """Directed citation graph citing → cited.

    With ``internal_only`` (default) both ends must be patents of the corpus; otherwise cited
    documents outside it are added as nodes with ``external=True``. Every corpus patent is a
    node (attribute ``year``) even when it cites nothing.
    """
    graph = nx.DiGraph()
    years = corpus.patents.set_index("pub_id")["year"]
    graph.add_nodes_from(
        (str(pid), {"year": None if pd.isna(year) else int(year), "external": False})
        for pid, year in years.items()
    )
    edges = corpus.citations[["citing", "cited"]].drop_duplicates()
    edges = edges[edges["citing"] != edges["cited"]]
    inside = member(edges["cited"], years.index)
    if internal_only:
        edges = edges[inside]
    else:
        graph.add_nodes_from(
            (str(c), {"year": None, "external": True}) for c in edges.loc[~inside, "cited"].unique()
        )
    graph.add_edges_from(
        zip(edges["citing"].astype(str), edges["cited"].astype(str), strict=True), weight=1
    )
    return graph


def internal_citation_count(corpus: PatentCorpus) -> int:
    """Distinct citations whose both ends are patents of the corpus (the network's edges)."""
    e = corpus.citations[["citing", "cited"]].drop_duplicates()
    return int((member(e["cited"], corpus.patents["pub_id"]) & (e["citing"] != e["cited"])).sum())


@dataclass(frozen=True)
class CommunityResult:
    """A partition of a network into communities.

    Attributes
    ----------
    method : str
        greedy or louvain.
    seed : int or None
        Seed of Louvain (greedy modularity is deterministic).
    resolution : float
    modularity : float
        Newman modularity of the partition on the weighted undirected graph (0 for a graph
        without edges).
    membership : DataFrame
        ``node, community, degree, strength`` (strength = sum of edge weights).
    communities : DataFrame
        ``community, size, members`` (members: up to ten largest by strength, ``;``-joined).
    """

    method: str
    seed: int | None
    resolution: float
    modularity: float
    membership: pd.DataFrame
    communities: pd.DataFrame

    @property
    def n_communities(self) -> int:
        return len(self.communities)


def communities(
    graph: nx.Graph,
    *,
    method: CommunityMethod = "greedy",
    seed: int | None = 0,
    resolution: float = 1.0,
) -> CommunityResult:
    """Detect communities with greedy modularity or Louvain.

    Directed graphs are made undirected first (a citation in either direction links two
    patents; reciprocal citations add their weights). Isolated nodes form their own
    communities.

    Raises
    ------
    InputError
        Unknown method, ``resolution <= 0`` or an empty graph.
    """
    if method not in ("greedy", "louvain"):
        raise InputError("method", "must be greedy or louvain")
    if not resolution > 0:
        raise InputError("resolution", "must be > 0")
    if graph.number_of_nodes() == 0:
        raise InputError("graph", "has no nodes (no classes or citations to build it from)")
    und = _undirected(graph)
    if und.number_of_edges() == 0:
        parts: list[set[str]] = [{n} for n in und.nodes]
    elif method == "greedy":
        parts = [
            set(c)
            for c in nx.community.greedy_modularity_communities(
                und, weight="weight", resolution=resolution
            )
        ]
    else:
        parts = [
            set(c)
            for c in nx.community.louvain_communities(
                und, weight="weight", resolution=resolution, seed=seed
            )
        ]
    parts.sort(key=lambda c: (-len(c), min(map(str, c))))
    modularity = (
        float(nx.community.modularity(und, parts, weight="weight", resolution=resolution))
        if und.number_of_edges()
        else 0.0
    )
    strength = dict(und.degree(weight="weight"))
    rows: list[tuple[str, int, int, float]] = []
    summary: list[tuple[int, int, str]] = []
    for i, part in enumerate(parts):
        ordered = sorted(part, key=lambda n: (-strength[n], str(n)))
        summary.append((i, len(part), ";".join(map(str, ordered[:10]))))
        rows.extend((n, i, und.degree(n), float(strength[n])) for n in ordered)
    return CommunityResult(
        method=method,
        seed=seed if method == "louvain" else None,
        resolution=resolution,
        modularity=modularity,
        membership=pd.DataFrame(rows, columns=["node", "community", "degree", "strength"]),
        communities=pd.DataFrame(summary, columns=["community", "size", "members"]),
    )


def _undirected(graph: nx.Graph) -> nx.Graph:
    if not graph.is_directed():
        return graph
    und = nx.Graph()
    und.add_nodes_from(graph.nodes(data=True))
    for a, b, data in graph.edges(data=True):
        w = data.get("weight", 1)
        if und.has_edge(a, b):
            und[a][b]["weight"] += w
        else:
            und.add_edge(a, b, weight=w)
    return und


def edge_table(graph: nx.Graph) -> pd.DataFrame:
    """Edges as ``source, target, weight`` sorted by weight descending."""
    rows = [(a, b, d.get("weight", 1)) for a, b, d in graph.edges(data=True)]
    out = pd.DataFrame(rows, columns=["source", "target", "weight"])
    out = out.sort_values(["weight", "source", "target"], ascending=[False, True, True])
    return out.reset_index(drop=True)
