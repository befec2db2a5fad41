"""USPTO grant full-text XML ("red book", ``<us-patent-grant>``, DTD v4.0–v4.7) → canonical rows.

Weekly files are many XML documents concatenated, each with its own ``<?xml …?>`` declaration;
the file is split on those declarations and each document parsed with lxml (no DTD loading, no
network, no entity expansion). Malformed XML raises ``InputError`` naming the file and the line
in the weekly file; a well-formed document that is not a grant, or lacks its publication number,
is skipped and reported.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd
from lxml import etree

from ipvalue.analytics._schema import us_doc_number
from ipvalue.analytics._store import CanonicalBatch, ImportIssue
from ipvalue.core.errors import InputError

_DECL = re.compile(rb"<\?xml[^>]*\?>")
_APP_NUMBER = re.compile(r"^\d{4}/?\d{7}$")
_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True, recover=False
)


def _xml_files(source: Path) -> list[Path]:
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in (".xml", ".zip"))
        if not files:
            raise InputError("--source", f"{source} contains no .xml or .zip files")
        return files
    return [source]


def _read_bytes(path: Path) -> bytes:
    if path.suffix.lower() != ".zip":
        return path.read_bytes()
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.lower().endswith(".xml")]
            if len(members) != 1:
                raise InputError(
                    str(path), f"zip must contain exactly one .xml file, found {len(members)}"
                )
            return zf.read(members[0])
    except zipfile.BadZipFile as exc:
        raise InputError(str(path), f"is not a readable zip archive ({exc})") from exc


def split_documents(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Yield ``(first line number, document bytes)`` for each concatenated XML document."""
    starts = [m.start() for m in _DECL.finditer(data)] or [0]
    if data[: starts[0]].strip():
        starts.insert(0, 0)
    line = 1 + data.count(b"\n", 0, starts[0])
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[s:e]
        if chunk.strip():
            yield line, chunk
        line += chunk.count(b"\n")


