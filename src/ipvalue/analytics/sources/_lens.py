"""Lens.org CSV exports (and WIPO landscape exports of the same data) → canonical rows.

Lens exports: one row per publication, multi-values separated by ``;;``, dates ``dd/mm/yy`` or
ISO, old Mac (CR) or Unix line ends. Lens does not export reference lists, so forward/backward
citation indicators stay unknown (NULL); Lens's own ``Cited Count`` and family sizes are kept as
``cited_by_reported`` / ``family_size_reported``.

WIPO patent-landscape exports (``publication number, kind code, …, family members``; ``|``
separated) are read too; their family members give a family table from which family size is
recomputed as a count of distinct offices. Their IPC codes come packed (``C07D41714``: subclass,
main group in three digits, subgroup) and are stored in the usual form (``C07D417/14``), so that
they read like every other source's codes (WIPO fields, subclasses).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from ipvalue.analytics._schema import us_doc_number
from ipvalue.analytics._store import CanonicalBatch, ImportIssue
from ipvalue.core.errors import InputError

LENS_REQUIRED = ("Jurisdiction", "Kind", "Publication Number", "Publication Date", "Title")
WIPO_REQUIRED = ("publication number", "kind code", "title", "publication date", "family members")
_GRANTED_TYPES = {
    "granted patent": "utility",
    "design right": "design",
    "limited patent": "utility",
}
_PRIO = re.compile(r"^([A-Z]{2})\s+(.+?)\s+([A-Z]\d?)\s+(\d{8})$")
_WIPO_NUM = re.compile(r"^([A-Z]{2})(.+?)([A-Z]\d?)?$")
_PACKED_IPC = re.compile(r"^([A-H]\d\d[A-Z])(\d{3})(\d{2,})$")


def unpack_ipc(code: str) -> str:
    """WIPO packed IPC ``C07D41714`` → ``C07D417/14``, ``A61K031426`` → ``A61K31/426``.

    Anything else (already ``C07D417/14``, a bare subclass, not a code) is returned unchanged.
    """
    m = _PACKED_IPC.match(code)
    if m is None:
        return code
    return f"{m.group(1)}{int(m.group(2))}/{m.group(3)}"


def read_text(path: Path, encoding: str) -> str:
    """Decode a file strictly, raising ``InputError`` at the first undecodable byte's line."""
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except LookupError as exc:
        raise InputError("--encoding", f"unknown encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        line = (
            data.count(b"\n", 0, exc.start)
            + data.count(b"\r", 0, exc.start)
            - data.count(b"\r\n", 0, exc.start)
            + 1
        )
        raise InputError(
            f"{path}:{line}",
            f"must be {encoding} encoded (byte 0x{data[exc.start]:02x}); pass --encoding "
            "(e.g. cp1252, mac_roman) if the export uses another encoding",
        ) from exc
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _split(value: str, sep: str = ";;") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def _int(value: str) -> int | None:
    v = value.strip()
    return int(v) if v.isdigit() else None


