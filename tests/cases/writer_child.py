"""Child process for the crash and concurrency tests: saves cases and acknowledges each one.

Usage: python writer_child.py URL ORG USER COUNT [CASE_ID]
Prints ``ACK case_id version_no content_sha256`` after each committed save (flushed), so the
parent knows which saves were acknowledged before it kills this process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cases_helpers import fake_evaluator, source

from ipvalue.cases import CaseStore
from ipvalue.core.db import read_session


def main() -> None:
    url, org, user, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    case_id = int(sys.argv[5]) if len(sys.argv) > 5 else None
    from ipvalue.core.db import make_engine

    store = CaseStore(make_engine(url), evaluator=fake_evaluator)
    for i in range(count):
        r = store.save(
            source(os.getpid() * 1000 + i, royalty=0.03 + 0.001 * (i % 9)),
            org=org,
            user=user,
            case_id=case_id,
        )
        with read_session(store.engine) as s:
            sha = store.org(s, org).version(r.case_id, r.version_no).content_sha256
        print(f"ACK {r.case_id} {r.version_no} {sha}", flush=True)


if __name__ == "__main__":
    main()
