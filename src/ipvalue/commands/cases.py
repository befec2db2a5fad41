"""CLI commands for the cases domain (owned by the cases work stream)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the top-level app."""