def _t(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    if found is None:
        return None
    text = "".join(found.itertext()).strip()
    return text or None


def _date(text: str | None) -> date | None:
    """``YYYYMMDD``; day ``00`` → the 1st (month precision), month ``00`` → unknown."""
    if not text or len(text) != 8 or not text.isdigit():
        return None
    y, m, d = int(text[:4]), int(text[4:6]), int(text[6:8])
    if m == 0:
        return None
    try:
        return date(y, m, max(d, 1))
    except ValueError:
        return None


def _ipc_old(code: str) -> tuple[str, str]:
    """Edition-7 IPC ``F25D 2312`` → (``F25D23/12``, ``F25D``)."""
    sub4 = code[:4]
    group = code[4:7].strip()
    subgroup = code[7:].strip()
    full = sub4 + (group + ("/" + subgroup if subgroup else "") if group else "")
    return full, sub4


def _classes(bib: etree._Element, pub_id: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i, c in enumerate(bib.iterfind("classifications-ipcr/classification-ipcr")):
        sub4 = "".join(_t(c, k) or "" for k in ("section", "class", "subclass"))
        group, subgroup = _t(c, "main-group"), _t(c, "subgroup")
        rows.append(
            {
                "pub_id": pub_id,
                "scheme": "IPC",
                "seq": i,
                "code_full": sub4 + (f"{group}/{subgroup}" if group else ""),
                "section": sub4[:1] or None,
                "subclass4": sub4 or None,
                "first": _t(c, "symbol-position") == "F",
                "inventive": _t(c, "classification-value") == "I",
            }
        )
    old = bib.find("classification-ipc")
    if old is not None and not rows:
        codes = [_t(old, "main-classification")] + [
            "".join(e.itertext()).strip() for e in old.iterfind("further-classification")
        ]
        for i, code in enumerate(c for c in codes if c):
            full, sub4 = _ipc_old(code)
            rows.append(
                {
                    "pub_id": pub_id,
                    "scheme": "IPC",
                    "seq": i,
                    "code_full": full,
                    "section": sub4[:1],
                    "subclass4": sub4,
                    "first": i == 0,
                    "inventive": None,
                }
            )
    for i, c in enumerate(bib.iterfind("classifications-cpc/*/classification-cpc")):
        sub4 = "".join(_t(c, k) or "" for k in ("section", "class", "subclass"))
        group, subgroup = _t(c, "main-group"), _t(c, "subgroup")
        rows.append(
            {
                "pub_id": pub_id,
                "scheme": "CPC",
                "seq": i,
                "code_full": sub4 + (f"{group}/{subgroup}" if group else ""),
                "section": sub4[:1] or None,
                "subclass4": sub4 or None,
                "first": i == 0,
                "inventive": _t(c, "classification-value") == "I",
            }
        )
    nat = bib.find("classification-national")
    if nat is not None:
        codes = [_t(nat, "main-classification")] + [
            "".join(e.itertext()).strip() for e in nat.iterfind("further-classification")
        ]
        for i, code in enumerate(c for c in codes if c):
            rows.append(
                {
                    "pub_id": pub_id,
                    "scheme": "USPC",
                    "seq": i,
                    "code_full": code,
                    "section": None,
                    "subclass4": None,
                    "first": i == 0,
                    "inventive": None,
                }
            )
    loc = _t(bib, "classification-locarno/main-classification")
    if loc:
        rows.append(
            {
                "pub_id": pub_id,
                "scheme": "LOCARNO",
                "seq": 0,
                "code_full": loc,
                "section": None,
                "subclass4": None,
                "first": True,
                "inventive": None,
            }
        )
    return rows


def _citations(bib: etree._Element, pub_id: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    refs = bib.find("references-cited")
    if refs is None:
        refs = bib.find("us-references-cited")
    if refs is None:
        return rows
    for i, c in enumerate(refs):
        category = _t(c, "category")
        pat = c.find("patcit")
        if pat is not None:
            country = (_t(pat, "document-id/country") or "").upper() or None
            number = _t(pat, "document-id/doc-number") or ""
            kind = _t(pat, "document-id/kind")
            if country == "US" and (
                (kind or "").startswith("A1")
                or (kind or "") in ("A2", "A9")
                or _APP_NUMBER.match(number)
            ):
                origin, doc = "us_application", "US-" + number.replace("/", "")
            elif country == "US":
                origin, doc = "us_patent", "US-" + us_doc_number(number)
            else:
                origin = "foreign"
                doc = f"{country}-{number.replace(' ', '')}" if country else ""
            rows.append(
                {
                    "citing_pub_id": pub_id,
                    "seq": i,
                    "origin": origin,
                    "cited_doc_id": doc if number and doc else None,
                    "cited_raw_number": number or None,
                    "cited_country": country,
                    "cited_kind": kind,
                    "cited_date": _date(_t(pat, "document-id/date")),
                    "category": category,
                }
            )
            continue
        npl = c.find("nplcit")
        if npl is not None:
            rows.append(
                {
                    "citing_pub_id": pub_id,
                    "seq": i,
                    "origin": "npl",
                    "npl_text": _t(npl, "othercit"),
                    "category": category,
                }
            )
    return rows


def _name(book: etree._Element | None) -> str | None:
    if book is None:
        return None
    org = _t(book, "orgname")
    if org:
        return org
    parts = [_t(book, "first-name"), _t(book, "last-name")]
    return " ".join(p for p in parts if p) or None


def _parties(bib: etree._Element, pub_id: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i, a in enumerate(bib.iterfind("assignees/assignee")):
        book = a.find("addressbook")
        name = _name(book if book is not None else a)
        rows.append(
            {
                "pub_id": pub_id,
                "role": "assignee",
                "seq": i,
                "name_raw": name,
                "name_norm": name.upper() if name else None,
                "country": _t(a, "addressbook/address/country") or _t(a, "address/country"),
            }
        )
    inventors = bib.findall("parties/inventors/inventor") + bib.findall(
        "us-parties/inventors/inventor"
    )
    if not inventors:  # DTD v4.0/4.1: inventors are applicants of type applicant-inventor
        inventors = [
            a
            for a in bib.iterfind("parties/applicants/applicant")
            if a.get("app-type") == "applicant-inventor"
        ]
    for i, inv in enumerate(inventors):
        name = _name(inv.find("addressbook"))
        rows.append(
            {
                "pub_id": pub_id,
                "role": "inventor",
                "seq": i,
                "name_raw": name,
                "name_norm": name.upper() if name else None,
                "country": _t(inv, "addressbook/address/country"),
            }
        )
    return rows


def parse_grant(root: etree._Element) -> dict[str, list[dict[str, object]]] | None:
    """Canonical rows of one ``<us-patent-grant>`` element (None when it has no number)."""
    bib = root.find("us-bibliographic-data-grant")
    if bib is None:
        return None
    number = _t(bib, "publication-reference/document-id/doc-number")
    if not number:
        return None
    country = _t(bib, "publication-reference/document-id/country") or "US"
    kind = _t(bib, "publication-reference/document-id/kind")
    doc = us_doc_number(number)
    pub_id = f"{country}-{doc}" + (f"-{kind}" if kind else "")
    grant = _date(_t(bib, "publication-reference/document-id/date"))
    app = bib.find("application-reference")
    prios = []
    for i, p in enumerate(bib.iterfind("priority-claims/priority-claim")):
        prios.append(
            {
                "pub_id": pub_id,
                "seq": i,
                "prio_number": _t(p, "doc-number"),
                "prio_country": _t(p, "country"),
                "prio_date": _date(_t(p, "date")),
            }
        )
    prio_dates = [p["prio_date"] for p in prios if p["prio_date"] is not None]
    ext = _t(bib, "us-term-of-grant/us-term-extension")
    claims = _t(bib, "number-of-claims")
    abstract = root.find("abstract")
    pub = {
        "pub_id": pub_id,
        "doc_id": f"{country}-{doc}",
        "source_id": doc,
        "country": country,
        "kind": kind,
        "patent_type": app.get("appl-type") if app is not None else None,
        "app_id": _t(app, "document-id/doc-number"),
        "filing_date": _date(_t(app, "document-id/date")),
        "pub_date": grant,
        "grant_date": grant,
        "priority_date": min(prio_dates) if prio_dates else None,  # type: ignore[type-var]
        "title": _t(bib, "invention-title"),
        "abstract": " ".join("".join(abstract.itertext()).split())
        if abstract is not None
        else None,
        "n_claims": int(claims) if claims and claims.isdigit() else None,
        "lang": (root.get("lang") or "").lower() or None,
        "term_extension_days": int(ext) if ext and ext.isdigit() else None,
        "citations_listed": True,
        "source": "uspto-xml",
    }
    return {
        "publication": [pub],
        "citation": _citations(bib, pub_id),
        "classification": _classes(bib, pub_id),
        "party": _parties(bib, pub_id),
        "priority": prios,
    }


def read_uspto_xml(
    source: Path, *, progress: Callable[[str], None] | None = None
) -> CanonicalBatch:
    """Parse every grant in a weekly file, a ``.zip`` of one, or a folder of them."""
    rows: dict[str, list[dict[str, object]]] = {
        k: [] for k in ("publication", "citation", "classification", "party", "priority")
    }
    issues: list[ImportIssue] = []
    for path in _xml_files(source):
        if progress:
            progress(path.name)
        for line, chunk in split_documents(_read_bytes(path)):
            try:
                root = etree.fromstring(chunk, _PARSER)
            except etree.XMLSyntaxError as exc:
                err_line = line + (exc.lineno or 1) - 1
                raise InputError(
                    f"{path}:{err_line}", f"must be well-formed XML ({exc.msg})"
                ) from exc
            if root.tag != "us-patent-grant":
                issues.append(
                    ImportIssue(
                        str(path), line, f"<{root.tag}> is not a us-patent-grant document; skipped"
                    )
                )
                continue
            parsed = parse_grant(root)
            if parsed is None:
                issues.append(
                    ImportIssue(str(path), line, "grant without publication number; skipped")
                )
                continue
            for table, items in parsed.items():
                rows[table].extend(items)
    batch = CanonicalBatch(issues=issues)
    for table, items in rows.items():
        batch.add(table, pd.DataFrame(items))
    pubs = batch.tables["publication"]
    if pubs.empty:
        raise InputError(str(source), "contains no us-patent-grant documents")
    dup = pubs.duplicated("pub_id", keep="last")
    for pid in pubs.loc[dup, "pub_id"]:
        issues.append(ImportIssue(str(source), None, f"{pid} appears more than once; last kept"))
    batch.tables["publication"] = pubs.loc[~dup]
    return batch
