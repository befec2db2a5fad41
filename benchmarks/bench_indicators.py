"""Indicator pipeline at PatentsView scale: Ibis on DuckDB vs hand-written DuckDB SQL vs pandas.

Run once:  .venv/bin/python benchmarks/bench_indicators.py [--patents 2000000]
           [--citations-per-patent 10] [--spark-patents 100000] [--pandas/--no-pandas]

Generates PatentsView tables with the generator (seeded), imports them, then times the same
indicator set three ways in this process and prints ratios against the hand-written SQL baseline,
plus the peak RSS of each step (VmHWM, reset between steps) and its CPU time (all threads of
this process). The machine is shared: with a load average above the core count, wall time mostly
measures the wait for a core, so ratios are printed for CPU time as well as wall time. The Spark
pipeline is timed on a smaller generated set (stated in the output). Results of the three
implementations are checked against each other before any figure is printed.

How each implementation is written (the baselines are honest, natural implementations of the
same definitions, on the same canonical tables as the importer stores them: text identifiers plus
the integer keys ``pub_key``, ``doc_key``, ``citing_key``, ``cited_key``):

* Ibis: ``ipvalue.analytics.compute_indicators`` (one fused expression, executed by DuckDB; the
  citation edge list is cached as a temp table). Joins on the stored keys.
* SQL: one hand-written DuckDB query with CTEs (``SQL`` below), read-only connection, joining on
  the same stored keys; ``count(*)`` where the edge list is already distinct.
* pandas: the tables loaded from the DuckDB file into DataFrames (only the columns used), then
  merges / groupbys / ``map`` on the stored integer keys, as a pandas user would write it once
  the tables carry integer keys; results re-indexed by ``pub_id`` at the end.

All three count ``bwd_cits`` as distinct cited document numbers (documents outside the data have
no key) and keep the citation's ``cited_doc_id`` for the distinct cited-age pairs of ``tct``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

VDATE = date(2025, 1, 1)
WINDOW = 1826
COLUMNS = [
    "fwd_cits5",
    "bwd_cits",
    "patent_scope",
    "claims",
    "grant_lag",
    "generality",
    "originality",
    "radicalness",
    "tct",
    "breakthrough",
    "remaining_life",
    "quality_index",
]

SQL = """
WITH cls AS (SELECT pub_key AS k, seq, subclass4, section FROM classification
             WHERE scheme = 'CPC' AND subclass4 IS NOT NULL AND pub_key IS NOT NULL),
pk AS (SELECT pub_key AS k, grant_date FROM publication),
pcit AS (SELECT * FROM citation WHERE origin IN ('us_patent', 'us_application', 'foreign')
         AND cited_doc_id IS NOT NULL AND citing_key IS NOT NULL),
kedges AS (SELECT DISTINCT citing_key AS citing, cited_key AS cited FROM pcit
           WHERE cited_key IS NOT NULL AND citing_key <> cited_key),
fwd AS (SELECT e.cited AS k, count(*) AS fwd_n FROM kedges e
        JOIN pk a ON a.k = e.citing JOIN pk b ON b.k = e.cited
        WHERE date_diff('day', b.grant_date, a.grant_date) BETWEEN 0 AND {window} GROUP BY 1),
bwd AS (SELECT citing_key AS k, count(DISTINCT cited_doc_id) AS bwd_n FROM pcit GROUP BY 1),
kn AS (SELECT k, count(*) AS n FROM cls GROUP BY 1),
shares AS (SELECT c.k, c.subclass4, count(*) / any_value(n.n) AS share FROM cls c
           JOIN kn n USING (k) GROUP BY 1, 2),
gj AS (SELECT e.cited AS focal, e.citing AS other, s.subclass4, s.share FROM kedges e JOIN shares s ON s.k = e.citing),
gen AS (SELECT focal AS k, 1 - sum((ss / nd) ^ 2) AS generality FROM
          (SELECT focal, subclass4, sum(share) AS ss FROM gj GROUP BY 1, 2)
          JOIN (SELECT focal, count(DISTINCT other) AS nd FROM gj GROUP BY 1) USING (focal) GROUP BY 1),
