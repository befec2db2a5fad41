"""Numeric case inputs: a finite number, a distribution, or a reference into reference data.

Every numeric field of a case is a :data:`Num`: a plain finite number, an uncertain
:class:`~ipvalue.model.distributions.Distribution` (``{dist: triangular, ...}``), or
``{ref: "table/key/column"}`` resolved against ``ipvalue.refdata`` when the case is valued.
Bounds (``ge``/``gt``/``le``/``lt``) are checked on plain numbers here and on resolved
references and distribution base points in :mod:`ipvalue.valuation.resolve`.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

_REF = re.compile(r"^[A-Za-z0-9_.\-]+/[^/]+/[A-Za-z0-9_.\-]+$")


class Ref(BaseModel):
    """A figure looked up in reference data.

    Written ``{ref: "country_parameters/KR/cit_statutory_combined_pct"}`` (table/key/column).

    Columns ending ``_pct`` resolve to fractions (``24.2`` -> ``0.242``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str = Field(pattern=_REF.pattern, description="table/key/column in reference data")


@lru_cache(maxsize=1)
def _distribution_adapter() -> TypeAdapter[Any]:
    from ipvalue.model.distributions import Distribution

    return TypeAdapter(Distribution)


def _finite(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError(
            "number_type",
            "must be a number, a reference (ref: table/key/column) or a distribution (dist: ...)",
        )
    x = float(value)
    if not math.isfinite(x):
        raise PydanticCustomError("finite_number", "must be a finite number (not NaN or infinity)")
    return x


def check_bounds(x: float, bounds: dict[str, float]) -> str | None:
    """Return the broken rule for ``x`` (e.g. ``"must be >= 0"``), or ``None`` when it holds."""
    ge, gt, le, lt = (bounds.get(k) for k in ("ge", "gt", "le", "lt"))
    if ge is not None and not x >= ge:
        return f"must be >= {ge:g}"
    if gt is not None and not x > gt:
        return f"must be > {gt:g}"
    if le is not None and not x <= le:
        return f"must be <= {le:g}"
    if lt is not None and not x < lt:
        return f"must be < {lt:g}"
    return None


def _make_validator(bounds: dict[str, float]) -> Any:
    def validate(value: Any) -> Any:
        if isinstance(value, Ref):
            return value
        if isinstance(value, dict) and "ref" in value:
            return Ref.model_validate(value)
        if isinstance(value, dict) and "dist" in value:
            return _distribution_adapter().validate_python(value)
        if hasattr(value, "point") and hasattr(value, "dist"):
            return value  # already a Distribution instance
        x = _finite(value)
        broken = check_bounds(x, bounds)
        if broken:
            raise PydanticCustomError("number_bound", broken)
        return x

    return validate


def _serialize(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def _schema(bounds: dict[str, float]) -> dict[str, Any]:
    names = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}
    number: dict[str, Any] = {"type": "number"}
    number.update({names[k]: v for k, v in bounds.items()})
    return {
        "anyOf": [
            number,
            {
                "type": "object",
                "properties": {"ref": {"type": "string", "pattern": _REF.pattern}},
                "required": ["ref"],
                "additionalProperties": False,
                "description": "reference-data figure table/key/column",
            },
            {
                "type": "object",
                "properties": {
                    "dist": {
                        "enum": ["normal", "lognormal", "uniform", "triangular", "pert", "discrete"]
                    }
                },
                "required": ["dist"],
                "description": "probability distribution (see docs/case-file.md, 'Uncertainty')",
            },
        ]
    }


def num(**bounds: float) -> Any:
    """A numeric case field type with optional bounds ``ge``, ``gt``, ``le``, ``lt``.

    Examples
    --------
    >>> Rate = num(ge=0, le=1)   # used as ``royalty_rate: Rate``
    """
    return Annotated[
        Any,
        PlainValidator(_make_validator(bounds)),
        PlainSerializer(_serialize),
        WithJsonSchema(_schema(bounds)),
        _Bounds(bounds),
    ]


class _Bounds:
    """Marker carried in ``Annotated`` metadata so the resolver can re-check resolved values."""

    def __init__(self, bounds: dict[str, float]) -> None:
        self.bounds = dict(bounds)

    def __repr__(self) -> str:
        return f"_Bounds({self.bounds})"


def bounds_of(metadata: list[Any]) -> dict[str, float] | None:
    """Bounds of a ``num`` field from its pydantic ``FieldInfo.metadata``; ``None`` if not a Num."""
    for m in metadata:
        if isinstance(m, _Bounds):
            return m.bounds
    return None


# The common field types of a case.
Number = num()
NonNegative = num(ge=0)
Positive = num(gt=0)
Fraction = num(ge=0, le=1)
TaxRate = num(ge=0, lt=1)
Rate = num(ge=0)  # discount rates: negative rates are refused
Growth = num(gt=-1)
