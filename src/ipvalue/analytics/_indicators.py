"""Per-patent indicators as one Ibis expression (runs unchanged on DuckDB and PySpark).

Definitions (issue 4, PATENTS.md §1) for the canonical tables:

* ``fwd_cits5`` — distinct citing documents in the data granted 0…``fwd_window_days`` (1,826)
  days after the focal grant date; NULL when the focal has no grant date or its source lists no
  references (Lens exports).
* ``bwd_cits`` — distinct patent documents cited (US patents + US applications + foreign);
  non-patent literature excluded; NULL when the source lists no references.
* ``patent_scope`` — distinct 4-character subclasses of the focal's codes (chosen scheme).
* ``claims``, ``grant_lag`` (grant − filing date, days).
* ``generality`` — over every citing document present in the data and classified. OECD form
  (default): each citing document has weight 1 spread evenly over its codes,
  ``1 − Σ_j s_j²``; HJT form: each citing document counts once in its first subclass. With
  ``bias_correction`` the value is multiplied by ``N/(N−1)`` (Hall 2005; NULL for ``N < 2``).
* ``originality`` — the same over the cited documents present in the data.
* ``radicalness`` — among all codes of the cited documents present in the data, the share whose
  subclass is not one of the focal's subclasses; NULL when the focal is unclassified.
* ``tct`` — median age, in years of 365.25 days, of the cited US patents: focal grant date − cited
  date (the date on the citation, else the cited document's grant date).
* ``family_size`` — distinct offices among the family members in ``family``; else the size the
  source reported; else NULL.
* ``breakthrough`` — 1 when ``fwd_cits5 ≥`` the cohort's 99th percentile (linear interpolation)
  and ``fwd_cits5 > 0``; cohorts are grant year × first WIPO field, else grant year × CPC/IPC
  section of the first code.
* ``remaining_life`` — years (365.25 d) from the valuation date to expiry, floored at 0: utility
  and plant = filing + 20 years + term extension; design = grant + 14 years (15 when filed on or
  after 2015-05-13).
* ``quality_index`` — mean of the available cohort-normalised components fwd_cits5,
  family_size, claims, generality (OECD ``quality_index_4``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from ipvalue.analytics._schema import PATENT_ORIGINS
from ipvalue.core.errors import InputError

DAYS_PER_YEAR = 365.25
DESIGN_15Y_FROM = date(2015, 5, 13)  # Hague implementation: 15-year design term for filings since

#: Output columns, in order.
INDICATOR_COLUMNS: tuple[str, ...] = (
    "patent_id",
    "pub_id",
    "grant_date",
    "filing_date",
    "fwd_cits5",
    "bwd_cits",
    "patent_scope",
    "claims",
    "grant_lag",
    "generality",
    "originality",
    "radicalness",
    "tct",
    "family_size",
    "cohort",
    "breakthrough",
    "window_complete",
    "expiry_date",
    "remaining_life",
    "quality_index",
)


@dataclass(frozen=True)
class IndicatorOptions:
    """Conventions of an indicator run (recorded with the output).

    Parameters
    ----------
    valuation_date : date
        Reference date for ``remaining_life``.
    scheme : {"auto", "CPC", "IPC"}
        Classification for scope, generality, originality, radicalness and the section cohort;
        ``auto`` uses CPC when the data has any CPC codes, else IPC.
    generality : {"oecd", "hjt"}
        Fractional OECD form or Hall–Jaffe–Trajtenberg (first subclass) form, for generality and
        originality alike.
    bias_correction : bool
        Multiply generality/originality by ``N/(N−1)`` (NULL for ``N < 2``).
    fwd_window_days : int
        Forward-citation window, inclusive (1,826 days = 5 years).
    breakthrough_quantile : float
        Cohort quantile a patent must reach to count as breakthrough (0.99 = top 1 %).
    normalisation : {"p99_winsor", "trim1_max"}
        Cohort normalisation of quality components: ``min(x, p99)/p99``, or KIPRO's recipe
        (drop values outside p1…p99, divide by the cohort maximum of the rest, cap at 1).
    min_cohort_size : int
        Smallest cohort to normalise within (>= 1; 1 = no fallback). Sizes count every patent
        carrying the cohort (grant date and a field or section), whether or not a component is
        present. A patent whose year × WIPO-field cohort is smaller falls back to year × section
        of its first code (all patents of that year and section), then to grant year alone;
        ``cohort`` names the level used ("2020 field 6", "2020 section H", "2020").
    """

    valuation_date: date
    scheme: Literal["auto", "CPC", "IPC"] = "auto"
    generality: Literal["oecd", "hjt"] = "oecd"
    bias_correction: bool = False
    fwd_window_days: int = 1826
    breakthrough_quantile: float = 0.99
    normalisation: Literal["p99_winsor", "trim1_max"] = "p99_winsor"
    min_cohort_size: int = 1
    resolved_scheme: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.scheme not in ("auto", "CPC", "IPC"):
            raise InputError("--scheme", "must be auto, CPC or IPC")
        if self.generality not in ("oecd", "hjt"):
            raise InputError("--generality", "must be oecd or hjt")
        if self.fwd_window_days < 0:
            raise InputError("--fwd-window-days", "must be >= 0")
        if not 0 < self.breakthrough_quantile < 1:
            raise InputError("--breakthrough-quantile", "must be strictly between 0 and 1")
        if self.normalisation not in ("p99_winsor", "trim1_max"):
            raise InputError("--normalisation", "must be p99_winsor or trim1_max")
        if isinstance(self.min_cohort_size, bool) or not isinstance(self.min_cohort_size, int):
            raise InputError("--min-cohort-size", "must be an integer >= 1")
        if self.min_cohort_size < 1:
            raise InputError("--min-cohort-size", "must be >= 1")


def resolve_scheme(tables: dict[str, ir.Table], scheme: str) -> str:
    """``auto`` → ``CPC`` when any CPC code exists, else ``IPC`` (runs one small query)."""
    if scheme != "auto":
        return scheme
    cls = tables["classification"]
    n = cls.filter(cls.scheme == "CPC").limit(1).count().execute()
    return "CPC" if int(n) > 0 else "IPC"


def _days(later: ir.DateValue, earlier: ir.DateValue) -> ir.IntegerValue:
    return later.delta(earlier, unit="day")


def _concentration(
    pairs: ir.Table, shares: ir.Table, focal: str, other: str, bias_correction: bool, name: str
) -> ir.Table:
    """``1 − Σ_j s_j²`` per focal over the ``other`` documents of each (focal, other) pair."""
    j = pairs.join(shares, pairs[other] == shares.k).select(
        focal=pairs[focal], subclass4=shares.subclass4, share=shares.share, lead=shares.lead
    )
    # pairs are distinct and ``lead`` is 1 on exactly one share row per document
    n = j.group_by("focal").aggregate(n_docs=j.lead.sum())
    s = j.group_by(["focal", "subclass4"]).aggregate(s_sum=j.share.sum())
    s = s.join(n, "focal")
    s = s.mutate(sq=(s.s_sum / s.n_docs) ** 2)
    h = s.group_by(["focal", "n_docs"]).aggregate(herf=s.sq.sum())
    value = 1.0 - h.herf
    if bias_correction:
        value = ibis.cases((h.n_docs >= 2, value * h.n_docs / (h.n_docs - 1)), else_=ibis.null())
    return h.select(k=h.focal, **{name: value.cast("float64")})


def indicator_table(
    tables: dict[str, ir.Table], opts: IndicatorOptions, *, materialize: bool = False
) -> ir.Table:
    """Build the indicator expression over canonical tables of any Ibis backend.

    ``tables`` maps canonical table names to Ibis tables of one backend. The result has the
    columns of ``INDICATOR_COLUMNS``, one row per publication. Execute it with ``.to_pyarrow()``.
    ``materialize`` caches the shared intermediate tables (edges, class shares, each component):
    Spark inlines common sub-plans and would otherwise recompute and re-optimise them many times;
    DuckDB does better with one fused plan. The citation edge list is cached on every engine
    (a temp table on DuckDB; the caller's connection must allow temp tables).
    """
    m = _cache if materialize else _identity
    scheme = opts.resolved_scheme or resolve_scheme(tables, opts.scheme)
    pub = tables["publication"]
    cit = tables["citation"]
    cls_all = tables["classification"]
    # every join below is on the integer keys the importer stored (pub_key, citing_key,
    # cited_key): DuckDB hashes and compares 13-character text ids 3-4x slower
    cls = cls_all.filter(
        (cls_all.scheme == scheme) & cls_all.subclass4.notnull() & cls_all.pub_key.notnull()
    )
    cls = m(cls.select(k=cls.pub_key, seq=cls.seq, subclass4=cls.subclass4, section=cls.section))
    clsk = cls.select("k", "subclass4")
    pcit = cit.filter(cit.origin.isin(PATENT_ORIGINS) & cit.cited_doc_id.notnull())
    # cited_key is the key of the cited document's smallest pub_id, NULL when not in the data
    edges = pcit.filter(pcit.cited_key.notnull() & pcit.citing_key.notnull())
    # always materialised: Ibis inlines the edge list into each of the four indicators that
    # use it (no shared CTE), so the engine would rebuild it four times
    edges = (
        edges.filter(edges.citing_key != edges.cited_key)
        .select(citing=edges.citing_key, cited=edges.cited_key)
        .distinct()
        .cache()
    )
    grants = pub.select(gpid=pub.pub_key, gdate=pub.grant_date)

    # forward citations within the window (edges are distinct: count, not count distinct)
    e2 = edges.join(grants, edges.citing == grants.gpid).select(
        edges.citing, edges.cited, citing_grant=grants.gdate
    )
    g2 = grants.view()
    e2 = e2.join(g2, e2.cited == g2.gpid).select(
        e2.citing, e2.cited, e2.citing_grant, cited_grant=g2.gdate
    )
    lag = _days(e2.citing_grant, e2.cited_grant)
    fwd = (
        e2.filter((lag >= 0) & (lag <= opts.fwd_window_days))
        .group_by("cited")
        .aggregate(fwd_n=ibis._.count())
        .rename(k="cited")
    )

    # documents not in the data count too, so this one needs the document numbers
    bwd = pcit.filter(pcit.citing_key.notnull())
    bwd = bwd.group_by(k=bwd.citing_key).aggregate(bwd_n=bwd.cited_doc_id.nunique())

    # classification shares; ``lead`` marks one row per document (its smallest subclass) so that
    # the number of classified documents is a sum, not a count distinct
    n_codes = clsk.group_by("k").aggregate(n_codes=clsk.count(), first_sub=clsk.subclass4.min())
    if opts.generality == "oecd":
        per = clsk.group_by(["k", "subclass4"]).aggregate(t_j=clsk.count()).join(n_codes, "k")
        shares = per.select(
            "k",
            "subclass4",
            share=(per.t_j / per.n_codes).cast("float64"),
            lead=(per.subclass4 == per.first_sub).cast("int64"),
        )
    else:
        prim = _first_of(cls, "subclass4")
        shares = prim.select(
            "k", "subclass4", share=ibis.literal(1.0, "float64"), lead=ibis.literal(1, "int64")
        )

    shares = m(shares)
    generality = _concentration(
        edges, shares, "cited", "citing", opts.bias_correction, "generality"
    )
    originality = _concentration(
        edges, shares, "citing", "cited", opts.bias_correction, "originality"
    )
    scope = cls.group_by("k").aggregate(patent_scope=cls.subclass4.nunique())

    # radicalness: codes of cited docs whose subclass the focal lacks
    codes = edges.join(clsk, edges.cited == clsk.k).select(focal=edges.citing, sub=clsk.subclass4)
    own = clsk.select(own_pub=clsk.k, own_sub=clsk.subclass4).distinct()
    flagged = codes.left_join(own, (codes.focal == own.own_pub) & (codes.sub == own.own_sub))
    flagged = flagged.select(flagged.focal, outside=flagged.own_pub.isnull().cast("int64"))
    rad = flagged.group_by("focal").aggregate(n=flagged.count(), ct=flagged.outside.sum())
    rad = rad.join(n_codes, rad.focal == n_codes.k)  # undefined for unclassified focals
    rad = rad.select(k=rad.focal, radicalness=(rad.ct / rad.n).cast("float64"))

    # technology cycle time from cited US patents
    usc = cited_ages(tables)
    tct = usc.group_by("focal").aggregate(tct_days=usc.age.median())
    tct = tct.select(k=tct.focal, tct=(tct.tct_days / DAYS_PER_YEAR).cast("float64"))

    family = _family_size(tables, pub)
    cohort, members = _cohorts(tables, pub, cls, opts.min_cohort_size)

    base = pub.select(
        "pub_id",
        "source_id",
        "grant_date",
        "filing_date",
        "n_claims",
        "patent_type",
        "term_extension_days",
        "citations_listed",
        k=pub.pub_key,
    )
    fwd = m(fwd)
    r = _lj(base, fwd, "k")
    for keyed in (bwd, generality, originality, rad, scope, tct, family, cohort):
        r = _lj(r, m(keyed), "k")
    cutoff = pub.grant_date.max().as_scalar()
    listed = r.citations_listed.fill_null(False)
    r = r.mutate(
        fwd_cits5=ibis.cases(
            (listed & r.grant_date.notnull(), r.fwd_n.fill_null(0)), else_=ibis.null()
        ).cast("int64"),
        bwd_cits=ibis.cases((listed, r.bwd_n.fill_null(0)), else_=ibis.null()).cast("int64"),
        patent_scope=r.patent_scope.cast("int64"),
        claims=r.n_claims.cast("int64"),
        grant_lag=_days(r.grant_date, r.filing_date).cast("int64"),
        window_complete=(r.grant_date + ibis.interval(days=opts.fwd_window_days)) <= cutoff,
        expiry_date=_expiry(r),
    )
    vdate = ibis.literal(opts.valuation_date, "date")
    rem = _days(r.expiry_date, vdate).cast("float64") / DAYS_PER_YEAR
    r = m(r.mutate(remaining_life=ibis.cases((rem < 0, 0.0), else_=rem)))
    r = _cohort_scores(r, opts, None if members is None else m(members))
    return r.select(
        patent_id=r.source_id,
        **{c: r[c] for c in INDICATOR_COLUMNS if c != "patent_id"},
    ).order_by("pub_id")


def cited_ages(tables: dict[str, ir.Table]) -> ir.Table:
    """``focal, cdoc, age`` (days) of every distinct cited US patent with a known date.

    ``focal`` is the citing publication's ``pub_key``. Age = focal grant date − cited date (the
    citation's date, else the earliest grant date of the cited document when it is in the data).
    Focals without a grant date are left out.
    """
    pub, cit = tables["publication"], tables["citation"]
    docs = pub.filter(pub.doc_key.notnull())
    docs = docs.group_by(dk=docs.doc_key).aggregate(cited_grant=docs.grant_date.min())
    usc = cit.filter(
        (cit.origin == "us_patent") & cit.cited_doc_id.notnull() & cit.citing_key.notnull()
    )
    usc = usc.left_join(docs, usc.cited_key == docs.dk).select(
        focal=usc.citing_key,
        cdoc=usc.cited_doc_id,
        cdate=ibis.coalesce(usc.cited_date, docs.cited_grant),
    )
    usc = usc.filter(usc.cdate.notnull()).distinct()
    grants = pub.filter(pub.grant_date.notnull()).select(gpid=pub.pub_key, gdate=pub.grant_date)
    usc = usc.join(grants, usc.focal == grants.gpid)
    return usc.select("focal", "cdoc", age=_days(usc.gdate, usc.cdate).cast("float64"))


def _expiry(r: ir.Table) -> ir.DateValue:
    ext = r.term_extension_days.fill_null(0).cast("int32").as_interval("D")
    utility = (r.filing_date + ibis.interval(years=20)).cast("date")
    design_years = ibis.cases((r.filing_date >= ibis.literal(DESIGN_15Y_FROM), 15), else_=14)
    design = ibis.cases(
        (design_years == 15, (r.grant_date + ibis.interval(years=15)).cast("date")),
        else_=(r.grant_date + ibis.interval(years=14)).cast("date"),
    )
    return ibis.cases((r.patent_type == "design", design), else_=(utility + ext).cast("date")).cast(
        "date"
    )


def _cache(t: ir.Table) -> ir.Table:
    return t.cache()


def _identity(t: ir.Table) -> ir.Table:
    return t


def _lj(left: ir.Table, right: ir.Table, key: str = "pub_id") -> ir.Table:
    """Left join on ``key`` keeping one copy of the key."""
    j = left.left_join(right, left[key] == right[key])
    return j.select(
        *[left[c] for c in left.columns], *[right[c] for c in right.columns if c != key]
    )


def _first_of(t: ir.Table, col: str) -> ir.Table:
    """``k, col`` of each document's lowest-``seq`` row (ties: smallest value); ``t`` has ``k``."""
    first = t.group_by("k").aggregate(min_seq=t.seq.min())
    j = t.join(first, (t.k == first.k) & (t.seq == first.min_seq)).select(t.k, t[col])
    return j.group_by("k").aggregate(**{col: j[col].min()})


def _family_size(tables: dict[str, ir.Table], pub: ir.Table) -> ir.Table:
    fam = tables["family"]
    offices = fam.group_by("family_id").aggregate(n_offices=fam.country.nunique())
    p = pub.select(k=pub.pub_key, family_id=pub.family_id, reported=pub.family_size_reported)
    p = p.left_join(offices, p.family_id == offices.family_id)
    return p.select(
        k=p.k,
        family_size=ibis.coalesce(p.n_offices, p.reported.cast("int64")).cast("int64"),
    )


def _cohorts(
    tables: dict[str, ir.Table], pub: ir.Table, cls: ir.Table, min_size: int = 1
) -> tuple[ir.Table, ir.Table | None]:
    """``k, cohort`` per publication, and the ``k, cohort`` membership to normalise over.

    With ``min_size`` 1 the membership is the assignment itself (returned as ``None``). Above 1 a
    patent can be normalised in a coarser cohort whose members include patents assigned to a
    finer one, so membership lists every patent under each of its three labels.
    """
    tf = tables["tech_field"]
    tf = tf.filter(tf.wipo_field_id.notnull() & tf.pub_key.notnull())
    tf = tf.select(k=tf.pub_key, seq=tf.seq, wipo_field_id=tf.wipo_field_id)
    field_ = _first_of(tf, "wipo_field_id").rename(wipo_field="wipo_field_id")
    section = _first_of(cls, "section")
    p = _lj(_lj(pub.select(k=pub.pub_key, grant_date=pub.grant_date), field_, "k"), section, "k")
    key = ibis.coalesce("field " + p.wipo_field, "section " + p.section)
    cohort = ibis.cases(
        (p.grant_date.notnull() & key.notnull(), p.grant_date.year().cast("string") + " " + key),
        else_=ibis.null(),
    )
    if min_size <= 1:
        return p.select("k", cohort=cohort), None
    year = p.grant_date.year().cast("string")
    pool = p.filter(cohort.notnull()).select(
        "k",
        lf=ibis.cases((p.wipo_field.notnull(), year + " field " + p.wipo_field), else_=ibis.null()),
        ls=ibis.cases((p.section.notnull(), year + " section " + p.section), else_=ibis.null()),
        ly=year,
    )
    for lab in ("lf", "ls", "ly"):
        sizes = (
            pool.filter(pool[lab].notnull()).group_by(lab).aggregate(**{f"n_{lab}": ibis._.count()})
        )
        pool = _lj(pool, sizes, lab)
    chosen = ibis.cases(
        (pool.n_lf >= min_size, pool.lf),
        (pool.n_ls >= min_size, pool.ls),
        else_=pool.ly,
    )
    assigned = pool.select("k", cohort=chosen)
    members = ibis.union(
        *(
            pool.filter(pool[lab].notnull()).select("k", cohort=pool[lab])
            for lab in ("lf", "ls", "ly")
        )
    )
    return assigned, members


def _cohort_scores(r: ir.Table, opts: IndicatorOptions, members: ir.Table | None) -> ir.Table:
    q = opts.breakthrough_quantile
    comps = {
        "fwd_cits5": r.fwd_cits5,
        "family_size": r.family_size,
        "claims": r.claims,
        "generality": r.generality,
    }
    if members is None:  # each patent is normalised among the patents sharing its label
        pop = r.filter(r.cohort.notnull())
    else:  # a coarse cohort also holds the patents that stayed in finer ones
        vals = r.select("k", *comps).rename(vk="k")
        pop = members.join(vals, members.k == vals.vk).select("cohort", *comps)
    stats: dict[str, Any] = {}
    for name in comps:
        x = pop[name].cast("float64")
        stats[f"hi_{name}"] = x.quantile(0.99)
        if opts.normalisation == "trim1_max":
            stats[f"lo_{name}"] = x.quantile(0.01)
    if q != 0.99:  # else the breakthrough threshold is the fwd_cits5 normalisation cap
        stats["p_fwd"] = pop.fwd_cits5.cast("float64").quantile(q)
    c = pop.group_by("cohort").aggregate(**stats)
    r = _lj(r, c, "cohort")
    if opts.normalisation == "trim1_max":
        pc = _lj(pop, c, "cohort")
        inner = {}
        for name in comps:
            x = pc[name].cast("float64")
            keep = (x >= pc[f"lo_{name}"]) & (x <= pc[f"hi_{name}"])
            inner[f"top_{name}"] = ibis.cases((keep, x), else_=ibis.null()).max()
        tops = pc.group_by("cohort").aggregate(**inner)
        r = _lj(r, tops, "cohort")
        scale = {name: r[f"top_{name}"] for name in comps}
    else:
        scale = {name: r[f"hi_{name}"] for name in comps}
    comps = {name: r[name] for name in comps}
    normed = []
    for name, col in comps.items():
        x, s = col.cast("float64"), scale[name]
        normed.append(
            ibis.cases(
                (x.isnull() | s.isnull(), ibis.null("float64")),
                (s <= 0, 0.0),
                else_=ibis.least(x, s) / s,
            )
        )
    total = sum((n.fill_null(0.0) for n in normed), ibis.literal(0.0))
    count = sum((n.notnull().cast("int64") for n in normed), ibis.literal(0))
    fwd = r.fwd_cits5.cast("float64")
    p_fwd = r.p_fwd if q != 0.99 else r.hi_fwd_cits5
    return r.mutate(
        breakthrough=ibis.cases(
            (fwd.isnull() | p_fwd.isnull(), ibis.null("int64")),
            ((fwd >= p_fwd) & (fwd > 0), 1),
            else_=0,
        ).cast("int64"),
        quality_index=ibis.cases(
            (r.cohort.isnull() | (count == 0), ibis.null("float64")), else_=total / count
        ).cast("float64"),
    )
