"""The in-memory patent corpus that landscapes, emerging detection and similarity work on.

A :class:`PatentCorpus` is a small normalised view of the canonical tables (PATENTS.md §3.3):
one row per patent plus long tables for classes, assignees, WIPO fields and citations. It is built
either from the canonical tables (:func:`corpus_from_tables`) or from one plain pandas frame
(:func:`corpus_from_frame`), so every computation can be tested without a database. Building
validates the input and raises :class:`~ipvalue.core.errors.InputError` naming the column or row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from ipvalue.core.errors import InputError

DateBasis = Literal["filing", "priority", "publication", "grant"]
DATE_BASES: tuple[str, ...] = ("filing", "priority", "publication", "grant")

# IPC/CPC subclass: section letter, two-digit class, subclass letter (e.g. H01M).
_SUBCLASS = re.compile(r"^[A-HY]\d\d[A-Z]")
_SPLIT = re.compile(r"\s*(?:;;|;|\|)\s*")

PATENT_COLUMNS = ("pub_id", "office", "date", "year", "title", "abstract")


@dataclass(frozen=True)
class PatentCorpus:
    """Patents and their classes, assignees, fields and citations.

    Attributes
    ----------
    patents : DataFrame
        One row per patent: ``pub_id`` (unique str), ``office`` (str or missing), ``date``
        (datetime64, the date named by ``date_basis``; NaT when unknown), ``year`` (Int64),
        ``title``, ``abstract`` (str, empty when unknown); optional ``source_id``, ``doc_id``
        (identifiers of the source) and ``family_key`` (see :func:`count_families`).
    classes : DataFrame
        ``pub_id, scheme, code, subclass`` — one row per distinct (patent, code); ``subclass`` is
        the 4-character IPC/CPC subclass (``H01M``).
    assignees : DataFrame
        ``pub_id, name`` (+ ``country`` when known) — one row per distinct (patent, normalised
        assignee name); from canonical tables, applicants only where a patent has no assignee.
    fields : DataFrame
        ``pub_id, field_id, field_title`` — WIPO technology fields (35-field scheme).
    citations : DataFrame
        ``citing, cited`` — distinct citation edges (cited may lie outside the corpus).
    date_basis : str
        Which date ``date``/``year`` hold: filing, priority, publication or grant.
    source : str
        Where the corpus came from (file, table or "frame"), for the report.
    warnings : tuple of str
        What building dropped or could not read (e.g. class codes that are not IPC/CPC).
    """

    patents: pd.DataFrame
    classes: pd.DataFrame
    assignees: pd.DataFrame
    fields: pd.DataFrame
    citations: pd.DataFrame
    date_basis: str
    source: str = "frame"
    warnings: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.patents)

    @property
    def years(self) -> pd.Series:
        """Year of each patent indexed by ``pub_id`` (missing years dropped)."""
        p = self.patents.dropna(subset=["year"])
        return pd.Series(p["year"].astype(int).to_numpy(), index=p["pub_id"].to_numpy())

    def subset(self, pub_ids: Iterable[str]) -> PatentCorpus:
        """The corpus restricted to ``pub_ids`` (citations kept when the citing patent is kept)."""
        keep = set(pub_ids)
        return PatentCorpus(
            patents=self.patents[member(self.patents["pub_id"], keep)].reset_index(drop=True),
            classes=self.classes[member(self.classes["pub_id"], keep)].reset_index(drop=True),
            assignees=self.assignees[member(self.assignees["pub_id"], keep)].reset_index(drop=True),
            fields=self.fields[member(self.fields["pub_id"], keep)].reset_index(drop=True),
            citations=self.citations[member(self.citations["citing"], keep)].reset_index(drop=True),
            date_basis=self.date_basis,
            source=self.source,
            warnings=self.warnings,
        )


def member(values: pd.Series, universe: Iterable[object]) -> np.ndarray:
    """``values.isin(universe)`` through a hash table on object arrays.

    pandas' Arrow-string ``isin`` converts every element of ``universe`` to an Arrow scalar, which
    took seconds per call on 100,000 patents; object arrays hash once.
    """
    if not isinstance(universe, pd.Index | pd.Series | np.ndarray | list):
        universe = list(universe)
    pool = pd.Index(np.asarray(universe, dtype=object))
    return values.astype(object).isin(pool).to_numpy(dtype=bool)


def subclass_of(code: str) -> str | None:
    """4-character IPC/CPC subclass of a class code, or None when it is not one.

    Spaces and a leading scheme prefix are ignored: ``"H01M 10/052"`` → ``"H01M"``,
    ``"C07D41700"`` (WIPO packed IPC) → ``"C07D"``; ``"426/231"`` (USPC) → None.
    """
    c = code.strip().upper().replace(" ", "")
    m = _SUBCLASS.match(c)
    return m.group(0) if m else None


def split_multi(value: object) -> list[str]:
    """Split a multi-valued cell (``;;`` Lens, ``;`` CSV, ``|`` WIPO) or pass a list through."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [v for v in (s.strip() for s in _SPLIT.split(value)) if v]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value).strip()]


