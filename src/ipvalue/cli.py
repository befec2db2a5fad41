"""Command-line entry point: ``ipvalue``.

Each domain adds its commands from ``ipvalue.commands.<domain>.register``. ``main`` maps errors
to the public exit codes: 0 success, 2 invalid input (message names field and rule), 1 anything
else — never a traceback unless ``IPVALUE_DEBUG=1``.
"""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from rich.console import Console

from ipvalue.core.errors import InputError, InputErrors

app = typer.Typer(
    name="ipvalue",
    help="Value intellectual property the way Asia-Pacific valuers, lenders and IP offices do.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Value intellectual property the way Asia-Pacific valuers, lenders and IP offices do."""


_err = Console(stderr=True, highlight=False, soft_wrap=True)


_registered = False


def _register_all() -> None:
    """Attach every domain's commands once per process (tests call ``main`` repeatedly)."""
    global _registered
    if _registered:
        return
    _registered = True
    from ipvalue.commands import (
        cases,
        frameworks,
        patents,
        patents_explore,
        refdata,
        scoring,
        valuation,
    )

    # patents_explore attaches its commands to the `patents` group created by patents.register.
    for module in (valuation, refdata, frameworks, scoring, patents, patents_explore, cases):
        module.register(app)


def format_validation_error(exc: ValidationError) -> list[str]:
    """One line per pydantic error: ``field.path: message`` (the path as written in the file)."""
    from ipvalue.model._error_paths import validation_messages

    return validation_messages(exc)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the public exit code.

    Typer's standalone mode handles usage errors (exit 2) and ``--help``; everything a command
    raises is mapped here.
    """
    _register_all()
    try:
        app(args=argv)
    except (InputError, InputErrors) as exc:
        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        for e in errors:
            _err.print(f"error: {e}", markup=False)
        sys.exit(2)
    except ValidationError as exc:
        for line in format_validation_error(exc):
            _err.print(f"error: {line}", markup=False)
        sys.exit(2)
    except Exception as exc:
        from ipvalue.core.settings import get_settings

        if get_settings().debug:
            raise
        _err.print(f"error: {type(exc).__name__}: {exc}", markup=False)
        sys.exit(1)