oj AS (SELECT e.citing AS focal, e.cited AS other, s.subclass4, s.share FROM kedges e JOIN shares s ON s.k = e.cited),
ori AS (SELECT focal AS k, 1 - sum((ss / nd) ^ 2) AS originality FROM
          (SELECT focal, subclass4, sum(share) AS ss FROM oj GROUP BY 1, 2)
          JOIN (SELECT focal, count(DISTINCT other) AS nd FROM oj GROUP BY 1) USING (focal) GROUP BY 1),
rad AS (SELECT e.citing AS k, avg(CASE WHEN o.k IS NULL THEN 1.0 ELSE 0.0 END) AS radicalness
        FROM kedges e JOIN cls c ON c.k = e.cited
        LEFT JOIN (SELECT DISTINCT k, subclass4 FROM cls) o ON o.k = e.citing AND o.subclass4 = c.subclass4
        WHERE e.citing IN (SELECT k FROM kn) GROUP BY 1),
dgrant AS (SELECT doc_key, min(grant_date) AS cited_grant FROM publication GROUP BY 1),
usc AS (SELECT DISTINCT c.citing_key AS focal, c.cited_doc_id AS cdoc, coalesce(c.cited_date, d.cited_grant) AS cdate
        FROM citation c LEFT JOIN dgrant d ON d.doc_key = c.cited_key
        WHERE c.origin = 'us_patent' AND c.cited_doc_id IS NOT NULL AND c.citing_key IS NOT NULL),
tct AS (SELECT u.focal AS k, quantile_cont(date_diff('day', u.cdate, p.grant_date)::DOUBLE, 0.5) / 365.25 AS tct
        FROM usc u JOIN pk p ON p.k = u.focal
        WHERE u.cdate IS NOT NULL AND p.grant_date IS NOT NULL GROUP BY 1),
tf AS (SELECT pub_key AS k, seq, wipo_field_id FROM tech_field
       WHERE wipo_field_id IS NOT NULL AND pub_key IS NOT NULL),
tfm AS (SELECT k, min(seq) AS ms FROM tf GROUP BY 1),
fld AS (SELECT t.k, min(t.wipo_field_id) AS f FROM tf t JOIN tfm ON tfm.k = t.k AND t.seq = tfm.ms GROUP BY 1),
clm AS (SELECT k, min(seq) AS ms FROM cls GROUP BY 1),
sec AS (SELECT c.k, min(c.section) AS s FROM cls c JOIN clm ON clm.k = c.k AND c.seq = clm.ms GROUP BY 1),
sc AS (SELECT k, count(DISTINCT subclass4) AS patent_scope FROM cls GROUP BY 1),
base AS (
  SELECT p.source_id AS patent_id, p.pub_id,
    CASE WHEN coalesce(p.citations_listed, false) AND p.grant_date IS NOT NULL THEN coalesce(fwd.fwd_n, 0) END AS fwd_cits5,
    CASE WHEN coalesce(p.citations_listed, false) THEN coalesce(bwd.bwd_n, 0) END AS bwd_cits,
    sc.patent_scope, p.n_claims AS claims, date_diff('day', p.filing_date, p.grant_date) AS grant_lag,
    gen.generality, ori.originality, rad.radicalness, tct.tct, p.family_size_reported AS family_size,
    CASE WHEN p.grant_date IS NOT NULL AND coalesce('field ' || fld.f, 'section ' || sec.s) IS NOT NULL
         THEN year(p.grant_date)::VARCHAR || ' ' || coalesce('field ' || fld.f, 'section ' || sec.s) END AS cohort,
    CASE WHEN p.patent_type = 'design' THEN
           CASE WHEN p.filing_date >= DATE '2015-05-13' THEN p.grant_date + INTERVAL 15 YEAR
                ELSE p.grant_date + INTERVAL 14 YEAR END
         ELSE p.filing_date + INTERVAL 20 YEAR + to_days(coalesce(p.term_extension_days, 0)) END::DATE AS expiry
  FROM (SELECT *, pub_key AS k FROM publication) p LEFT JOIN fwd USING (k) LEFT JOIN bwd USING (k)
  LEFT JOIN sc USING (k) LEFT JOIN gen USING (k) LEFT JOIN ori USING (k) LEFT JOIN rad USING (k)
  LEFT JOIN tct USING (k) LEFT JOIN fld USING (k) LEFT JOIN sec USING (k)),