def normalise_name(name: str) -> str:
    """Assignee name for grouping: upper case, single spaces, trailing punctuation removed.

    Legal-form variants (INC vs INCORPORATED) are not merged: disambiguation is the importer's
    job (PatentsView ships disambiguated names), and guessing would move concentration figures.
    """
    return re.sub(r"\s+", " ", name).strip().strip(".,;").upper()


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _parse_dates(values: pd.Series, column: str, dayfirst: bool) -> pd.Series:
    """Parse dates; a non-empty value that does not parse is an InputError naming its row."""
    text = values.astype("string").str.strip()
    blank = text.isna() | (text == "")
    iso = pd.to_datetime(text.where(~blank), errors="coerce", format="ISO8601")
    if dayfirst:
        # Lens exports write dd/mm/yy; ISO strings parse above, the rest here.
        alt = pd.to_datetime(text.where(~blank & iso.isna()), errors="coerce", format="%d/%m/%y")
        iso = iso.fillna(alt)
    bad = ~blank & iso.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"{column}[{row}]", f"must be a date (YYYY-MM-DD), got {text.iloc[row]!r}")
    return iso


def corpus_from_frame(
    frame: pd.DataFrame,
    *,
    date_column: str = "date",
    date_basis: DateBasis = "publication",
    dayfirst: bool = False,
    source: str = "frame",
) -> PatentCorpus:
    """Build a corpus from one frame with one row per patent.

    Parameters
    ----------
    frame : DataFrame
        Required column ``pub_id``. Optional: ``office``, ``title``, ``abstract``, the date
        column, ``classes`` (CPC/IPC codes, a list or a ``;``/``;;``/``|``-separated string),
        ``assignees`` (same), ``wipo_field`` (same), ``cites`` (cited ``pub_id`` values) and
        ``family_id``.
    date_column : str
        Column holding the date that ``year`` is taken from.
    date_basis : {"filing", "priority", "publication", "grant"}
        What that date is; recorded on the corpus and shown in reports.
    dayfirst : bool
        Also accept ``dd/mm/yy`` dates (Lens exports).
    source : str
        Label for reports.

    Returns
    -------
    PatentCorpus

    Raises
    ------
    InputError
        ``pub_id`` missing, empty or duplicated; a date that does not parse; an unknown
        ``date_basis``.

    Notes
    -----
    Class codes that are not IPC/CPC (e.g. USPC ``426/231``) are dropped and counted in
    ``warnings``. A missing date leaves ``year`` missing; such patents are left out of
    year-based tables (and the count is reported there), never given year 0.
    """
    if date_basis not in DATE_BASES:
        raise InputError("date_basis", f"must be one of {', '.join(DATE_BASES)}")
    if "pub_id" not in frame.columns:
        raise InputError("pub_id", "column is required (one patent identifier per row)")
    ids = frame["pub_id"].astype("string").str.strip()
    if ids.isna().any() or (ids == "").any():
        row = int((ids.isna() | (ids == "")).to_numpy().nonzero()[0][0])
        raise InputError(f"pub_id[{row}]", "must not be empty")
    dup = ids.duplicated()
    if dup.any():
        raise InputError("pub_id", f"must be unique; {ids[dup].iloc[0]!r} appears more than once")
    n = len(frame)

    def text(col: str) -> list[str]:
        if col not in frame.columns:
            return [""] * n
        return [str(v) if isinstance(v, str) else "" for v in frame[col].tolist()]

    if date_column in frame.columns:
        dates = _parse_dates(frame[date_column], date_column, dayfirst)
    else:
        dates = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if "office" in frame.columns:
        office = frame["office"].astype("string").str.strip().str.upper()
        office = office.mask(office == "")
    else:
        office = pd.Series(pd.NA, index=frame.index, dtype="string")
    patents = pd.DataFrame(
        {
            "pub_id": ids.to_numpy(dtype=object),
            "office": office.to_numpy(dtype=object),
            "date": dates.to_numpy(),
            "year": pd.array(dates.dt.year, dtype="Int64"),
            "title": text("title"),
            "abstract": text("abstract"),
        }
    )
    if "family_id" in frame.columns:
        fam = frame["family_id"].astype("string").str.strip()
        patents["family_key"] = fam.mask(fam == "").to_numpy(dtype=object)
    id_list = patents["pub_id"].tolist()
    warnings: list[str] = []

    class_rows: list[tuple[str, str, str, str]] = []
    dropped = 0
    if "classes" in frame.columns:
        scheme = str(frame.attrs.get("class_scheme", "CPC"))
        for pid, cell in zip(id_list, frame["classes"].tolist(), strict=True):
            for code in split_multi(cell):
                sub = subclass_of(code)
                if sub is None:
                    dropped += 1
                    continue
                class_rows.append((pid, scheme, code.upper().replace(" ", ""), sub))
    if dropped:
        warnings.append(f"{dropped} class codes are not IPC/CPC codes and were left out")
    classes = (
        pd.DataFrame(class_rows, columns=["pub_id", "scheme", "code", "subclass"])
        .drop_duplicates(["pub_id", "code"])
        .reset_index(drop=True)
        if class_rows
        else _empty(["pub_id", "scheme", "code", "subclass"])
    )
    assignees = _long(frame, id_list, "assignees", "name", normalise_name)
    fields = _long(frame, id_list, "wipo_field", "field_id", str)
    if not fields.empty:
        fields["field_title"] = ""
    else:
        fields = _empty(["pub_id", "field_id", "field_title"])
    cites = _long(frame, id_list, "cites", "cited", str).rename(columns={"pub_id": "citing"})
    if cites.empty:
        cites = _empty(["citing", "cited"])
    return PatentCorpus(
        patents=patents,
        classes=classes,
        assignees=assignees,
        fields=fields,
        citations=cites,
        date_basis=date_basis,
        source=source,
        warnings=tuple(warnings),
    )


