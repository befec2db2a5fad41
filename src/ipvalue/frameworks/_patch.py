"""Write resolved parameters into a case (a new validated case; the original is untouched)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ipvalue.core.errors import InputError
from ipvalue.model.case import ValuationCase


def apply_patches(case: ValuationCase, patches: Mapping[str, Any]) -> ValuationCase:
    """Return ``case`` with each ``path → value`` set (``approaches.0.discount_rate``).

    The patched case is validated again, so cross-field rules (weights summing to 1, g < r)
    hold for the result too.
    """
    if not patches:
        return case
    data: dict[str, Any] = case.model_dump(mode="python", exclude_none=True)
    for path, value in patches.items():
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            key: Any = int(part) if isinstance(node, list) else part
            if isinstance(node, dict) and key not in node:
                node[key] = {}
            node = node[key]
        last: Any = int(parts[-1]) if isinstance(node, list) else parts[-1]
        node[last] = value
    try:
        return ValuationCase.model_validate(data)
    except ValueError as exc:  # pydantic ValidationError is a ValueError
        raise InputError("framework", f"resolved case is invalid: {exc}") from exc
