"""Generator: seeded, PatentsView layout, distributions that follow the real-sample profile."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest

from ipvalue.analytics import import_source, open_duckdb
from ipvalue.analytics._generator import generate, write_tables
from ipvalue.analytics._profile import load_profile
from ipvalue.core.errors import InputError


def test_seeded_and_reproducible() -> None:
    a, b, c = generate(500, seed=3), generate(500, seed=3), generate(500, seed=4)
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name])
    assert not a.tables["g_us_patent_citation"].equals(c.tables["g_us_patent_citation"])
    assert a.seed == 3 and a.n_patents == 500


def test_distributions_follow_the_profile() -> None:
    prof = load_profile()
    g = generate(20_000, seed=1, citations_per_patent=10)
    years = pc.year(g.tables["g_patent"]["patent_date"]).to_numpy()
    assert set(np.unique(years)) <= set(prof["grant_years"]["values"])
    # codes per patent: mean of min(k, 20) under the profile, within 4 standard errors
    vals = np.minimum(np.asarray(prof["codes_per_patent"]["values"]), 20)
    p = np.asarray(prof["codes_per_patent"]["counts"]) / np.sum(prof["codes_per_patent"]["counts"])
    mean, sd = float(vals @ p), float(np.sqrt(((vals - vals @ p) ** 2) @ p))
    k = g.tables["g_cpc_current"].num_rows / 20_000
    assert abs(k - mean) < 4 * sd / np.sqrt(20_000)
    # US-patent references: mean 10 before de-duplication of repeated pairs (a few % fewer)
    per = g.n_citations / 20_000
    assert 9.0 < per <= 10.3
    cit = g.tables["g_us_patent_citation"].to_pandas()
    pat = g.tables["g_patent"].to_pandas().set_index("patent_id")["patent_date"]
    inside = cit[cit.citation_patent_id.isin(pat.index)]
    assert len(inside) > 0.1 * len(cit)
    # cited patents inside the data were granted on or before the citing patent
    assert (inside.citation_patent_id.map(pat) <= inside.patent_id.map(pat)).all()
    assert (inside.citation_patent_id != inside.patent_id).all()


def test_written_tables_import_cleanly(tmp_path: Path) -> None:
    g = generate(300, seed=5)
    write_tables(g, tmp_path / "tsv", "tsv")
    con = open_duckdb(":memory:")
    report = import_source(con, tmp_path / "tsv", "patentsview")
    assert report.issues == () and report.n_publications == 300
    assert (
        con.execute("SELECT count(*) FROM citation WHERE origin = 'us_patent'").fetchall()[0][0]
        == g.n_citations
    )


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="--patents"):
        generate(0, seed=1)
    with pytest.raises(InputError, match="--citations-per-patent"):
        generate(10, seed=1, citations_per_patent=-1)
    with pytest.raises(InputError, match="tsv or parquet"):
        write_tables(generate(5, seed=1), "/tmp/x", "csv")  # type: ignore[arg-type]


def test_wipo_fields_follow_the_concordance() -> None:
    from ipvalue.analytics.wipo_fields import fields_of

    g = generate(3_000, seed=7)
    cpc = g.tables["g_cpc_current"].to_pandas()
    wipo = g.tables["g_wipo_technology"].to_pandas()
    got = (
        wipo.sort_values(["patent_id", "wipo_field_sequence"])
        .groupby("patent_id")["wipo_field_id"]
        .apply(list)
    )
    codes = cpc.sort_values(["patent_id", "cpc_sequence"]).groupby("patent_id")["cpc_group"]
    # the vectorised generator against the scalar per-patent lookup, patent by patent
    expected = codes.apply(lambda c: [f.field_id for f in fields_of(list(c))])
    expected = expected[expected.map(len) > 0]
    assert got.to_dict() == expected.to_dict()
    assert len(expected) > 2_500  # most patents have a field; CPC-only Y codes have none
    # titles agree with the ids; the A61K exclusion is exercised by this seed
    row = wipo[wipo.wipo_field_id == 16].iloc[0]
    assert (row.wipo_field_title, row.wipo_sector_title) == ("Pharmaceuticals", "Chemistry")
    both = codes.apply(
        lambda c: any(x.startswith("A61K") for x in c) and any(x[:3] in ("C07", "C12") for x in c)
    )
    assert both.any()
