"""Every setting must be documented (datasette-style registry check)."""

from __future__ import annotations

from pathlib import Path

from ipvalue.core.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`IPVALUE_{name.upper()}`" not in text]
    assert not missing, f"undocumented settings in docs/settings.md: {missing}"


def test_every_setting_has_help_text() -> None:
    empty = [n for n, f in Settings.model_fields.items() if not (f.description or "").strip()]
    assert not empty


def test_environment_overrides(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IPVALUE_MC_PATHS", "1234")
    assert Settings().mc_paths == 1234
