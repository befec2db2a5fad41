"""Synthetic PatentsView-format tables whose distributions follow the real samples.

Vectorised numpy, seeded. Grant years, codes per patent, subclass frequencies, claims, grant
lags, references per patent (US patents / US applications / foreign), cited-patent ages, term
extensions and foreign-citation offices are drawn from ``data/generator_profile.json`` (measured
on the real samples; sources inside). Citations to patents granted before the first generated
grant point at numbers outside the data (as real PatentsView citations of pre-1976 patents do).
WIPO fields (``g_wipo_technology``) follow from the generated codes through the WIPO
IPC–technology concordance (:mod:`ipvalue.analytics.wipo_fields`, Schmoch 2008), as PatentsView
derives them: every distinct field of a patent's codes, in code order, with the table's
"not with A61K" rule; a patent whose codes have no field (CPC-only ``Y`` codes) has no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ipvalue.analytics._profile import load_profile
from ipvalue.analytics.wipo_fields import SECTORS, field_rule, fields
from ipvalue.core.errors import InputError

FIRST_ID = 10_000_001


@dataclass(frozen=True)
class GeneratedTables:
    """Arrow tables named as PatentsView publishes them, plus what was asked for."""

    tables: dict[str, pa.Table]
    seed: int
    n_patents: int
    n_citations: int


def _draw(rng: np.random.Generator, hist: dict[str, list[Any]], size: int) -> np.ndarray:
    values = np.asarray(hist["values"])
    p = np.asarray(hist["counts"], dtype=np.float64)
    return values[rng.choice(len(values), size=size, p=p / p.sum())]


def _scaled_counts(
    rng: np.random.Generator, hist: dict[str, list[Any]], size: int, factor: float
) -> np.ndarray:
    """Counts drawn from ``hist`` times ``factor``, stochastically rounded (mean preserved)."""
    raw = _draw(rng, hist, size).astype(np.float64) * factor
    base = np.floor(raw)
    return (base + (rng.random(size) < raw - base)).astype(np.int64)


def _seq(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within runs of equal, sorted group ids."""
    idx = np.arange(len(groups))
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    run = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    return idx - run


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("int32"), pa.int32()).cast(pa.date32())


def _ids(index: np.ndarray) -> pa.Array:
    """Patent numbers as int64 (PatentsView ``patent_id`` text is digits; importers read both)."""
    return pa.array(index + FIRST_ID)


def _cat(indices: np.ndarray, labels: Any) -> pa.Array:
    """Categorical strings without building millions of Python strings."""
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int32)), pa.array(labels)
    ).cast(pa.string())


