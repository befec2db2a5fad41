"""A hand-made indicators file and cycle-time file for the evidence tests.

Six patents in two cohorts; empty cells are undefined values (never 0). Expected peer figures
are computed by hand in the tests from these rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

INDICATORS_CSV = """\
patent_id,grant_date,filing_date,fwd_cits5,bwd_cits,claims,cohort,window_complete,expiry_date,remaining_life,quality_index
P1,2015-03-03,2013-01-10,4,10,20,2015 H,true,2033-01-10,8.0,0.6
P2,2015-05-05,2013-02-01,2,8,10,2015 H,true,2033-02-01,8.1,0.3
P3,2015-06-06,2013-03-01,4,,15,2015 H,true,2033-03-01,8.2,0.5
P4,2015-07-07,2013-04-01,,12,30,2015 H,false,2033-04-01,8.3,0.2
P5,2016-01-01,2014-01-01,10,20,5,2016 G,false,2034-01-01,9.0,0.9
P6,2016-02-02,2014-02-02,0,5,25,2016 G,true,2034-02-02,9.1,0.0
"""

CYCLE_CSV = """\
scheme,code,n_patents,n_ages,q1,q2,q3,mean
IPC,H01M,3,120,4.0,7.5,10.0,8.0
CPC,H01M,3,118,4.1,7.6,10.2,8.1
IPC,G06N,2,40,2.0,3.0,5.0,3.5
IPC,A01B,1,2,,,,
"""


def provenance(kind: str, **kw: Any) -> dict[str, Any]:
    base = {
        "kind": kind,
        "software_version": "0.1.0",
        "created_at": "2024-11-30T10:00:00Z",
        "source": ["/data/ipg.xml"],
        "format": "uspto-xml",
        "engine": "duckdb",
        "options": {"generality": "oecd"},
        "valuation_date": "2024-11-30",
        "data_cutoff": "2024-10-01",
        "rows": 6,
        "sha256": None,
    }
    return {**base, **kw}


def write_with_sidecar(path: Path, text: str, kind: str, **kw: Any) -> Path:
    from ipvalue.analytics._provenance import sha256_file

    path.write_text(text)
    record = provenance(kind, **kw)
    if record.get("sha256") is None:
        record["sha256"] = sha256_file(path)
    Path(str(path) + ".meta.json").write_text(json.dumps(record))
    return path


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    """``ind.csv`` and ``ct.csv`` with sidecars (cutoff 2024-10-01, before 2024-12-31)."""
    write_with_sidecar(tmp_path / "ind.csv", INDICATORS_CSV, "indicators")
    write_with_sidecar(tmp_path / "ct.csv", CYCLE_CSV, "cycle_time", valuation_date=None)
    return tmp_path
