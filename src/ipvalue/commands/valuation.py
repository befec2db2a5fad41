"""CLI commands for the valuation domain (owned by the valuation work stream)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the top-level app."""
    @app.command()
    def version() -> None:
        """Print the ipvalue version."""
        from ipvalue import __version__

        typer.echo(__version__)
