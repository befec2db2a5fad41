"""Charts are valid PNG/SVG files and the HTML report is self-contained."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import matplotlib.image
import networkx as nx
import pandas as pd
import pytest
from tests.conftest import require_service

from ipvalue.analytics import charts
from ipvalue.analytics.charts_html import ReportSection, landscape_html, table_html
from ipvalue.core.errors import InputError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _figures():
    wide = pd.DataFrame({"H01M": [1, 4, 9], "G06F": [3, 3, 2]}, index=[2016, 2017, 2018])
    g = nx.Graph()
    g.add_node("H01M", n=5)
    g.add_node("B60L", n=2)
    g.add_edge("H01M", "B60L", weight=2)
    emerging = pd.DataFrame(
        {
            "item": ["gpu", "lidar"],
            "emergence": [2.1, 1.2],
            "novelty": [0.9, 0.8],
            "n_recent": [12, 30],
        }
    )
    membership = pd.DataFrame({"node": ["H01M", "B60L"], "community": [0, 0]})
    return {
        "bar": charts.bar_chart(["SAMSUNG SDI", "LG CHEM"], [3, 2], title="t", xlabel="x"),
        "trend": charts.trend_chart(wide, title="trend"),
        "heat": charts.heatmap_chart(wide, title="heat"),
        "net": charts.network_chart(g, membership, title="net"),
        "emerging": charts.emerging_chart(emerging, title="emerging"),
    }


def test_png_and_svg_files_are_valid(tmp_path: Path) -> None:
    for name, fig in _figures().items():
        png, svg = charts.save_figure(fig, tmp_path / name)
        assert png.read_bytes()[:8] == PNG_MAGIC
        image = matplotlib.image.imread(png)
        assert image.shape[0] > 100 and image.shape[1] > 100
        root = ET.parse(svg).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_svg_is_reproducible() -> None:
    a = charts.figure_svg(charts.bar_chart(["a", "b"], [1, 2], title="t", xlabel="x"))
    b = charts.figure_svg(charts.bar_chart(["a", "b"], [1, 2], title="t", xlabel="x"))
    assert a == b and a.startswith("<svg")


def test_html_report_is_self_contained() -> None:
    svg = charts.figure_svg(charts.bar_chart(["a"], [1], title="t", xlabel="x"))
    frame = pd.DataFrame(
        {
            "assignee": ["<script>alert(1)</script>"],
            "share": [0.123456789],
            "cagr": pd.array([None], dtype="Float64"),
        }
    )
    doc = landscape_html(
        "Landscape",
        [ReportSection("S", ("note & more",), (("Table", frame),), (svg,))],
        meta=[("Source", "x.csv")],
        warnings=["w <1>"],
    )
    tree = lxml.html.fromstring(doc.encode("utf-8"))
    assert tree.xpath("//script") == []  # the injected script is escaped text
    assert "&lt;script&gt;" in doc
    assert tree.xpath("//link") == [] and tree.xpath("//img") == []
    assert not [a for a in tree.xpath("//@src | //@href") if not str(a).startswith("#")]
    assert len(tree.xpath("//svg")) == 1
    assert "0.1235" in doc  # 4 significant digits in HTML
    assert "nan" not in doc.lower().replace("nanometre", "")


def test_table_html_truncates() -> None:
    text = table_html(pd.DataFrame({"n": range(60)}), max_rows=50)
    assert text.count("<tr>") == 51 and "10 more rows" in text


@pytest.mark.parametrize(
    "call",
    [
        lambda: charts.bar_chart([], [], title="t", xlabel="x"),
        lambda: charts.bar_chart(["a"], [1, 2], title="t", xlabel="x"),
        lambda: charts.trend_chart(pd.DataFrame(), title="t"),
        lambda: charts.heatmap_chart(pd.DataFrame(), title="t"),
        lambda: charts.network_chart(nx.Graph(), title="t"),
        lambda: charts.emerging_chart(pd.DataFrame(), title="t"),
    ],
)
def test_empty_charts_raise(call) -> None:
    with pytest.raises(InputError):
        call()


def test_unknown_format(tmp_path: Path) -> None:
    fig = charts.bar_chart(["a"], [1], title="t", xlabel="x")
    with pytest.raises(InputError, match="png, svg"):
        charts.save_figure(fig, tmp_path / "x", ["pdf"])


@pytest.mark.integration
def test_cjk_labels_render_with_a_cjk_font(tmp_path: Path) -> None:
    require_service("CJK fonts", charts.cjk_font() is not None, "apt-get install fonts-noto-cjk")
    fig = charts.bar_chart(
        ["삼성전자", "ソニー株式会社", "华为技术有限公司"],
        [3, 2, 1],
        title="출원인 / 出願人 / 申请人",
        xlabel="patents",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise
        png, svg = charts.save_figure(fig, tmp_path / "cjk")
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert ET.parse(svg).getroot().tag.endswith("svg")
