"""Array plumbing shared by the numeric kernels: coercion, leading-axis shapes, validity checks.

Kernels take scalar parameters as a float or an array of shape ``(n,)`` and series as ``(T,)`` or
``(n, T)``. Deterministic calls raise :class:`~ipvalue.core.errors.InputError` on the first broken
rule; vectorised Monte Carlo calls pass ``invalid="nan"`` and get ``nan`` on the offending
elements plus a boolean ``valid`` mask.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ipvalue.core.errors import InputError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
InvalidMode = Literal["raise", "nan"]


def as_param(value: ArrayLike, field: str) -> FloatArray:
    """A scalar parameter as float64 of shape ``()`` or ``(n,)``.

    Raises
    ------
    InputError
        When the value is not numeric or has more than one dimension.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number or a 1-D array of numbers") from None
    if arr.ndim > 1:
        raise InputError(field, "must be a number or a 1-D array (one value per path or asset)")
    return arr


def as_series(value: ArrayLike, field: str) -> FloatArray:
    """A time series as float64 of shape ``(T,)`` or ``(n, T)`` with ``T >= 1``.

    Raises
    ------
    InputError
        When the value is not numeric, is a scalar, has more than two dimensions or is empty.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(field, "must be a sequence of numbers (one per year)") from None
    if arr.ndim not in (1, 2):
        raise InputError(field, "must be a series of shape (T,) or (n, T)")
    if arr.shape[-1] == 0:
        raise InputError(field, "must contain at least one year")
    return arr


def leading_shape(fields: dict[str, np.ndarray[Any, Any]]) -> tuple[int, ...]:
    """The common leading shape: ``()`` or ``(n,)``.

    ``fields`` maps a field name to a parameter (``()``/``(n,)``) or a series (``(T,)``/``(n, T)``
    marked by a ``"series:"`` name prefix).

    Raises
    ------
    InputError
        Naming the first field whose leading length disagrees with the others.
    """
    n: int | None = None
    first = ""
    for name, arr in fields.items():
        is_series = name.startswith("series:")
        lead = arr.shape[:-1] if is_series else arr.shape
        if not lead:
            continue
        if n is None:
            n, first = lead[0], name
        elif lead[0] != n:
            raise InputError(
                name.removeprefix("series:"),
                f"has {lead[0]} paths/assets but {first.removeprefix('series:')} has {n}",
            )
    return () if n is None else (n,)


def col(param: FloatArray) -> FloatArray:
    """A ``()``/``(n,)`` parameter shaped to broadcast against ``(T,)``/``(n, T)`` series."""
    return param if param.ndim == 0 else param[:, None]


class Checks:
    """Element-wise validity rules with a raise-or-mask policy.

    Parameters
    ----------
    shape : tuple of int
        Leading shape of the result (``()`` or ``(n,)``).
    invalid : {"raise", "nan"}
        ``"raise"``: the first broken rule raises ``InputError(field, rule)``. ``"nan"``: broken
        elements are recorded in :attr:`valid` and the kernel returns ``nan`` there.
    """

    def __init__(self, shape: tuple[int, ...], invalid: InvalidMode) -> None:
        if invalid not in ("raise", "nan"):
            raise InputError("invalid", "must be 'raise' or 'nan'")
        self.shape = shape
        self.invalid = invalid
        self.valid: BoolArray = np.ones((), dtype=bool)  # broadcast to `shape` on use

    def require(self, field: str, rule: str, ok: ArrayLike, *, per_year: bool = False) -> None:
        """Record that ``ok`` must hold; NaN inputs make comparisons False, so they fail too.

        With ``per_year`` the mask carries a trailing time axis (a ``(T,)`` or ``(n, T)`` series);
        an element is invalid if any of its years breaks the rule.
        """
        mask = np.asarray(ok, dtype=bool)
        if per_year:
            # the common all-valid case needs no per-path reduction
            mask = np.asarray(True) if mask.all() else np.asarray(mask.all(axis=-1))
        if self.invalid == "raise":
            if not np.all(mask):
                raise InputError(field, rule)
            return
        # broadcasting lets rules checked before the final shape is known join in
        try:
            self.valid = np.asarray(self.valid & mask)
        except ValueError:
            raise InputError(
                field, "has a different number of paths/assets than the other inputs"
            ) from None

    def mask(self) -> BoolArray:
        """The validity mask broadcast to :attr:`shape` (a fresh array)."""
        return np.array(np.broadcast_to(self.valid, self.shape), dtype=bool, copy=True)

    def finish(self, value: FloatArray) -> FloatArray:
        """``value`` with ``nan`` where an element broke a rule (a copy only when needed)."""
        if self.invalid == "raise" or bool(np.all(self.valid)):
            return value
        out = np.array(value, dtype=np.float64, copy=True)
        out[~np.broadcast_to(self.valid, out.shape)] = np.nan
        return out


def require_choice(field: str, value: object, allowed: tuple[str, ...]) -> None:
    """Raise unless ``value`` is one of ``allowed`` (conventions are never guessed)."""
    if value not in allowed:
        raise InputError(field, "must be one of " + ", ".join(repr(a) for a in allowed))
