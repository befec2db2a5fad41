"""Field paths a user can find in the case file, from pydantic error locations.

Pydantic's locations contain parts that are not in the file: the tag of a discriminated union
(``approaches.0.relief_from_royalty.royalty``: the method name; ``revenue.growth.years``: the
forecast model; ``royalty_rate.pert.low``: the distribution) and internal validator names
(``tab.function-after[_one_schedule(), Tab]``, ``tab.literal[False]``). The user wrote
``approaches.0.royalty``, ``revenue.years``, ``royalty_rate.low`` and ``tab``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ipvalue.model.approaches import METHODS

_DISTRIBUTIONS = frozenset({"normal", "lognormal", "uniform", "triangular", "pert", "discrete"})
_TAGS = frozenset(METHODS) | _DISTRIBUTIONS | {"explicit", "lifecycle"}
# `growth` is both the growth-forecast tag and a field; it is the tag when a growth-forecast
# field follows it.
_GROWTH_FIELDS = frozenset({"model", "year1", "growth", "years"})
# "approaches.0.activities.0.date (2026-…) must not be …", "approaches.*.weight: weights …"
_NAMED = re.compile(r"^([a-z_]+(?:\.(?:[\w*]+))+)(?=[: ])")


def field_path(loc: Sequence[int | str]) -> str:
    """Dotted path of a pydantic error location as written in the case file.

    Parameters
    ----------
    loc : sequence of int or str
        ``err["loc"]`` of a pydantic error.

    Returns
    -------
    str
        ``approaches.0.royalty_rate``; ``"(root)"`` for an error on the whole document.
        Tag names are dropped wherever they occur: no field or key of the case model is
        called like a method, a distribution or a forecast model (``growth`` excepted, above).
    """
    parts = [str(p) for p in loc]
    out: list[str] = []
    prev_was_growth_tag = False
    for i, part in enumerate(parts):
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if "[" in part:  # validator-internal names: function-after[...], literal[...]
            continue
        if part in _TAGS:
            continue
        if part == "growth" and not prev_was_growth_tag and nxt in _GROWTH_FIELDS:
            prev_was_growth_tag = True
            continue
        prev_was_growth_tag = False
        out.append(part)
    return ".".join(out) or "(root)"


def validation_messages(exc: ValidationError) -> list[str]:
    """One ``field.path: rule`` line per error of a case validation.

    The branches of a union that all failed at one field (``tab: {}`` is neither a schedule
    nor ``false``) are reported once, by the first branch: the one a user meant.
    """
    lines: list[str] = []
    seen_union: set[str] = set()
    for err in exc.errors():
        loc: Any = err["loc"]
        path = field_path(loc)
        if any("[" in str(p) for p in loc):
            if path in seen_union:
                continue
            seen_union.add(path)
        msg = str(err["msg"]).removeprefix("Value error, ")
        named = _NAMED.match(msg) if path == "(root)" else None
        if named:  # a whole-case rule that names its field: lead with that field
            path, msg = named.group(1), msg[named.end() :].lstrip(": ")
        lines.append(f"{path}: {msg}")
    return lines
