"""Errors that carry an exit code and a message a user can act on.

Every edge (CLI, API, importers) raises :class:`InputError` for bad input: the message names the
field (as a dotted path) and the rule it broke. The CLI maps it to exit code 2, the API to 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """Invalid user input.

    Parameters
    ----------
    field : str
        Dotted path of the offending field (``approaches.0.royalty_rate``), a file path with a
        line number (``g_patent.tsv:17``), or a CLI option (``--paths``).
    rule : str
        What the value must satisfy, phrased for the user ("must be < discount_rate").
    """

    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"


class InputErrors(Exception):
    """Several input errors found in one validation pass (reported together)."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