def _long(frame: pd.DataFrame, ids: list[str], col: str, name: str, norm: object) -> pd.DataFrame:
    if col not in frame.columns:
        return _empty(["pub_id", name])
    rows = [
        (pid, norm(v))  # type: ignore[operator]
        for pid, cell in zip(ids, frame[col].tolist(), strict=True)
        for v in split_multi(cell)
    ]
    out = pd.DataFrame(rows, columns=["pub_id", name]) if rows else _empty(["pub_id", name])
    return out[out[name] != ""].drop_duplicates().reset_index(drop=True)


def corpus_from_tables(
    publication: pd.DataFrame,
    *,
    classification: pd.DataFrame | None = None,
    party: pd.DataFrame | None = None,
    tech_field: pd.DataFrame | None = None,
    citation: pd.DataFrame | None = None,
    date_basis: DateBasis = "filing",
    schemes: Sequence[str] = ("CPC", "IPC"),
    source: str = "canonical tables",
) -> PatentCorpus:
    """Build a corpus from the canonical tables of PATENTS.md §3.3.

    Parameters
    ----------
    publication : DataFrame
        ``pub_id, country, filing_date, pub_date, grant_date, priority_date, title, abstract``
        (the date named by ``date_basis`` is required; others optional).
    classification : DataFrame, optional
        ``pub_id, scheme, code_full, subclass4``.
    party : DataFrame, optional
        ``pub_id, role, name_norm`` (or ``name_raw``); rows with role ``assignee``/``applicant``
        are used.
    tech_field : DataFrame, optional
        ``pub_id, wipo_field_id`` (``wipo_field_title`` optional).
    citation : DataFrame, optional
        ``citing_pub_id, cited_pub_id`` (rows without ``cited_pub_id`` are ignored).
    date_basis : {"filing", "priority", "publication", "grant"}
        Which date gives the year of a patent.
    schemes : sequence of str
        Classification schemes to use, first present wins (CPC before IPC by default, so that a
        patent with both is not counted twice in class tables).

    Raises
    ------
    InputError
        Missing required columns or malformed dates.
    """
    if date_basis not in DATE_BASES:
        raise InputError("date_basis", f"must be one of {', '.join(DATE_BASES)}")
    date_col = {
        "filing": "filing_date",
        "priority": "priority_date",
        "publication": "pub_date",
        "grant": "grant_date",
    }[date_basis]
    for col in ("pub_id", date_col):
        if col not in publication.columns:
            raise InputError(f"publication.{col}", "column is required")
    frame = pd.DataFrame(
        {
            "pub_id": publication["pub_id"],
            "office": publication["country"] if "country" in publication.columns else pd.NA,
            "date": publication[date_col],
            "title": publication.get("title", ""),
            "abstract": publication.get("abstract", ""),
        }
    )
    corpus = corpus_from_frame(frame, date_basis=date_basis, source=source)
    known = pd.Index(corpus.patents["pub_id"].to_numpy())  # Index: isin() hashes once
    classes = corpus.classes
    if classification is not None and not classification.empty:
        for col in ("pub_id", "scheme", "code_full"):
            if col not in classification.columns:
                raise InputError(f"classification.{col}", "column is required")
        c = classification[member(classification["pub_id"], known)].copy()
        c["scheme"] = c["scheme"].astype(str).str.upper()
        present = [s for s in schemes if (c["scheme"] == s).any()]
        # Per patent keep the first scheme in `schemes` that it has.
        rank = {s: i for i, s in enumerate(schemes)}
        c = c[c["scheme"].isin(present)]
        c["rank"] = c["scheme"].map(rank)
        best = c.groupby("pub_id")["rank"].transform("min")
        c = c[c["rank"] == best]
        codes = c["code_full"].astype(str).str.upper().str.replace(" ", "", regex=False)
        sub = c["subclass4"] if "subclass4" in c.columns else codes.map(subclass_of)
        classes = (
            pd.DataFrame(
                {
                    "pub_id": c["pub_id"].to_numpy(),
                    "scheme": c["scheme"].to_numpy(),
                    "code": codes.to_numpy(),
                    "subclass": sub.to_numpy(),
                }
            )
            .dropna(subset=["subclass"])
            .drop_duplicates(["pub_id", "code"])
            .reset_index(drop=True)
        )
    assignees = corpus.assignees
    if party is not None and not party.empty:
        name_col = "name_norm" if "name_norm" in party.columns else "name_raw"
        if name_col not in party.columns or "pub_id" not in party.columns:
            raise InputError("party.name_norm", "column is required (or name_raw)")
        p = party[member(party["pub_id"], known)]
        if "role" in p.columns:
            # Owners first: applicants count only for patents without an assignee (pre-AIA US
            # applicants are the inventors, not the owners).
            roles = {"assignee": 0, "owner": 0, "applicant": 1}
            role_rank = p["role"].astype(str).str.lower().map(roles)
            p = p[role_rank.notna()]
            role_rank = role_rank[role_rank.notna()]
            p = p[role_rank == role_rank.groupby(p["pub_id"]).transform("min")]
        names = p[name_col].astype("string").fillna("").map(normalise_name)
        country = (
            p["country"].astype("string").str.strip().str.upper()
            if "country" in p.columns
            else pd.Series(pd.NA, index=p.index, dtype="string")
        )
        assignees = (
            pd.DataFrame(
                {
                    "pub_id": p["pub_id"].to_numpy(),
                    "name": names.to_numpy(),
                    "country": country.mask(country == "").to_numpy(dtype=object),
                }
            )
            .query("name != ''")
            .drop_duplicates(["pub_id", "name"])
            .reset_index(drop=True)
        )
    fields = corpus.fields
    if tech_field is not None and not tech_field.empty:
        t = tech_field[member(tech_field["pub_id"], known)]
        fields = pd.DataFrame(
            {
                "pub_id": t["pub_id"].to_numpy(),
                "field_id": t["wipo_field_id"].astype(str).to_numpy(),
                "field_title": (
                    t["wipo_field_title"].astype(str).to_numpy()
                    if "wipo_field_title" in t.columns
                    else ""
                ),
            }
        ).drop_duplicates(["pub_id", "field_id"])
    citations = corpus.citations
    if citation is not None and not citation.empty:
        e = citation.dropna(subset=["cited_pub_id"])
        e = e[member(e["citing_pub_id"], known)]
        citations = (
            pd.DataFrame(
                {"citing": e["citing_pub_id"].astype(str), "cited": e["cited_pub_id"].astype(str)}
            )
            .drop_duplicates()
            .reset_index(drop=True)
        )
    return PatentCorpus(
        patents=corpus.patents,
        classes=classes,
        assignees=assignees,
        fields=fields,
        citations=citations,
        date_basis=date_basis,
        source=source,
        warnings=corpus.warnings,
    )


