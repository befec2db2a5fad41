"""CLI commands for the patents_explore domain (owned by the patents_explore work stream)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the top-level app."""
