"""The whole landscape: build, write (CSV, PNG, SVG, HTML, JSON), load from every source."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from ipvalue.analytics.landscape import LandscapeOptions, build_landscape
from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.analytics.landscape_io import load_corpus, read_csv_corpus
from ipvalue.analytics.landscape_output import summary_dict, write_landscape
from ipvalue.core.errors import InputError

MINI = Path(__file__).resolve().parents[1] / "data" / "patentsview_mini"


@pytest.fixture
def small_corpus():
    rows = []
    topics = {
        "H01M10/0525": "lithium ion battery cathode electrode electrolyte",
        "G06F3/041": "touch panel display capacitive sensing",
        "A21B1/00": "pizza oven stone baking deck",
    }
    owners = ["SAMSUNG SDI", "LG CHEM", "SONY", "SAMSUNG SDI;;LG CHEM", "PANASONIC"]
    i = 0
    for year in range(2008, 2018):
        for j, (code, words) in enumerate(topics.items()):
            n = 1 + (year - 2008) // 3 if j == 0 else 2
            for k in range(n):
                i += 1
                rows.append(
                    {
                        "pub_id": f"P{i}",
                        "date": f"{year}-0{1 + k % 9}-15",
                        "office": ["KR", "JP", "CN", "US"][i % 4],
                        "abstract": f"{words} variant {k} {'solid state' if year > 2014 else ''}",
                        "classes": code + (";B60L50/64" if j == 0 and k % 2 else ""),
                        "assignees": owners[i % 5],
                        "cites": f"P{i - 3}" if i > 3 else "",
                    }
                )
    return corpus_from_frame(pd.DataFrame(rows), date_basis="publication")


def test_build_and_write(small_corpus, tmp_path: Path) -> None:
    opts = LandscapeOptions(clusters=3, min_recent_docs=2, top=10)
    land = build_landscape(small_corpus, opts)
    assert set(land.counts) == {"year", "office", "class", "assignee"}  # no WIPO fields
    assert any("no field data" in w for w in land.warnings)
    assert land.concentration is not None and 0 < land.concentration.hhi <= 1
    assert land.clusters is not None and land.clusters.k == 3
    assert land.coclass_communities is not None and land.citation_communities is not None
    assert land.emerging_classes is not None
    files = write_landscape(land, tmp_path / "out")
    names = {p.relative_to(tmp_path / "out").as_posix() for p in files}
    for expected in (
        "filings_by_year.csv",
        "filings_by_assignee.csv",
        "growth.csv",
        "concentration_assignees.csv",
        "keywords.csv",
        "clusters.csv",
        "coclassification_edges.csv",
        "citation_communities.csv",
        "emerging_classes.csv",
        "summary.json",
        "landscape.html",
        "charts/filings_by_year.png",
        "charts/filings_by_year.svg",
        "charts/coclassification_network.svg",
        "charts/citation_network.png",
    ):
        assert expected in names, expected
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["n_patents"] == len(small_corpus)
    assert summary["options"]["seed"] == 0 and summary["clusters"]["seed"] == 0
    assert summary["concentration"]["hhi"] == pytest.approx(land.concentration.hhi)
    html = (tmp_path / "out" / "landscape.html").read_text()
    tree = lxml.html.fromstring(html.encode("utf-8"))
    assert len(tree.xpath("//svg")) >= 8
    assert tree.xpath("//script | //link | //img | //iframe") == []
    assert not [a for a in tree.xpath("//@src | //@href") if not str(a).startswith("#")]
    assert not list((tmp_path / "out").glob(".landscape-*"))  # staging folder removed


def test_growth_window_and_partial_year(small_corpus) -> None:
    land = build_landscape(small_corpus, LandscapeOptions(clusters=0, novelty_k=None))
    # dates end in September 2017: 2017 is partial, so the window is 2011–2016
    assert land.growth is not None
    assert (land.growth.start_year, land.growth.end_year) == (2011, 2016)
    assert any("partial year" in w for w in land.warnings)
    explicit = build_landscape(
        small_corpus, LandscapeOptions(clusters=0, novelty_k=None, growth_window=(2008, 2017))
    )
    assert explicit.growth is not None and explicit.growth.end_year == 2017


def test_patentsview_source_and_database(tmp_path: Path) -> None:
    c = load_corpus(MINI, "patentsview")
    assert len(c) == 6 and c.date_basis == "filing"
    assert set(c.assignees["name"]) == {"SAMSUNG SDI CO., LTD", "LG CHEM, LTD", "JANE DOE"}
    assert ("US-1000002-B2", "US-1000001-B2") in set(c.citations.itertuples(index=False))
    land = build_landscape(c, LandscapeOptions(clusters=0, min_recent_docs=1))
    field_table = land.counts["field"].table
    assert field_table.iloc[0].tolist()[:2] == ["1 Electrical machinery, apparatus, energy", 4]
    assert land.concentration is not None
    # 3 assignees with one patent each: CR4 = 1, HHI = 3 × (1/3)² = 1/3
    assert land.concentration.cr_k == pytest.approx(1.0)
    assert land.concentration.hhi == pytest.approx(1 / 3)
    from ipvalue.analytics import import_source, open_duckdb

    db = tmp_path / "p.duckdb"
    con = open_duckdb(db)
    import_source(con, MINI, "patentsview")
    con.close()
    from_db = load_corpus(None, None, db=db, date_basis="grant")
    assert len(from_db) == 6 and from_db.date_basis == "grant"


def test_read_csv_aliases_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text(
        "patent_id,abstract,classifications_cpc,publication_date\n"
        "X1,Battery,H01M4/13;426/231,2015-01-02\n",
        encoding="utf-8",
    )
    c = read_csv_corpus(p, date_basis="filing")
    assert c.date_basis == "publication" and "no filing date" in c.warnings[-1]
    assert c.classes["code"].tolist() == ["H01M4/13"]
    assert any("not IPC/CPC" in w for w in c.warnings)
    bad = tmp_path / "b.csv"
    bad.write_text("name,abstract\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="identifier column"):
        read_csv_corpus(bad)
    latin = tmp_path / "c.csv"
    latin.write_bytes("pub_id,title\nX,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"must be utf-8 encoded.*--encoding"):
        read_csv_corpus(latin)
    dates = tmp_path / "d.csv"
    dates.write_text("pub_id,date\nX,2015-01-01\nY,not a date\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_csv_corpus(dates)
    assert exc.value.field == "date[1]"
    dup = tmp_path / "e.csv"
    dup.write_text("pub_id\nX\nX\n", encoding="utf-8")
    with pytest.raises(InputError, match="unique"):
        read_csv_corpus(dup)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source": None, "fmt": None}, "--source"),
        ({"source": Path("/nonexistent.csv"), "fmt": "csv"}, "--source"),
        ({"source": MINI, "fmt": "excel"}, "--format"),
        ({"source": MINI, "fmt": "csv"}, "--source"),  # a folder is not a CSV
        ({"source": MINI, "fmt": "patentsview", "date_basis": "birth"}, "--date-basis"),
    ],
)
def test_load_corpus_bad_input(kwargs, field) -> None:
    source, fmt = kwargs.pop("source"), kwargs.pop("fmt")
    with pytest.raises(InputError) as exc:
        load_corpus(source, fmt, **kwargs)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("opts", "field"),
    [
        (LandscapeOptions(by=("year", "colour")), "--by"),
        (LandscapeOptions(class_level="digit"), "--class-level"),
        (LandscapeOptions(clusters=1), "--clusters"),
        (LandscapeOptions(community_method="leiden"), "--community"),
        (LandscapeOptions(top=0), "--top"),
        (LandscapeOptions(growth_window=(2015, 2010)), "--window"),
    ],
)
def test_bad_options(small_corpus, opts, field) -> None:
    with pytest.raises(InputError) as exc:
        build_landscape(small_corpus, opts)
    assert exc.value.field == field


def test_write_refuses_a_file_as_out(small_corpus, tmp_path: Path) -> None:
    land = build_landscape(small_corpus, LandscapeOptions(clusters=0, novelty_k=None))
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        write_landscape(land, f)
    assert summary_dict(land)["n_patents"] == len(small_corpus)


def test_canonical_tables_prefer_assignees_and_give_countries() -> None:
    from ipvalue.analytics.landscape_corpus import corpus_from_tables
    from ipvalue.analytics.landscape_counts import filings_by

    pub = pd.DataFrame(
        {
            "pub_id": ["A", "B", "C"],
            "country": ["US", "US", "US"],
            "filing_date": ["2010-01-01", "2011-01-01", "2012-01-01"],
        }
    )
    party = pd.DataFrame(
        {
            "pub_id": ["A", "A", "B", "C"],
            "role": ["assignee", "applicant", "applicant", "inventor"],
            "name_norm": ["Acme Corp", "John Doe", "Sony Corp", "Jane Roe"],
            "country": ["kr", "US", "JP", "US"],
        }
    )
    classification = pd.DataFrame(
        {
            "pub_id": ["A", "A", "B"],
            "scheme": ["CPC", "IPC", "IPC"],
            "code_full": ["H01M 4/13", "H01M 4/02", "G06F 3/041"],
            "subclass4": ["H01M"] * 2 + ["G06F"],
        }
    )
    c = corpus_from_tables(pub, party=party, classification=classification)
    # A keeps its assignee (not the inventor-applicant); B has only an applicant; C none.
    assert sorted(map(tuple, c.assignees[["pub_id", "name"]].to_numpy())) == [
        ("A", "ACME CORP"),
        ("B", "SONY CORP"),
    ]
    countries = filings_by(c, "country").table.set_index("country")["n"].to_dict()
    assert countries == {"KR": 1, "JP": 1}
    # CPC first: A uses its CPC code only, B (IPC only) its IPC code
    assert sorted(c.classes["code"]) == ["G06F3/041", "H01M4/13"]


def test_select_patents(small_corpus) -> None:
    from ipvalue.analytics.landscape_corpus import select_patents

    batteries = select_patents(small_corpus, classes=["h01m"])
    assert set(batteries.classes["subclass"]) == {"H01M", "B60L"}  # B60L co-classified
    assert len(batteries) == (small_corpus.classes["subclass"] == "H01M").sum()
    both = select_patents(small_corpus, classes=["H01M", "A21B"], years=(2015, 2017))
    assert both.patents["year"].between(2015, 2017).all()
    pizza = select_patents(small_corpus, terms=["PIZZA"], offices=["kr"])
    assert (pizza.patents["office"] == "KR").all() and len(pizza) > 0
    assert pizza.patents["abstract"].str.contains("pizza").all()
    with pytest.raises(InputError, match="no patent"):
        select_patents(small_corpus, terms=["quantum"])
    with pytest.raises(InputError) as exc:
        select_patents(small_corpus, classes=["426/231"])
    assert exc.value.field == "--select-class"
    with pytest.raises(InputError) as exc:
        select_patents(small_corpus, years=(2017, 2015))
    assert exc.value.field == "--select-years"


def test_count_families() -> None:
    from ipvalue.analytics.landscape_corpus import count_families
    from ipvalue.analytics.landscape_counts import filings_by

    c = corpus_from_frame(
        pd.DataFrame(
            {
                "pub_id": ["KR-1", "US-2", "JP-3", "CN-4"],
                "family_id": ["F1", "F1", "F1", None],
                "office": ["KR", "US", "JP", "CN"],
                "date": ["2012-03-01", "2013-05-01", "2014-01-01", "2015-01-01"],
                "classes": ["H01M4/13", "H01M10/05;B60L50/64", "", "G06F3/01"],
                "assignees": ["SAMSUNG SDI", "SAMSUNG SDI CO", "", "HUAWEI"],
                "cites": ["", "KR-1", "", "US-2"],
            }
        )
    )
    f = count_families(c)
    # F1 counts once, at its earliest document (KR, 2012); CN-4 is its own family
    assert f.patents["pub_id"].tolist() == ["KR-1", "CN-4"]
    assert filings_by(f, "office").table.set_index("office")["n"].to_dict() == {"KR": 1, "CN": 1}
    assert set(f.classes.loc[f.classes["pub_id"] == "KR-1", "subclass"]) == {"H01M", "B60L"}
    assert len(f.assignees[f.assignees["pub_id"] == "KR-1"]) == 2  # names are not merged
    # US-2 -> KR-1 is inside the family (dropped); CN-4 -> US-2 now points at KR-1
    assert f.citations.to_numpy().tolist() == [["CN-4", "KR-1"]]
    assert "4 documents counted as 2 families" in f.source
    plain = corpus_from_frame(pd.DataFrame({"pub_id": ["a"]}))
    assert "no family data" in count_families(plain).warnings[-1]


def test_large_citation_network_is_skipped_with_a_warning(small_corpus) -> None:
    from ipvalue.analytics.landscape_networks import internal_citation_count

    n = internal_citation_count(small_corpus)
    assert n == len(small_corpus) - 3  # P4 cites P1, P5 cites P2, … (each cites i - 3)
    land = build_landscape(
        small_corpus, LandscapeOptions(clusters=0, novelty_k=None, network_max_edges=n - 1)
    )
    assert land.citation_graph is None
    assert any("citation network skipped" in w for w in land.warnings)