coh AS (SELECT cohort, quantile_cont(fwd_cits5::DOUBLE, 0.99) AS p_fwd,
          quantile_cont(fwd_cits5::DOUBLE, 0.99) AS h1, quantile_cont(family_size::DOUBLE, 0.99) AS h2,
          quantile_cont(claims::DOUBLE, 0.99) AS h3, quantile_cont(generality, 0.99) AS h4
        FROM base WHERE cohort IS NOT NULL GROUP BY 1),
normed AS (
  SELECT b.*, c.p_fwd,
    CASE WHEN b.fwd_cits5 IS NULL OR c.h1 IS NULL THEN NULL WHEN c.h1 <= 0 THEN 0.0 ELSE least(b.fwd_cits5, c.h1) / c.h1 END AS n1,
    CASE WHEN b.family_size IS NULL OR c.h2 IS NULL THEN NULL WHEN c.h2 <= 0 THEN 0.0 ELSE least(b.family_size, c.h2) / c.h2 END AS n2,
    CASE WHEN b.claims IS NULL OR c.h3 IS NULL THEN NULL WHEN c.h3 <= 0 THEN 0.0 ELSE least(b.claims, c.h3) / c.h3 END AS n3,
    CASE WHEN b.generality IS NULL OR c.h4 IS NULL THEN NULL WHEN c.h4 <= 0 THEN 0.0 ELSE least(b.generality, c.h4) / c.h4 END AS n4
  FROM base b LEFT JOIN coh c USING (cohort))
SELECT patent_id, pub_id, fwd_cits5, bwd_cits, patent_scope, claims, grant_lag, generality, originality, radicalness, tct,
  CASE WHEN fwd_cits5 IS NULL OR p_fwd IS NULL THEN NULL WHEN fwd_cits5 >= p_fwd AND fwd_cits5 > 0 THEN 1 ELSE 0 END AS breakthrough,
  greatest(date_diff('day', DATE '{vdate}', expiry) / 365.25, 0.0) AS remaining_life,
  CASE WHEN cohort IS NULL OR (n1 IS NULL AND n2 IS NULL AND n3 IS NULL AND n4 IS NULL) THEN NULL
       ELSE (coalesce(n1, 0) + coalesce(n2, 0) + coalesce(n3, 0) + coalesce(n4, 0))
            / ((n1 IS NOT NULL)::INT + (n2 IS NOT NULL)::INT + (n3 IS NOT NULL)::INT + (n4 IS NOT NULL)::INT) END AS quality_index
FROM normed ORDER BY pub_id
"""  # noqa: E501


def sql_indicators(db: Path) -> pd.DataFrame:
    """The indicator set written directly in DuckDB SQL (CPC scheme, OECD generality)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(SQL.format(window=WINDOW, vdate=VDATE.isoformat())).df()
    finally:
        con.close()


#: CTEs of ``SQL`` timed by ``--breakdown``, each with the steps it depends on.
SQL_STEPS = ("kedges", "fwd", "bwd", "shares", "gen", "ori", "rad", "tct", "fld", "sec", "sc")


def sql_breakdown(db: Path) -> dict[str, float]:
    """CPU seconds of each CTE of ``SQL`` run alone (``count(*)``, dependencies included)."""
    import duckdb

    query = SQL.format(window=WINDOW, vdate=VDATE.isoformat())
    head = query[: query.rindex("SELECT patent_id, pub_id, fwd_cits5")]
    con = duckdb.connect(str(db), read_only=True)
    out = {}
    try:
        for cte in SQL_STEPS:
            c0 = time.process_time()
            con.execute(f"{head} SELECT count(*) FROM {cte}").fetchall()
            out[cte] = time.process_time() - c0
    finally:
        con.close()
    return out


def ibis_indicators(db: Path) -> pd.DataFrame:
    from ipvalue.analytics import IndicatorOptions, compute_indicators

    t = compute_indicators(db, IndicatorOptions(valuation_date=VDATE, scheme="CPC"))
    return t.to_pandas()


def _q99(s: pd.Series) -> float:
    return float(s.quantile(0.99)) if s.notna().any() else np.nan


