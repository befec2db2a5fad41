"""Correlation between uncertain inputs for the Gaussian copula (validation and factorisation).

Users state **rank (Spearman) correlations**, the convention of spreadsheet risk tools and the
measure that survives any monotone transform of the marginals. The copula needs the
correlation of the underlying normals, ``ρ_N = 2·sin(π·ρ_S / 6)`` (exact for the Gaussian
copula); ``kind="gaussian"`` takes the matrix as ``ρ_N`` directly.

Edge case: a discrete input has ties, so the rank correlation achieved with it is smaller in
magnitude than requested (the copula correlates the underlying normals exactly).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from ipvalue.core.errors import InputError

FloatArray: TypeAlias = NDArray[np.float64]

#: A full matrix in input order, or ``{(name_a, name_b): rho}`` pairs (the rest are 0).
CorrelationSpec: TypeAlias = (
    Sequence[Sequence[float]] | FloatArray | Mapping[tuple[str, str], float]
)
CorrelationKind = Literal["spearman", "gaussian"]

#: Symmetry tolerance and the smallest eigenvalue still accepted as positive semidefinite.
SYMMETRY_TOLERANCE = 1e-12
PSD_TOLERANCE = 1e-10

_FIELD = "correlation"


def _from_pairs(pairs: Mapping[tuple[str, str], float], names: Sequence[str]) -> FloatArray:
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    seen: dict[tuple[int, int], float] = {}
    for key, rho in pairs.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise InputError(_FIELD, "pairs must be keyed by (input_a, input_b)")
        a, b = key
        for name in (a, b):
            if name not in index:
                raise InputError(f"{_FIELD}[{a}][{b}]", f"names unknown input {name!r}")
        if a == b:
            raise InputError(f"{_FIELD}[{a}][{b}]", "an input's correlation with itself is 1")
        i, j = sorted((index[a], index[b]))
        value = _finite_entry(rho, f"{_FIELD}[{a}][{b}]")
        if (i, j) in seen and seen[(i, j)] != value:
            raise InputError(f"{_FIELD}[{a}][{b}]", "is given twice with different values")
        seen[(i, j)] = value
        matrix[i, j] = matrix[j, i] = value
    return matrix


def _finite_entry(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise InputError(field, "must be a number")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(field, "must be finite")
    return x


def validate_correlation(spec: CorrelationSpec, names: Sequence[str]) -> FloatArray:
    """Check a user correlation matrix and return it as a float64 array in ``names`` order.

    Rules (each raises :class:`InputError` naming ``correlation`` or the offending entry):
    square with one row per uncertain input, finite entries in [−1, 1], symmetric within 1e-12,
    unit diagonal, positive semidefinite (smallest eigenvalue >= −1e-10).
    """
    k = len(names)
    if isinstance(spec, Mapping):
        matrix = _from_pairs(spec, names)
    else:
        try:
            matrix = np.array(spec, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(_FIELD, "must be a square matrix of numbers") from None
        if matrix.shape != (k, k):
            raise InputError(
                _FIELD, f"must be {k}x{k} (one row and column per uncertain input, in order)"
            )
    if not np.all(np.isfinite(matrix)):
        raise InputError(_FIELD, "entries must be finite numbers")
    for i, j in zip(*np.nonzero(np.abs(matrix) > 1.0), strict=True):
        raise InputError(f"{_FIELD}[{names[i]}][{names[j]}]", "must lie in [-1, 1]")
    for i in range(k):
        if matrix[i, i] != 1.0:
            raise InputError(f"{_FIELD}[{names[i]}][{names[i]}]", "diagonal entries must be 1")
    asym = np.abs(matrix - matrix.T) > SYMMETRY_TOLERANCE
    for i, j in zip(*np.nonzero(asym), strict=True):
        raise InputError(
            f"{_FIELD}[{names[i]}][{names[j]}]", f"must equal {_FIELD}[{names[j]}][{names[i]}]"
        )
    _require_psd(matrix, "must be positive semidefinite")
    return matrix


def _require_psd(matrix: FloatArray, rule: str) -> None:
    smallest = float(np.linalg.eigvalsh(matrix)[0]) if len(matrix) else 0.0
    if smallest < -PSD_TOLERANCE:
        raise InputError(_FIELD, f"{rule} (smallest eigenvalue {smallest:.3g})")


def normal_correlation(rank: FloatArray, kind: CorrelationKind) -> FloatArray:
    """Correlation of the copula's normals that yields the requested correlation."""
    if kind == "gaussian":
        return rank
    if kind != "spearman":
        raise InputError("correlation_kind", "must be 'spearman' or 'gaussian'")
    normal = 2.0 * np.sin(np.pi * rank / 6.0)
    np.fill_diagonal(normal, 1.0)
    _require_psd(
        normal,
        "is not positive semidefinite once converted to normal correlations "
        "(2·sin(π·ρ/6)); soften the strongest correlations",
    )
    return normal


def copula_factor(normal: FloatArray) -> FloatArray:
    """A matrix ``A`` with ``A @ A.T == normal``: Cholesky, or a clipped eigen-factor if singular.

    Singular (semidefinite) matrices arise from perfect correlations; Cholesky refuses them.
    """
    try:
        return np.asarray(np.linalg.cholesky(normal), dtype=np.float64)
    except np.linalg.LinAlgError:
        eigenvalues, vectors = np.linalg.eigh(normal)
        factor: FloatArray = vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
        # Rescale rows so each normal keeps unit variance after clipping tiny negatives.
        factor /= np.sqrt(np.sum(factor * factor, axis=1, keepdims=True))
        return factor