def count_families(corpus: PatentCorpus) -> PatentCorpus:
    """One record per patent family instead of one per document.

    A family is the ``family_key`` column of ``patents`` (family id, or the set of priority
    numbers); documents without a key are families of their own. Each family is represented by
    its earliest document (date, then ``pub_id``), so it counts once, in the year and office of
    its first filing. The family's classes, assignees and WIPO fields are the union over its
    members; citations between members disappear and citations to members point to the
    representative.

    Returns the corpus unchanged (with a warning) when no family key is known.
    """
    p = corpus.patents
    if "family_key" not in p.columns or p["family_key"].isna().all():
        return replace(
            corpus,
            warnings=(*corpus.warnings, "no family data: documents are counted, not families"),
        )
    key = p["family_key"].astype("string").fillna("doc:" + p["pub_id"].astype(str))
    order = p.assign(_key=key).sort_values(["_key", "date", "pub_id"], na_position="last")
    rep = order.drop_duplicates("_key").set_index("_key")["pub_id"]
    to_rep = pd.Series(rep.reindex(key).to_numpy(), index=p["pub_id"].to_numpy())

    def remap(frame: pd.DataFrame, col: str, subset: list[str]) -> pd.DataFrame:
        out = frame.assign(**{col: to_rep.reindex(frame[col]).to_numpy()})
        return out.dropna(subset=[col]).drop_duplicates(subset).reset_index(drop=True)

    citations = corpus.citations.assign(
        citing=to_rep.reindex(corpus.citations["citing"]).to_numpy(),
        cited=[to_rep.get(c, c) for c in corpus.citations["cited"]],
    )
    citations = citations[citations["citing"] != citations["cited"]].drop_duplicates()
    n_docs, n_fam = len(p), len(rep)
    return replace(
        corpus,
        patents=p[member(p["pub_id"], rep)].reset_index(drop=True),
        classes=remap(corpus.classes, "pub_id", ["pub_id", "code"]),
        assignees=remap(corpus.assignees, "pub_id", ["pub_id", "name"]),
        fields=remap(corpus.fields, "pub_id", ["pub_id", "field_id"]),
        citations=citations.reset_index(drop=True),
        source=f"{corpus.source} [{n_docs:,} documents counted as {n_fam:,} families]",
    )


