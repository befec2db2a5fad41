"""Framework registry: ``get("KR")`` for IVS, KR, CN, JP, SG, HK, IN, AU.

Each framework module exposes ``FRAMEWORK`` (an object satisfying
:class:`~ipvalue.frameworks.base.Framework`). Modules of other work streams are imported
lazily, so a framework that has not landed yet gives a clean error instead of breaking the rest.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from ipvalue.core.errors import InputError

#: Code → module (relative to ``ipvalue.frameworks``).
MODULES: dict[str, str] = {
    "IVS": "ivs",
    "KR": "kr",
    "CN": "cn",
    "JP": "jp",
    "SG": "sg",
    "HK": "hk",
    "IN": "in_",
    "AU": "au",
}
CODES: tuple[str, ...] = tuple(MODULES)


@dataclass
class UnknownFramework(InputError, LookupError):
    """An unknown framework code (an InputError for the CLI, a LookupError for the engine)."""


def get(code: str) -> Any:
    """The framework registered under ``code`` (case-insensitive).

    Raises
    ------
    UnknownFramework
        ``code`` is not one of :data:`CODES`, or its module provides no ``FRAMEWORK`` yet.
        It is both an :class:`~ipvalue.core.errors.InputError` and a :class:`LookupError`.
    """
    key = str(code).strip().upper()
    if key not in MODULES:
        raise UnknownFramework(
            "framework", f"unknown framework {code!r}; known codes are {', '.join(CODES)}"
        )
    try:
        module = importlib.import_module(f"ipvalue.frameworks.{MODULES[key]}")
    except ImportError:
        module = None
    fw = getattr(module, "FRAMEWORK", None)
    if fw is None:
        raise UnknownFramework("framework", f"framework {key} is not available in this build")
    return fw


def available() -> tuple[str, ...]:
    """Codes whose framework can be loaded now."""
    out = []
    for code in CODES:
        try:
            get(code)
        except UnknownFramework:
            continue
        out.append(code)
    return tuple(out)
