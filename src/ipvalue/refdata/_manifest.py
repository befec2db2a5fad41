"""Refdata version: compilation date + content hash of the packaged files.

``data/manifest.json`` records the SHA-256 of every packaged file; a test fails when a file
changes without the manifest. Regenerate after updating a table with
``python -m ipvalue.refdata._manifest``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ipvalue.refdata._tables import DATA_DIR, load_tables, override_hash

MANIFEST = DATA_DIR / "manifest.json"
COMPILED = "2026-11-23"


def build_manifest(data_dir: Path = DATA_DIR, compiled: str = COMPILED) -> dict[str, object]:
    """Manifest dict for the files in ``data_dir`` (CSV tables and README)."""
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.iterdir())
        if p.suffix in (".csv", ".md")
    }
    content = hashlib.sha256("".join(f"{k}={v}\n" for k, v in files.items()).encode())
    return {
        "compiled": compiled,
        "content_hash": content.hexdigest(),
        "version": f"{compiled}+{content.hexdigest()[:12]}",
        "files": files,
    }


def packaged_version() -> str:
    """Version of the packaged tables, e.g. ``2026-11-23+1a2b3c4d5e6f``."""
    return str(json.loads(MANIFEST.read_text(encoding="utf-8"))["version"])


def refdata_version(refdata_dir: Path | None = None) -> str:
    """Packaged version plus ``+override.<hash>`` when override files are in use."""
    version = packaged_version()
    h = override_hash(load_tables(refdata_dir))
    return f"{version}+override.{h}" if h else version


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    MANIFEST.write_text(json.dumps(build_manifest(), indent=2) + "\n", encoding="utf-8")
    print(MANIFEST.read_text(encoding="utf-8"))