def select_patents(
    corpus: PatentCorpus,
    *,
    classes: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    terms: Sequence[str] | None = None,
    offices: Sequence[str] | None = None,
) -> PatentCorpus:
    """The patents of a technology: all given criteria must hold (AND); within one, any (OR).

    Parameters
    ----------
    classes : sequence of str, optional
        Class code prefixes (``H01M``, ``H01M10/05``); spaces ignored, case-insensitive.
    years : (int, int), optional
        Inclusive year range (patents without a year are dropped when given).
    terms : sequence of str, optional
        Words or phrases, matched case-insensitively as whole words in title or abstract.
    offices : sequence of str, optional
        Issuing offices (``KR``, ``JP`` …).

    Raises
    ------
    InputError
        A class prefix that is not a code, an inverted year range, or an empty selection.
    """
    keep = pd.Series(True, index=corpus.patents.index)
    p = corpus.patents
    if classes:
        prefixes = [c.strip().upper().replace(" ", "") for c in classes if c.strip()]
        if not prefixes or any(not re.match(r"^[A-HY]", c) for c in prefixes):
            raise InputError("--select-class", "must be CPC/IPC code prefixes such as H01M")
        hit = corpus.classes["code"].str.startswith(tuple(prefixes))
        keep &= member(p["pub_id"], corpus.classes.loc[hit, "pub_id"].unique())
    if years is not None:
        if years[1] < years[0]:
            raise InputError("--select-years", "end year must not be before start year")
        keep &= p["year"].between(years[0], years[1]).fillna(False).astype(bool)
    if terms:
        words = [t.strip() for t in terms if t.strip()]
        if not words:
            raise InputError("--select-text", "must name at least one word")
        pattern = r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
        text = p["title"].fillna("") + " " + p["abstract"].fillna("")
        keep &= text.str.contains(pattern, case=False, regex=True)
    if offices:
        keep &= p["office"].isin([o.strip().upper() for o in offices])
    ids = p.loc[keep, "pub_id"]
    if ids.empty:
        raise InputError("--select", "no patent matches the selection")
    return corpus.subset(ids)