class Laps:
    """CPU seconds between successive ``lap`` calls, by step name (the ``--breakdown`` table)."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self._t = time.process_time()

    def lap(self, name: str) -> None:
        now = time.process_time()
        self.steps[name] = self.steps.get(name, 0.0) + now - self._t
        self._t = now


def pandas_indicators(db: Path, laps: Laps | None = None) -> pd.DataFrame:
    """The same indicator set in pandas (tables loaded from the DuckDB file, joined on keys)."""
    import duckdb

    lap = (laps or Laps()).lap

    con = duckdb.connect(str(db), read_only=True)
    pub = con.execute("SELECT * FROM publication").df()
    cit = con.execute(
        "SELECT citing_key, cited_key, origin, cited_doc_id, cited_date FROM citation "
        "WHERE citing_key IS NOT NULL"
    ).df()
    cls = con.execute(
        "SELECT pub_key, seq, subclass4, section FROM classification "
        "WHERE scheme = 'CPC' AND subclass4 IS NOT NULL AND pub_key IS NOT NULL"
    ).df()
    tf = con.execute(
        "SELECT pub_key, seq, wipo_field_id FROM tech_field "
        "WHERE wipo_field_id IS NOT NULL AND pub_key IS NOT NULL"
    ).df()
    con.close()
    lap("load tables")
    pcit = cit[
        cit.origin.isin(["us_patent", "us_application", "foreign"]) & cit.cited_doc_id.notna()
    ]
    e = pcit.loc[pcit.cited_key.notna(), ["citing_key", "cited_key"]].astype("int64")
    e = e.drop_duplicates().rename(columns={"citing_key": "citing", "cited_key": "cited"})
    e = e[e.citing != e.cited]
    lap("edges")
    gd = pub.set_index("pub_key")["grant_date"]
    lag = (e.citing.map(gd) - e.cited.map(gd)).dt.days
    fwd = e[(lag >= 0) & (lag <= WINDOW)].groupby("cited").size().rename("fwd_n")
    lap("fwd")
    bwd = pcit.groupby("citing_key").cited_doc_id.nunique().rename("bwd_n")
    lap("bwd")
    n = cls.groupby("pub_key").size().rename("n")
    sh = (
        cls.groupby(["pub_key", "subclass4"]).size().rename("t").reset_index().join(n, on="pub_key")
    )
    sh["share"] = sh.t / sh.n
    lap("shares")

    def conc(focal: str, other: str, name: str) -> pd.Series:
        j = e.merge(sh[["pub_key", "subclass4", "share"]], left_on=other, right_on="pub_key")
        nd = j.groupby(focal)[other].nunique()
        s = j.groupby([focal, "subclass4"]).share.sum().reset_index()
        s["sq"] = (s.share / s[focal].map(nd)) ** 2
        return (1 - s.groupby(focal).sq.sum()).rename(name)

    gen = conc("cited", "citing", "generality")
    lap("gen")
    ori = conc("citing", "cited", "originality")
    lap("ori")
    j = e.merge(cls[["pub_key", "subclass4"]], left_on="cited", right_on="pub_key")
    own = cls[["pub_key", "subclass4"]].drop_duplicates().assign(inside=1)
    j = j.merge(own, left_on=["citing", "subclass4"], right_on=["pub_key", "subclass4"], how="left")
    j = j[j.citing.isin(n.index)]
    rad = (1.0 - j.inside.fillna(0)).groupby(j.citing).mean().rename("radicalness")
    lap("rad")
    dgrant = pub.groupby("doc_key").grant_date.min().rename("cited_grant")
    usc = cit[(cit.origin == "us_patent") & cit.cited_doc_id.notna()].copy()
    usc["cdate"] = usc.cited_date.fillna(usc.cited_key.map(dgrant))
    usc = usc[["citing_key", "cited_doc_id", "cdate"]].dropna(subset=["cdate"]).drop_duplicates()
    usc["age"] = (usc.citing_key.map(gd) - usc.cdate).dt.days.astype("float64")
    tct = (usc.dropna(subset=["age"]).groupby("citing_key").age.median() / 365.25).rename("tct")
    lap("tct")
    scope = cls.groupby("pub_key").subclass4.nunique().rename("patent_scope")
    tfirst = (
        tf[tf.seq == tf.groupby("pub_key").seq.transform("min")]
        .groupby("pub_key")
        .wipo_field_id.min()
    )
    cfirst = (
        cls[cls.seq == cls.groupby("pub_key").seq.transform("min")].groupby("pub_key").section.min()
    )
    lap("scope, first field/section")
    # computed on keys; the output is indexed by pub_id like the other implementations
    keys = pub.set_index("pub_id").pub_key

    def by_pub(s: pd.Series) -> pd.Series:
        return pd.Series(keys.map(s).to_numpy(), index=keys.index, name=s.name)

    fwd, bwd, gen, ori, rad, tct, scope, tfirst, cfirst = map(
        by_pub, (fwd, bwd, gen, ori, rad, tct, scope, tfirst, cfirst)
    )
    r = pub.set_index("pub_id")
    out = pd.DataFrame(index=r.index)
    out["patent_id"] = r.source_id
    listed = r.citations_listed.fillna(False).astype(bool)
    out["fwd_cits5"] = fwd.reindex(r.index).fillna(0).where(listed & r.grant_date.notna())
    out["bwd_cits"] = bwd.reindex(r.index).fillna(0).where(listed)
    out["patent_scope"] = scope.reindex(r.index)
    out["claims"] = r.n_claims
    out["grant_lag"] = (r.grant_date - r.filing_date).dt.days
    for s in (gen, ori, rad, tct):
        out[s.name] = s.reindex(r.index)
    out["family_size"] = r.family_size_reported
    key = ("field " + tfirst.reindex(r.index).astype("string")).fillna(
        "section " + cfirst.reindex(r.index).astype("string")
    )
    out["cohort"] = (r.grant_date.dt.year.astype("Int64").astype("string") + " " + key).where(
        r.grant_date.notna()
    )
    g = out[out.cohort.notna()].groupby("cohort")
    q = pd.DataFrame(
        {c: g[c].apply(_q99) for c in ("fwd_cits5", "family_size", "claims", "generality")}
    )
    normed = []
    for c in ("fwd_cits5", "family_size", "claims", "generality"):
        s = out.cohort.map(q[c]).astype("float64")
        x = out[c].astype("float64")
        v = np.where(s <= 0, 0.0, np.minimum(x, s) / s)
        normed.append(pd.Series(v, index=out.index).where(x.notna() & s.notna()))
    cnt = sum(v.notna().astype(int) for v in normed)
    tot = sum(v.fillna(0.0) for v in normed)
    p_fwd = out.cohort.map(q["fwd_cits5"]).astype("float64")
    out["breakthrough"] = (
        ((out.fwd_cits5 >= p_fwd) & (out.fwd_cits5 > 0))
        .astype("float64")
        .where(out.fwd_cits5.notna() & p_fwd.notna())
    )
    fil = r.filing_date
    expiry = (fil + pd.DateOffset(years=20)) + pd.to_timedelta(
        r.term_extension_days.fillna(0), unit="D"
    )
    design = r.patent_type == "design"
    if design.any():
        yrs = np.where(fil >= pd.Timestamp("2015-05-13"), 15, 14)
        expiry = expiry.where(
            ~design,
            [g + pd.DateOffset(years=int(y)) for g, y in zip(r.grant_date, yrs, strict=True)],
        )
    out["remaining_life"] = ((expiry - pd.Timestamp(VDATE)).dt.days / 365.25).clip(lower=0.0)
    out["quality_index"] = (tot / cnt).where(out.cohort.notna() & (cnt > 0))
    out = out.reset_index().sort_values("pub_id").reset_index(drop=True)
    lap("assemble, cohorts, quality")
    return out


def compare(a: pd.DataFrame, b: pd.DataFrame, label: str) -> None:
    """Fail loudly if two implementations disagree (floats to 1e-9 relative)."""
    a = a.sort_values("pub_id").reset_index(drop=True)
    b = b.sort_values("pub_id").reset_index(drop=True)
    if len(a) != len(b) or not (a.pub_id.values == b.pub_id.values).all():
        raise AssertionError(f"{label}: different patents")
    for c in COLUMNS:
        x, y = a[c].astype("float64").to_numpy(), b[c].astype("float64").to_numpy()
        same_null = np.isnan(x) == np.isnan(y)
        close = np.isclose(x, y, rtol=1e-9, atol=1e-12) | (np.isnan(x) & np.isnan(y))
        if not (same_null.all() and close.all()):
            i = int(np.flatnonzero(~(same_null & close))[0])
            raise AssertionError(f"{label}: {c} differs for {a.pub_id[i]}: {x[i]} vs {y[i]}")


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # resets VmHWM (Linux)
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


CPU: dict[str, float] = {}  # CPU seconds of each timed step, by label


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, float, float]:
    _reset_peak()
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    CPU[label] = cpu
    peak = _peak_mb()
    load = os.getloadavg()[0]
    print(
        f"  {label:<34} {dt:9.2f} s   cpu {cpu:8.2f} s   peak RSS {peak:8.0f} MB   load {load:.1f}",
        flush=True,
    )
    return out, dt, peak


def build_db(folder: Path, n_patents: int, cpp: float, seed: int) -> tuple[Path, int]:
    from ipvalue.analytics import import_source, open_duckdb
    from ipvalue.analytics._generator import generate, write_tables

    box = {}  # dropped after writing, so that it does not count in later peaks
    box["gen"], _, _ = timed(
        f"generate {n_patents:,} patents",
        lambda: generate(n_patents, seed=seed, citations_per_patent=cpp),
    )
    timed("write parquet", lambda: write_tables(box["gen"], folder / "tables", "parquet"))
    n_cit = box.pop("gen").n_citations
    db = folder / "patents.duckdb"

    def load() -> None:
        con = open_duckdb(db)
        import_source(con, folder / "tables", "patentsview")
        con.close()

    timed("import (PatentsView importer)", load)
    return db, n_cit


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patents", type=int, default=2_000_000)
    ap.add_argument("--citations-per-patent", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--spark-patents", type=int, default=100_000)
    ap.add_argument("--pandas", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument(
        "--breakdown",
        action="store_true",
        help="also print CPU seconds per step: each CTE of the SQL alone, and pandas step by step",
    )
    args = ap.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="ipv-bench-") as tmp:
        db, n_cit = build_db(Path(tmp), args.patents, args.citations_per_patent, args.seed)
        print(f"data: {args.patents:,} patents, {n_cit:,} US-patent citations (seed {args.seed})")
        sql, t_sql, _ = timed("DuckDB SQL (hand-written)", lambda: sql_indicators(db))
        ibis_out, t_ibis, _ = timed("Ibis pipeline on DuckDB", lambda: ibis_indicators(db))
        compare(ibis_out, sql, "ibis vs sql")
        c_sql, c_ibis = CPU["DuckDB SQL (hand-written)"], CPU["Ibis pipeline on DuckDB"]
        print(
            f"  Ibis / SQL time ratio: {t_ibis / t_sql:.2f}x wall, {c_ibis / c_sql:.2f}x cpu "
            "(target <= 1.2x)"
        )
        laps = Laps()
        if args.pandas:
            pdf, t_pd, _ = timed("pandas", lambda: pandas_indicators(db, laps))
            compare(ibis_out, pdf, "ibis vs pandas")
            print(
                f"  pandas / Ibis time ratio: {t_pd / t_ibis:.2f}x wall, "
                f"{CPU['pandas'] / c_ibis:.2f}x cpu (target >= 5x)"
            )
        del sql, ibis_out
        if args.breakdown:
            print("  CPU seconds per step (SQL: each CTE alone, its dependencies included)")
            for name, cpu in sql_breakdown(db).items():
                print(f"    SQL {name:<28} {cpu:8.2f} s")
            for name, cpu in laps.steps.items():
                print(f"    pandas {name:<25} {cpu:8.2f} s")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if args.spark_patents > 0:
        from ipvalue.analytics import IndicatorOptions, compute_indicators, spark_session

        with tempfile.TemporaryDirectory(prefix="ipv-bench-spark-") as tmp:
            db, n_cit = build_db(
                Path(tmp), args.spark_patents, args.citations_per_patent, args.seed
            )
            spark = spark_session()
            spark.sparkContext.setLogLevel("ERROR")
            opts = IndicatorOptions(valuation_date=VDATE, scheme="CPC")
            _, t_duck, _ = timed(
                "Ibis on DuckDB (Spark-size data)", lambda: compute_indicators(db, opts)
            )
            _, t_spark, _ = timed(
                "Ibis on Spark (local[2])",
                lambda: compute_indicators(db, opts, engine="spark", spark=spark),
            )
            print(
                f"  Spark data: {args.spark_patents:,} patents, {n_cit:,} citations; "
                f"Spark / DuckDB time ratio {t_spark / t_duck:.1f}x (driver RSS only)"
            )
            spark.stop()


if __name__ == "__main__":
    main()
