"""Column-wise template matching: one C-level ``map`` per plan step over many approaches.

:func:`match_many` gives, for a list of approach models, which ones have the template's
structure and plain-float inputs (the same rule as the one-by-one matcher in
:mod:`ipvalue.valuation._portfolio_fast`) and their numbers as an ``(approaches, params)``
array in the template's parameter order. It reads each field once per approach through the
template's compiled getters, so a 100,000-asset portfolio costs a few maps per field instead
of a Python call per asset.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from itertools import chain, repeat
from typing import Any

import numpy as np
from pydantic import BaseModel

_FLOAT = {float}


def _equal(values: Iterable[Any], expected: Any, n: int) -> np.ndarray | bool:
    """Per item: equals ``expected`` (``True`` for all when every item does: one C-level
    ``list.count`` in the common case)."""
    got = values if isinstance(values, list) else list(values)
    if got.count(expected) == n:
        return True
    return np.fromiter(map(operator.eq, got, repeat(expected)), dtype=bool, count=n)


def _floats(column: list[Any], ok: np.ndarray) -> list[Any]:
    """Rows whose value is not a plain float (a reference, a distribution, None) are cleared
    from ``ok`` and replaced by NaN so the column still converts to float64."""
    if set(map(type, column)) <= _FLOAT:
        return column
    plain = np.fromiter((type(x) is float for x in column), dtype=bool, count=len(column))
    ok &= plain
    return [x if type(x) is float else math.nan for x in column]


def match_many(
    template: Any, approaches: list[Any], *, weighted: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """Which ``approaches`` match ``template`` and their parameters.

    Parameters
    ----------
    template : _Template
        A compiled template (``plan`` of getters, ``paths`` of parameters).
    approaches : list
        Approach models of one class at one position.
    weighted : bool
        Whether the template reads a ``weight``; approaches whose weight presence differs
        never match (their reconciliation differs).

    Returns
    -------
    (ok, values) or None
        ``ok`` (bool, per approach) and ``values`` (float64, approaches × parameters; rows
        not ``ok`` are meaningless). ``None`` when a getter fails on some approach (a
        structure the template cannot even read): the caller matches those one by one.
    """
    n = len(approaches)
    ok = np.ones(n, dtype=bool)
    blocks: list[tuple[bool, list[Any]]] = []  # (one column?, values) per step, plan order
    try:
        if not weighted:
            ok &= _equal(map(operator.attrgetter("weight"), approaches), None, n)
        read: dict[str, list[Any]] = {}  # parent objects by path, reused by deeper steps
        for st in template.plan:  # two C-level maps, not a composed Python getter per item
            parents = approaches if st.parent is None else _parents(st, approaches, read)
            if st.by_key is not None:  # a model's fields live in its __dict__: no getattr
                got = list(map(st.by_key, map(vars, parents)))
            else:
                got = list(map(st.leaf, parents))
            if st.single:  # the step reads one entry: a structure value or a parameter
                if st.plain is not None:
                    ok &= _equal(got, st.plain_expected, n)
                for _, expected in st.sized:
                    ok &= _equal(map(_sizer(expected), got), expected, n)
                if st.params is not None:
                    blocks.append((True, got))
                continue
            if st.plain is not None:
                ok &= _equal(map(st.plain, got), st.plain_expected, n)
            for k, expected in st.sized:
                ok &= _equal(map(_sizer(expected), map(operator.itemgetter(k), got)), expected, n)
            if st.params is not None:
                blocks.append((st.params_single, list(map(st.params, got))))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    try:  # validated plain numbers are finite floats: NaN here was a None, TypeError a ref
        values = np.hstack([_as_floats(single, b, n) for single, b in blocks] or [np.empty((n, 0))])
        if not np.isfinite(values).all():
            raise TypeError
    except (TypeError, ValueError):
        columns: list[list[Any]] = []
        for single, b in blocks:
            if single:
                columns.append(b)
            else:
                columns.extend(map(list, zip(*b, strict=True)))
        columns = [_floats(c, ok) for c in columns]
        values = np.array(columns, dtype=np.float64).reshape(len(columns), n).T
    return ok, values


def _parents(st: Any, approaches: list[Any], read: dict[str, list[Any]]) -> list[Any]:
    """The step's parent objects: one attribute below an already read parent when possible
    (``revenue.values`` from ``revenue``), else through the step's own getter."""
    up, _, name = st.parent_path.rpartition(".")
    above = read.get(up)
    if (
        above
        and name.isidentifier()
        and all(issubclass(t, BaseModel) for t in set(map(type, above)))
    ):
        got = list(map(operator.attrgetter(name), above))
    else:
        got = list(map(st.parent, approaches))
    read[st.parent_path] = got
    return got


def _as_floats(single: bool, values: list[Any], n: int) -> np.ndarray:
    """One step's numbers as an (n, k) float64 array, read by ``np.fromiter`` (raises
    TypeError on a reference, a distribution or None)."""
    if single:
        return np.fromiter(values, dtype=np.float64, count=n).reshape(n, 1)
    k = len(values[0]) if n else 0
    flat = np.fromiter(chain.from_iterable(values), dtype=np.float64, count=n * k)
    return flat.reshape(n, k)


def _sizer(expected: Any) -> Any:
    """The C-level function giving a container's structure entry: its length (lists) or its
    keys (dicts). A field is a list or a dict by its model class, so the kind of ``expected``
    tells which; anything else raises and sends the column to one-by-one matching."""
    return len if isinstance(expected, int) else tuple
