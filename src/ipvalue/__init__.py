"""ipvalue: intellectual-property valuation for Asia-Pacific practice.

The public Python API mirrors the CLI: ``load_case(path)`` reads and validates a case file,
``value(case)`` runs it and returns a :class:`~ipvalue.model.result.Valuation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_case", "value"]

if TYPE_CHECKING:  # pragma: no cover
    from ipvalue.api_python import load_case, value


def __getattr__(name: str) -> Any:
    # Lazy so that `import ipvalue` stays cheap for the CLI and analytics users.
    if name in ("load_case", "value"):
        from ipvalue import api_python

        return getattr(api_python, name)
    raise AttributeError(name)
