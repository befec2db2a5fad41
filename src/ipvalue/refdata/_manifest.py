"""Refdata version: compilation date + content hash of the packaged files, and each table's
source, date and method.

``data/manifest.json`` records the SHA-256 of every packaged file; a test fails when a file
changes without the manifest. Regenerate after updating a table with
``python -m ipvalue.refdata._manifest``. Its ``tables`` section states, per table, where the
figures come from (``source``), how recent they are (``source_date``) and how the table was
made (``method``). The research-drop tables share one entry text; generated tables
(``fx_history``) get theirs from their build script (``scripts/build_fx_history.py``), and
regenerating the manifest keeps it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ipvalue.refdata._schema import DROP_DATE, DROP_SOURCE, TABLES
from ipvalue.refdata._tables import DATA_DIR, load_tables, override_hash

MANIFEST = DATA_DIR / "manifest.json"
COMPILED = "2026-11-23"

_DROP_ENTRY = {
    "source": f"{DROP_SOURCE}; every row (or column group) names its own source and date",
    "source_date": DROP_DATE,
    "method": "compiled by the research drop from the sources named in the table; "
    "figures as published (percentages in percent)",
}


def _recorded_tables(data_dir: Path) -> dict[str, dict[str, object]]:
    path = data_dir / "manifest.json"
    if not path.is_file():
        return {}
    tables = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    return dict(tables) if isinstance(tables, dict) else {}


def build_manifest(
    data_dir: Path = DATA_DIR,
    compiled: str = COMPILED,
    tables: dict[str, dict[str, object]] | None = None,
) -> dict[str, object]:
    """Manifest dict for the files in ``data_dir`` (CSV tables and README).

    Parameters
    ----------
    data_dir : Path
        Folder of the packaged files.
    compiled : str
        Compilation date of the drop (first part of the version).
    tables : dict, optional
        Per-table ``source`` / ``source_date`` / ``method`` entries to record; tables not
        given keep the entry already in ``data_dir/manifest.json``, and research-drop tables
        without one get the drop's entry.
    """
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.iterdir())
        if p.suffix in (".csv", ".md")
    }
    content = hashlib.sha256("".join(f"{k}={v}\n" for k, v in files.items()).encode())
    recorded = _recorded_tables(data_dir) | (tables or {})
    entries = {name: recorded.get(name, _DROP_ENTRY) for name in TABLES}
    return {
        "compiled": compiled,
        "content_hash": content.hexdigest(),
        "version": f"{compiled}+{content.hexdigest()[:12]}",
        "files": files,
        "tables": entries,
    }


def write_manifest(
    data_dir: Path = DATA_DIR, tables: dict[str, dict[str, object]] | None = None
) -> dict[str, object]:
    """Rewrite ``data_dir/manifest.json`` from the files present (see :func:`build_manifest`)."""
    manifest = build_manifest(data_dir, tables=tables)
    (data_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest


def packaged_version() -> str:
    """Version of the packaged tables, e.g. ``2026-11-23+1a2b3c4d5e6f``."""
    return str(json.loads(MANIFEST.read_text(encoding="utf-8"))["version"])


def refdata_version(refdata_dir: Path | None = None) -> str:
    """Packaged version plus ``+override.<hash>`` when override files are in use."""
    version = packaged_version()
    h = override_hash(load_tables(refdata_dir))
    return f"{version}+override.{h}" if h else version


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    write_manifest()
    print(MANIFEST.read_text(encoding="utf-8"))
