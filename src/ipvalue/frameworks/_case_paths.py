"""File paths inside ``framework_inputs`` and ``patent_evidence`` are relative to the case file,
not the working directory.

A case names data files (``framework_inputs.KR.life.cycle_time_file``,
``patent_evidence.indicators_file``) the way a valuer writes them next to the case; the loader
anchors every relative ``*_file`` value to the case file's folder so that
``ipvalue value cases/kr.yaml`` and ``cd cases && ipvalue value kr.yaml`` read the same file.
Absolute paths and ``~`` are kept as given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["anchor_paths"]


def anchor_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """A copy of case ``data`` whose relative ``*_file`` strings under ``framework_inputs`` and
    ``patent_evidence`` (also those of each portfolio asset) are made relative to ``base``; other
    keys untouched.

    Non-string values are left for schema validation to reject.
    """
    out = dict(data)
    if isinstance(out.get("framework_inputs"), dict):
        out["framework_inputs"] = _walk(out["framework_inputs"], base)
    if isinstance(out.get("patent_evidence"), dict):
        out["patent_evidence"] = _walk(out["patent_evidence"], base)
    assets = out.get("assets")
    if isinstance(assets, list):
        out["assets"] = [anchor_paths(a, base) if isinstance(a, dict) else a for a in assets]
    return out


def _walk(node: Any, base: Path) -> Any:
    if isinstance(node, dict):
        return {
            k: _anchor(v, base) if str(k).endswith("_file") else _walk(v, base)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_walk(v, base) for v in node]
    return node


def _anchor(value: Any, base: Path) -> Any:
    if not isinstance(value, str) or not value.strip():
        return value
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else base / p)
