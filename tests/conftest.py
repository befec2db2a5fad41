"""Shared test configuration.

Integration tests (PostgreSQL, Spark, Chromium, CJK fonts) call :func:`require_service`. Locally a
missing service skips the test; with ``CI=true`` it fails, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"
EXAMPLES = REPO / "examples"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_service(name: str, available: bool, why: str = "") -> None:
    """Skip (locally) or fail (CI=true) when an integration service is missing."""
    if available:
        return
    msg = f"{name} unavailable{': ' + why if why else ''}"
    if in_ci():
        pytest.fail(f"{msg} (CI=true: integration services are required)")
    pytest.skip(msg)


def require_shared_data(path: Path) -> Path:
    """Real sample data lives in ../shared/data; it must exist in CI."""
    require_service(f"shared data {path.name}", path.exists(), str(path))
    return path


@pytest.fixture
def pg_url() -> str:
    """URL of the test PostgreSQL server started by scripts/test.sh."""
    url = os.environ.get("IPVALUE_TEST_PG_URL", "")
    require_service("PostgreSQL", bool(url), "set IPVALUE_TEST_PG_URL (scripts/test.sh does)")
    return url


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``ipvalue ARGS...`` in-process; returns ``(exit_code, stdout, stderr)``."""
    from ipvalue.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        # main() registers the command groups once per process (ipvalue.cli._register_all).
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
