"""Evidence files of a stored version: recorded at save, re-checked before a recalculation.

A case may name data files (``patent_evidence.indicators_file``, ``…cycle_time_file``,
``framework_inputs.<market>.….*_file``). The stored version keeps the case as given, but the
files live outside the database and can later change or disappear. At save the store records,
per file, the case field, the absolute path the valuation read and the file's SHA-256 — taken
from the result's ``patent_evidence`` trace (``<prefix>.file`` / ``<prefix>.sha256``) when the
engine recorded it, else hashed at save. Before a recalculation the files are hashed again: a
missing file gives ``evidence_file_missing`` and a different hash ``evidence_file_changed``
(both errors), so a different recalculated value is never reported as a calculation fault.

Pure functions over the case and result JSON, plus the file hashing at the edges.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipvalue.cases._checks import QualityFinding

#: Top-level case keys whose ``*_file`` values are data files read by the valuation (the same
#: keys the loader anchors to the case file's folder, see ``frameworks._case_paths``).
_ROOTS = ("patent_evidence", "framework_inputs")


@dataclass(frozen=True)
class EvidenceRecord:
    """One data file a valuation read: the case field naming it, its path, its SHA-256."""

    field: str
    path: str
    sha256: str


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes as 64 hex digits (read in blocks: files can be large)."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_fields(case: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(dotted field, path)`` of every non-empty ``*_file`` string under the evidence keys,
    also those of each portfolio asset (``assets.<i>.…``), in document order."""
    for root in _ROOTS:
        yield from _walk(case.get(root), root)
    assets = case.get("assets")
    if isinstance(assets, list):
        for i, asset in enumerate(assets):
            if isinstance(asset, Mapping):
                for field, path in file_fields(asset):
                    yield f"assets.{i}.{field}", path


def _walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for k, v in node.items():
            here = f"{where}.{k}"
            if str(k).endswith("_file") and isinstance(v, str) and v.strip():
                yield here, v
            else:
                yield from _walk(v, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{where}.{i}")


def traced_hashes(result: Mapping[str, Any]) -> dict[str, str]:
    """``path -> sha256`` of every file the result's trace records (``<prefix>.file`` next to
    ``<prefix>.sha256`` in a step's detail)."""
    out: dict[str, str] = {}
    for step in result.get("trace") or []:
        detail = step.get("detail") if isinstance(step, Mapping) else None
        if not isinstance(detail, Mapping):
            continue
        for key, value in detail.items():
            if key.endswith(".sha256") and isinstance(value, str):
                path = detail.get(key[: -len("sha256")] + "file")
                if isinstance(path, str):
                    out[str(Path(path).resolve())] = value
    return out


def record_evidence(case: Mapping[str, Any], result: Mapping[str, Any]) -> list[EvidenceRecord]:
    """The evidence files of a valuation, to store with the version.

    Parameters
    ----------
    case : mapping
        The case as valued, with paths anchored as the engine read them (relative paths are
        resolved against the working directory, as the engine does for a mapping).
    result : mapping
        The result JSON; its trace supplies the hash the engine computed when it read a file,
        so the record is the hash of exactly the bytes valued.

    Returns
    -------
    list of EvidenceRecord
        One per ``*_file`` field, with the absolute path. A named file that does not exist is
        left out: the engine did not read it (it would have refused the case otherwise).
    """
    traced = traced_hashes(result)
    out = []
    for field, given in file_fields(case):
        path = Path(given).expanduser().resolve()
        sha = traced.get(str(path))
        if sha is None:
            if not path.is_file():
                continue
            sha = file_sha256(path)
        out.append(EvidenceRecord(field, str(path), sha))
    return out


def check_evidence(records: Sequence[EvidenceRecord]) -> list[QualityFinding]:
    """``evidence_file_missing`` / ``evidence_file_changed`` for each recorded file that is
    gone or whose bytes differ from those valued at save (empty: every file is as it was)."""
    out = []
    for r in records:
        path = Path(r.path)
        if not path.is_file():
            out.append(
                QualityFinding(
                    "evidence_file_missing",
                    "error",
                    r.field,
                    f"{r.path} (sha256 {r.sha256[:12]}… at save) no longer exists: the stored "
                    "valuation cannot be recalculated from its evidence; restore the file",
                    {"path": r.path, "stored_sha256": r.sha256},
                )
            )
            continue
        try:
            now = file_sha256(path)
        except OSError as exc:
            out.append(
                QualityFinding(
                    "evidence_file_missing",
                    "error",
                    r.field,
                    f"{r.path} cannot be read ({exc.strerror or exc}); the stored valuation cannot "
                    "be recalculated from its evidence",
                    {"path": r.path, "stored_sha256": r.sha256},
                )
            )
            continue
        if now != r.sha256:
            out.append(
                QualityFinding(
                    "evidence_file_changed",
                    "error",
                    r.field,
                    f"{r.path} changed since the version was saved (sha256 {now[:12]}… now, "
                    f"{r.sha256[:12]}… at save): a recalculation would value different data",
                    {"path": r.path, "stored_sha256": r.sha256, "current_sha256": now},
                )
            )
    return out


def with_recorded_paths(
    case: Mapping[str, Any], records: Sequence[EvidenceRecord]
) -> dict[str, Any]:
    """A copy of ``case`` whose evidence fields name the absolute paths read at save, so a
    recalculation reads the same files whatever the working directory."""
    out: dict[str, Any] = copy.deepcopy(dict(case))
    for r in records:
        *parents, last = r.field.split(".")
        node: Any = out
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.get(part)
            if node is None:
                break
        else:
            if isinstance(node, dict) and last in node:
                node[last] = r.path
    return out
