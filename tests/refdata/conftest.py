"""Fixtures: an isolated override folder wired through the ``refdata_dir`` setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ipvalue.core.settings import get_settings


@pytest.fixture
def override_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty override folder set as ``IPVALUE_REFDATA_DIR`` for the test."""
    folder = tmp_path / "refdata"
    folder.mkdir()
    monkeypatch.setenv("IPVALUE_REFDATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _no_user_overrides(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see the packaged tables unless they ask for ``override_dir``."""
    monkeypatch.delenv("IPVALUE_REFDATA_DIR", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
