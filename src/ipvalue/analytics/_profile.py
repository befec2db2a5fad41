"""Empirical distributions of real patent samples, used by the PatentsView-format generator.

:func:`build_profile` measures the real samples in ``../shared/data/patents`` (USPTO grant XML and
the 10,000-grant USPTO CPC sample) and writes the packaged
``data/generator_profile.json`` (with sources and date). The generator only reads that JSON.
WIPO fields are not profiled: the generator derives them from its codes by the concordance
(:mod:`ipvalue.analytics.wipo_fields`).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

PROFILE_FILE = "generator_profile.json"


def load_profile() -> dict[str, Any]:
    """The packaged profile (see ``build_profile``)."""
    text = resources.files("ipvalue.analytics").joinpath("data", PROFILE_FILE).read_text("utf-8")
    return dict(json.loads(text))


def _hist(values: list[int]) -> dict[str, list[int]]:
    c = Counter(values)
    keys = sorted(c)
    return {"values": keys, "counts": [c[k] for k in keys]}


def build_profile(patents_dir: Path) -> dict[str, Any]:
    """Measure the real samples under ``patents_dir`` (``../shared/data/patents``)."""
    from ipvalue.analytics import import_source, open_duckdb

    con = open_duckdb(":memory:")
    import_source(con, patents_dir / "uspto-xml", "uspto-xml")
    utility = "patent_type = 'utility'"
    claims = [
        r[0]
        for r in con.execute(
            f"SELECT n_claims FROM publication WHERE {utility} AND n_claims IS NOT NULL"
        ).fetchall()
    ]
    lags = [
        r[0]
        for r in con.execute(
            f"SELECT date_diff('day', filing_date, grant_date) FROM publication WHERE {utility}"
        ).fetchall()
    ]
    refs = con.execute(
        f"""SELECT count(*) FILTER (WHERE c.origin = 'us_patent'),
                   count(*) FILTER (WHERE c.origin = 'us_application'),
                   count(*) FILTER (WHERE c.origin = 'foreign')
            FROM publication p LEFT JOIN citation c ON c.citing_pub_id = p.pub_id
            WHERE {utility} GROUP BY p.pub_id"""
    ).fetchall()
    ages = [
        r[0]
        for r in con.execute(
            f"""SELECT date_diff('day', c.cited_date, p.grant_date) // 365 FROM citation c
            JOIN publication p ON c.citing_pub_id = p.pub_id
            WHERE {utility} AND c.origin = 'us_patent' AND c.cited_date IS NOT NULL"""
        ).fetchall()
    ]
    foreign = dict(
        con.execute(
            "SELECT cited_country, count(*) FROM citation "
            "WHERE origin = 'foreign' AND cited_country IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 15"
        ).fetchall()
    )
    kinds = dict(
        con.execute(f"SELECT kind, count(*) FROM publication WHERE {utility} GROUP BY 1").fetchall()
    )
    ext = [
        r[0] or 0
        for r in con.execute(
            f"SELECT term_extension_days FROM publication WHERE {utility}"
        ).fetchall()
    ]
    years: list[int] = []
    n_codes: list[int] = []
    subclasses: Counter[str] = Counter()
    with gzip.open(patents_dir / "uspto_random_10000.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            years.append(int(row["publication_date"][:4]))
            codes = [c for c in row["classifications_cpc"].split(";") if c.strip()]
            if codes:
                n_codes.append(len(codes))
                subclasses.update(c.strip()[:4] for c in codes)
    top = subclasses.most_common(400)
    return {
        "sources": {
            "claims, grant_lag, refs_per_patent, cited_age_years, term_extension": (
                "USPTO grant XML samples "
                "(ipg*.small.xml, 2005-2013 utility grants; shared/data/patents/uspto-xml)"
            ),
            "grant_years, codes_per_patent, subclasses": (
                "uspto_random_10000.csv.gz (pygrams USPTO sample, 2005-2018)"
            ),
        },
        "built": date.today().isoformat(),
        "claims": _hist(claims),
        "grant_lag_days": _hist(lags),
        "refs_us_patent": _hist([r[0] for r in refs]),
        "refs_us_application": _hist([r[1] for r in refs]),
        "refs_foreign": _hist([r[2] for r in refs]),
        "cited_age_years": _hist(ages),
        "term_extension_days": _hist(ext),
        "foreign_countries": {"values": list(foreign), "counts": list(foreign.values())},
        "kinds": {"values": list(kinds), "counts": list(kinds.values())},
        "grant_years": _hist(years),
        "codes_per_patent": _hist(n_codes),
        "subclasses": {"values": [k for k, _ in top], "counts": [v for _, v in top]},
    }


if (
    __name__ == "__main__"
):  # regenerate: python -m ipvalue.analytics._profile ../shared/data/patents
    import sys

    out = Path(__file__).with_name("data") / PROFILE_FILE
    out.write_text(json.dumps(build_profile(Path(sys.argv[1])), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
