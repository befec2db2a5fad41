"""Co-classification / citation networks and communities on a tiny known graph."""

from __future__ import annotations

import pandas as pd
import pytest

from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.analytics.landscape_networks import (
    citation_network,
    coclassification_network,
    communities,
    edge_table,
)
from ipvalue.core.errors import InputError


@pytest.fixture
def two_triangles():
    # Class pairs form two triangles {A01B, A01C, A01D} and {H01M, H01L, H02J} joined by the
    # single bridge A01D-H01M (patent P4).
    return corpus_from_frame(
        pd.DataFrame(
            {
                "pub_id": [f"P{i}" for i in range(1, 8)],
                "date": ["2015-01-01"] * 7,
                "classes": [
                    "A01B1/00;A01C1/00",
                    "A01B1/00;A01D1/00",
                    "A01C1/00;A01D1/00",
                    "A01D1/00;H01M10/05",
                    "H01M10/05;H01L21/00",
                    "H01L21/00;H02J7/00",
                    "H01M10/05;H02J7/00",
                ],
                "cites": ["P2;P3", "P3", "", "P5;X999", "P6", "P7", "P5"],
            }
        )
    )


def test_coclassification_graph(two_triangles) -> None:
    g = coclassification_network(two_triangles)
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 7
    assert g.nodes["A01D"]["n"] == 3  # P2, P3, P4
    assert g["A01D"]["H01M"]["weight"] == 1
    assert coclassification_network(two_triangles, min_weight=2).number_of_edges() == 0
    top = coclassification_network(two_triangles, top_nodes=2)
    assert set(top.nodes) == {"A01D", "H01M"}  # the two classes on 3 patents each


@pytest.mark.parametrize("method", ["greedy", "louvain"])
def test_two_triangles_split_into_two_communities(two_triangles, method) -> None:
    r = communities(coclassification_network(two_triangles), method=method, seed=1)
    assert r.n_communities == 2
    groups = r.membership.groupby("community")["node"].apply(frozenset).tolist()
    assert set(groups) == {
        frozenset({"A01B", "A01C", "A01D"}),
        frozenset({"H01M", "H01L", "H02J"}),
    }
    # Q = Σ_c [L_c/m − (d_c/2m)²] with m = 7 edges, L_c = 3, d_c = 2 + 2 + 3 = 7:
    # 2 × (3/7 − (7/14)²) = 6/7 − 1/2 = 5/14
    assert r.modularity == pytest.approx(5 / 14)


def test_citation_network_and_communities(two_triangles) -> None:
    g = citation_network(two_triangles)
    assert g.number_of_nodes() == 7  # X999 lies outside the corpus
    assert g.number_of_edges() == 7
    assert g.has_edge("P1", "P2") and not g.has_edge("P2", "P1")
    ext = citation_network(two_triangles, internal_only=False)
    assert ext.nodes["X999"]["external"] is True
    r = communities(g)
    groups = set(r.membership.groupby("community")["node"].apply(frozenset))
    assert groups == {frozenset({"P1", "P2", "P3"}), frozenset({"P4", "P5", "P6", "P7"})}


def test_graph_without_edges_gives_singletons() -> None:
    c = corpus_from_frame(pd.DataFrame({"pub_id": ["a", "b"], "classes": ["H01M1/00", "G06F1/00"]}))
    r = communities(coclassification_network(c))
    assert r.n_communities == 2 and r.modularity == 0.0


def test_edge_table_sorted(two_triangles) -> None:
    t = edge_table(coclassification_network(two_triangles))
    assert len(t) == 7 and t.columns.tolist() == ["source", "target", "weight"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"method": "leiden"}, "method"), ({"resolution": 0.0}, "resolution")],
)
def test_bad_community_options(two_triangles, kwargs, field) -> None:
    with pytest.raises(InputError) as exc:
        communities(coclassification_network(two_triangles), **kwargs)
    assert exc.value.field == field


def test_empty_graph_and_bad_weights(two_triangles) -> None:
    empty = corpus_from_frame(pd.DataFrame({"pub_id": ["a"]}))
    with pytest.raises(InputError, match="no nodes"):
        communities(coclassification_network(empty))
    with pytest.raises(InputError, match="min_weight"):
        coclassification_network(two_triangles, min_weight=0)