def _lens_date(value: str, not_after: date | None = None, year: int | None = None) -> date | None:
    """``2013-04-25`` or ``25/04/13``. Two-digit years take the century that matches ``year``
    when given, else the latest date not after ``not_after`` (else not after today)."""
    v = value.strip()
    if not v:
        return None
    if len(v) >= 10 and v[4] == "-":
        return date.fromisoformat(v[:10])
    d, m, y2 = (int(x) for x in v.split("/"))
    if year is not None and year % 100 == y2:
        return date(year, m, d)
    limit = not_after or date.today()
    for century in (limit.year // 100 * 100, limit.year // 100 * 100 - 100):
        cand = date(century + y2, m, d)
        if cand <= limit:
            return cand
    return date(limit.year // 100 * 100 - 100 + y2, m, d)


def _ids(country: str, number: str, kind: str) -> tuple[str, str]:
    num = number.replace("/", "").replace(" ", "")
    if country == "US" and not (len(num) == 11 and num.isdigit()):
        num = us_doc_number(num)
    doc = f"{country}-{num}"
    return (f"{doc}-{kind}" if kind else doc), doc


def _classes(pub_id: str, codes: list[str], scheme: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, code in enumerate(codes):
        c = code.replace(" ", "")
        sub4 = c[:4] if scheme in ("CPC", "IPC") and len(c) >= 4 else None
        out.append(
            {
                "pub_id": pub_id,
                "scheme": scheme,
                "seq": i,
                "code_full": c,
                "section": sub4[:1] if sub4 else None,
                "subclass4": sub4,
                "first": i == 0,
                "inventive": None,
            }
        )
    return out


def _parties(pub_id: str, names: list[str], role: str) -> list[dict[str, object]]:
    return [
        {"pub_id": pub_id, "role": role, "seq": i, "name_raw": n, "name_norm": n.upper()}
        for i, n in enumerate(names)
    ]


def read_lens(
    source: Path, *, encoding: str = "utf-8", progress: Callable[[str], None] | None = None
) -> CanonicalBatch:
    """Read one Lens (or WIPO landscape) CSV export, or every ``.csv`` in a folder."""
    files = sorted(source.glob("*.csv")) if source.is_dir() else [source]
    if not files:
        raise InputError("--source", f"{source} contains no .csv files")
    rows: dict[str, list[dict[str, object]]] = {
        k: [] for k in ("publication", "classification", "party", "priority", "family")
    }
    issues: list[ImportIssue] = []
    for path in files:
        if progress:
            progress(path.name)
        reader = csv.reader(io.StringIO(read_text(path, encoding)))
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration as exc:
            raise InputError(f"{path}:1", "must start with a header row") from exc
        wipo = "publication number" in header
        required = WIPO_REQUIRED if wipo else LENS_REQUIRED
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(str(path), f"missing required column(s) {', '.join(missing)}")
        col = {h: i for i, h in enumerate(header)}
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(f"{path}:{reader.line_num}", f"must be valid CSV ({exc})") from exc
            line = reader.line_num
            if not any(f.strip() for f in rec):
                continue
            if len(rec) != len(header):
                issues.append(
                    ImportIssue(
                        str(path),
                        line,
                        f"has {len(rec)} fields, header has {len(header)}; not loaded",
                    )
                )
                continue
            r = {h: rec[i] for h, i in col.items()}
            try:
                parsed = _wipo_row(r) if wipo else _lens_row(r)
            except (ValueError, IndexError) as exc:
                issues.append(ImportIssue(str(path), line, f"unreadable value ({exc}); not loaded"))
                continue
            for table, items in parsed.items():
                rows[table].extend(items)
    batch = CanonicalBatch(issues=issues)
    for table, items in rows.items():
        if items:
            batch.add(table, pd.DataFrame(items))
    pubs = batch.tables.get("publication")
    if pubs is None or pubs.empty:
        raise InputError(str(source), "contains no publications")
    dup = pubs.duplicated("pub_id", keep="first")
    for pid in pubs.loc[dup, "pub_id"]:
        issues.append(ImportIssue(str(source), None, f"{pid} appears more than once; first kept"))
    batch.tables["publication"] = pubs.loc[~dup]
    return batch


def _lens_row(r: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    country, kind = r["Jurisdiction"].strip(), r["Kind"].strip()
    parts = r["Publication Number"].split()
    if len(parts) < 2:
        raise ValueError(f"Publication Number {r['Publication Number']!r}")
    number = "".join(parts[1:-1]) if parts[-1] == kind and len(parts) > 2 else "".join(parts[1:])
    pub_id, doc_id = _ids(country, number, kind)
    year = _int(r.get("Publication Year", ""))
    pub_date = _lens_date(r["Publication Date"], year=year)
    filing = _lens_date(r.get("Application Date", ""), not_after=pub_date)
    prios = []
    for i, p in enumerate(_split(r.get("Priority Numbers", ""))):
        m = _PRIO.match(p)
        prios.append(
            {
                "pub_id": pub_id,
                "seq": i,
                "prio_number": m.group(2) if m else p,
                "prio_country": m.group(1) if m else None,
                "prio_date": date(int(m.group(4)[:4]), int(m.group(4)[4:6]), int(m.group(4)[6:]))
                if m
                else None,
            }
        )
    prio_dates = [p["prio_date"] for p in prios if p["prio_date"] is not None]
    lens_type = r.get("Type", "").strip().lower()
    granted = lens_type in _GRANTED_TYPES
    pub = {
        "pub_id": pub_id,
        "doc_id": doc_id,
        "source_id": r["Publication Number"].strip(),
        "country": country,
        "kind": kind or None,
        "patent_type": _GRANTED_TYPES.get(lens_type, lens_type or None),
        "family_id": None,
        "app_id": r.get("Application Number", "").strip() or None,
        "filing_date": filing,
        "pub_date": pub_date,
        "grant_date": pub_date if granted else None,
        "priority_date": min(prio_dates) if prio_dates else None,
        "title": r["Title"].strip() or None,
        "n_claims": None,
        "cited_by_reported": _int(r.get("Cited Count", "")),
        "family_size_reported": _int(r.get("Simple Family Size", "")),
        "family_size_extended_reported": _int(r.get("Extended Family Size", "")),
        "citations_listed": False,
        "source": "lens",
    }
    return {
        "publication": [pub],
        "classification": _classes(pub_id, _split(r.get("CPC Classifications", "")), "CPC")
        + _classes(pub_id, _split(r.get("IPCR Classifications", "")), "IPC")
        + _classes(pub_id, _split(r.get("US Classifications", "")), "USPC"),
        "party": _parties(pub_id, _split(r.get("Applicants", "")), "applicant")
        + _parties(pub_id, _split(r.get("Inventors", "")), "inventor"),
        "priority": prios,
    }


def _wipo_row(r: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    raw = r["publication number"].strip()
    kind = r["kind code"].strip()
    m = _WIPO_NUM.match(raw)
    if not m:
        raise ValueError(f"publication number {raw!r}")
    country, number = m.group(1), m.group(2)
    pub_id, doc_id = _ids(country, number, kind)
    pub_date = _lens_date(r["publication date"])
    members = [x.strip() for x in r["family members"].split("|") if x.strip()]
    family_id = f"WIPO-{doc_id}"
    fam: list[dict[str, object]] = [
        {"family_id": family_id, "pub_id": x, "country": x[:2]}
        for x in dict.fromkeys([*members, raw + kind])
    ]
    granted = r.get("granted patent", "").strip().lower() == "yes"
    prio = r.get("earliest priority date", "")
    pub = {
        "pub_id": pub_id,
        "doc_id": doc_id,
        "source_id": raw,
        "country": country,
        "kind": kind or None,
        "patent_type": "utility" if granted else "application",
        "family_id": family_id,
        "filing_date": _lens_date(r.get("application date", "")),
        "pub_date": pub_date,
        "grant_date": pub_date if granted and kind.startswith(("B", "C")) else None,
        "priority_date": _lens_date(prio) if prio.strip() else None,
        "title": r["title"].strip() or None,
        "citations_listed": False,
        "family_size_reported": _int(r.get("family size", "")),
        "source": "lens",
    }
    ipcs = [unpack_ipc(c.strip()) for c in r.get("ipc classes", "").split("|") if c.strip()]
    return {
        "publication": [pub],
        "family": fam,
        "classification": _classes(pub_id, ipcs, "IPC"),
        "party": _parties(
            pub_id, [a.strip() for a in r.get("applicant", "").split("|") if a.strip()], "applicant"
        )
        + _parties(
            pub_id, [a.strip() for a in r.get("inventors", "").split("|") if a.strip()], "inventor"
        ),
    }
