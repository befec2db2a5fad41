"""The manifest pins the packaged data: version = compilation date + content hash."""

from __future__ import annotations

import json

from ipvalue.refdata import packaged_version
from ipvalue.refdata._manifest import MANIFEST, build_manifest


def test_manifest_matches_packaged_files() -> None:
    recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert recorded == build_manifest(), "data changed: run python -m ipvalue.refdata._manifest"


def test_version_format() -> None:
    v = packaged_version()
    date_part, hash_part = v.split("+")
    assert date_part == "2026-11-23" and len(hash_part) == 12
    assert set(build_manifest()["files"]) >= {  # type: ignore[call-overload]
        "README.md",
        "country_parameters.csv",
        "fx_reference.csv",
        "royalty_rates.csv",
    }