def generate(n_patents: int, *, seed: int, citations_per_patent: float = 10.0) -> GeneratedTables:
    """Generate PatentsView tables for ``n_patents`` grants.

    Parameters
    ----------
    n_patents : number of granted patents (≥ 1).
    seed : random seed (recorded in the result).
    citations_per_patent : mean US-patent references per patent; the real sample's distribution
        shape is kept and rescaled to this mean (the real mean is ≈ 16). Application and
        foreign references are rescaled by the same factor.
    """
    if n_patents < 1:
        raise InputError("--patents", "must be >= 1")
    if citations_per_patent < 0:
        raise InputError("--citations-per-patent", "must be >= 0")
    prof = load_profile()
    rng = np.random.default_rng(seed)
    n = n_patents
    years = _draw(rng, prof["grant_years"], n).astype(np.int64)
    jan1_days = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    grant = np.sort(jan1_days + rng.integers(0, 365, n))
    filing = grant - _draw(rng, prof["grant_lag_days"], n).astype(np.int64)
    idx = np.arange(n)

    us_hist = prof["refs_us_patent"]
    real_mean = float(np.average(us_hist["values"], weights=us_hist["counts"]))
    factor = citations_per_patent / real_mean if real_mean else 0.0
    tables: dict[str, pa.Table] = {}
    tables["g_patent"] = pa.table(
        {
            "patent_id": _ids(idx),
            "patent_type": _cat(np.zeros(n), ["utility"]),
            "patent_date": _dates(grant),
            "patent_title": _cat(np.zeros(n), ["Synthetic invention"]),
            "wipo_kind": _cat(
                rng.choice(
                    len(prof["kinds"]["values"]),
                    size=n,
                    p=np.asarray(prof["kinds"]["counts"]) / np.sum(prof["kinds"]["counts"]),
                ),
                prof["kinds"]["values"],
            ),
            "num_claims": pa.array(_draw(rng, prof["claims"], n).astype(np.int64)),
            "withdrawn": pa.array(np.zeros(n, dtype=np.int64)),
        }
    )
    tables["g_application"] = pa.table(
        {
            "application_id": pa.array(idx + 20_000_000_000),
            "patent_id": _ids(idx),
            "filing_date": _dates(filing),
        }
    )
    tables.update(_classes(rng, prof, n))
    tables.update(_citations(rng, prof, grant, factor))
    ext = _draw(rng, prof["term_extension_days"], n).astype(np.int64)
    tables["g_us_term_of_grant"] = pa.table(
        {"patent_id": _ids(idx), "term_extension": pa.array(ext)}
    )
    pool = max(1, n // 10)
    assignee = (rng.zipf(1.6, n) - 1) % pool
    tables["g_assignee_disambiguated"] = pa.table(
        {
            "patent_id": _ids(idx),
            "assignee_sequence": pa.array(np.zeros(n, dtype=np.int64)),
            "assignee_id": pa.array(assignee),
            "disambig_assignee_organization": _cat(
                assignee, [f"Assignee {i} Co." for i in range(pool)]
            ),
        }
    )
    n_cit = tables["g_us_patent_citation"].num_rows
    return GeneratedTables(tables=tables, seed=seed, n_patents=n, n_citations=n_cit)


def _classes(rng: np.random.Generator, prof: dict[str, Any], n: int) -> dict[str, pa.Table]:
    k = np.minimum(_draw(rng, prof["codes_per_patent"], n).astype(np.int64), 20)
    owner = np.repeat(np.arange(n), k)
    m = len(owner)
    subs = np.asarray(prof["subclasses"]["values"])
    sub_idx = rng.choice(
        len(subs),
        size=m,
        p=np.asarray(prof["subclasses"]["counts"]) / np.sum(prof["subclasses"]["counts"]),
    )
    seq = _seq(owner)
    first_pos = np.repeat(np.r_[0, np.cumsum(k)[:-1]], k)
    same = (seq > 0) & (rng.random(m) < 0.6)  # most further codes share the first subclass
    sub_idx = np.where(same, sub_idx[first_pos], sub_idx)
    # codes come from a vocabulary subclass × main group 1–99 × 10 subgroups (dictionary-encoded)
    subgroups = ["00", "02", "04", "06", "08", "10", "12", "14", "16", "18"]
    vocab = [f"{sc}{g}/{sg}" for sc in subs for g in range(1, 100) for sg in subgroups]
    main_idx = rng.integers(0, 99, m)  # main group main_idx + 1
    code_idx = sub_idx * 990 + main_idx * 10 + rng.integers(0, 10, m)
    cpc = pa.table(
        {
            "patent_id": _ids(owner),
            "cpc_sequence": pa.array(seq),
            "cpc_section": _cat(sub_idx, [x[0] for x in subs]),
            "cpc_class": _cat(sub_idx, [x[:3] for x in subs]),
            "cpc_subclass": _cat(sub_idx, list(subs)),
            "cpc_group": _cat(code_idx, vocab),
            "cpc_type": _cat((seq > 0).astype(np.int32), ["inventive", "additional"]),
        }
    )
    wipo = _wipo_fields(subs, owner, sub_idx, main_idx)
    return {"g_cpc_current": cpc, "g_wipo_technology": wipo}


def _wipo_fields(
    subs: np.ndarray, owner: np.ndarray, sub_idx: np.ndarray, main_idx: np.ndarray
) -> pa.Table:
    """``g_wipo_technology`` from the codes by the concordance (one lookup per subclass × main
    group of the vocabulary, then vectorised over the codes)."""
    field = np.zeros((len(subs), 99), dtype=np.int64)  # 0: no field
    not_with = np.full((len(subs), 99), "", dtype=object)
    for i, sc in enumerate(subs):
        for g in range(99):
            rule = field_rule(f"{sc}{g + 1}/00")
            if rule is not None:
                field[i, g], not_with[i, g] = rule[0].field_id, rule[1] or ""
    f = field[sub_idx, main_idx]
    nw = not_with[sub_idx, main_idx]
    n_owner = int(owner.max()) + 1 if len(owner) else 0
    for prefix in {x for x in nw if x}:
        # the table's "(C07…, C12…) not A61K": such codes do not count beside an A61K code
        has = (
            np.bincount(
                owner,
                weights=np.char.startswith(subs.astype(str), prefix)[sub_idx],
                minlength=n_owner,
            )
            > 0
        )
        f = np.where((nw == prefix) & has[owner], 0, f)
    keep = f > 0
    who, fid = owner[keep], f[keep]
    _, first = np.unique(who * 64 + fid, return_index=True)  # each field once per patent
    first.sort()  # code order: owners ascending, then first appearance
    who, fid = who[first], fid[first]
    names = fields()
    ids = sorted(names)
    pos = np.searchsorted(ids, fid)
    sectors = list(SECTORS)
    return pa.table(
        {
            "patent_id": _ids(who),
            "wipo_field_sequence": pa.array(_seq(who)),
            "wipo_field_id": pa.array(fid),
            "wipo_sector_title": _cat(
                np.asarray([sectors.index(names[i].sector) for i in ids])[pos], sectors
            ),
            "wipo_field_title": _cat(pos, [names[i].field_en for i in ids]),
        }
    )


def _citations(
    rng: np.random.Generator, prof: dict[str, Any], grant: np.ndarray, factor: float
) -> dict[str, pa.Table]:
    n = len(grant)
    out: dict[str, pa.Table] = {}
    m = _scaled_counts(rng, prof["refs_us_patent"], n, factor)
    citing = np.repeat(np.arange(n), m)
    age = (
        _draw(rng, prof["cited_age_years"], len(citing)).astype(np.float64)
        + rng.random(len(citing))
    ) * 365.25
    target = grant[citing] - age.astype(np.int64)
    pos = np.searchsorted(grant, target, side="right") - 1  # latest patent granted on/before target
    internal = (pos >= 0) & (pos < citing)
    cited_num = np.where(
        internal, pos + FIRST_ID, rng.integers(3_000_000, FIRST_ID - 1, len(citing))
    )
    cited_date = np.where(internal, grant[np.clip(pos, 0, n - 1)], target)
    key = citing * (1 << 32) + cited_num
    _, first = np.unique(key, return_index=True)  # one reference per (citing, cited) pair
    first.sort()
    citing, cited_num, cited_date = citing[first], cited_num[first], cited_date[first]
    out["g_us_patent_citation"] = pa.table(
        {
            "patent_id": _ids(citing),
            "citation_sequence": pa.array(_seq(citing)),
            "citation_patent_id": pa.array(cited_num),
            "citation_date": _dates(cited_date),
            "citation_category": _cat(
                (rng.random(len(citing)) < 0.6).astype(np.int32),
                ["cited by examiner", "cited by applicant"],
            ),
        }
    )
    for table, hist, number_col in (
        ("g_us_application_citation", "refs_us_application", "citation_document_number"),
        ("g_foreign_citation", "refs_foreign", "citation_application_id"),
    ):
        m = _scaled_counts(rng, prof[hist], n, factor)
        who = np.repeat(np.arange(n), m)
        number = rng.integers(10**9, 10**10, len(who))
        when = grant[who] - rng.integers(200, 4000, len(who))
        cols: dict[str, Any] = {
            "patent_id": _ids(who),
            "citation_sequence": pa.array(_seq(who) + 1000),
            number_col: pa.array(number),
            "citation_date": _dates(when),
        }
        if table == "g_foreign_citation":
            fc = prof["foreign_countries"]
            p = np.asarray(fc["counts"], dtype=np.float64)
            cols["citation_country"] = _cat(
                rng.choice(len(p), size=len(who), p=p / p.sum()), fc["values"]
            )
        out[table] = pa.table(cols)
    return out


def write_tables(
    generated: GeneratedTables, out_dir: str | Path, fmt: Literal["tsv", "parquet"] = "tsv"
) -> list[Path]:
    """Write each table as ``<name>.tsv`` (PatentsView layout) or ``<name>.parquet``."""
    if fmt not in ("tsv", "parquet"):
        raise InputError("--format", "must be tsv or parquet")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in generated.tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(table, path, pacsv.WriteOptions(delimiter="\t", quoting_style="needed"))
        paths.append(path)
    return paths
