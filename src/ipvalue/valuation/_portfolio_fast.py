"""Batch resolution for portfolios: resolve one approach per input structure, then read the
numbers of every other asset with the same structure through compiled getters.

An approach is taken on the fast path only when its structure (list lengths, dict keys, flags,
conventions, jurisdiction) equals a template's and all its numeric inputs are plain numbers;
anything else (references, distributions, structure-bearing numbers such as comparable weights)
goes through :func:`ipvalue.valuation.resolve.resolve`, so both paths give the same parameters.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ipvalue.model.assets import Asset
from ipvalue.model.case import CaseHeader
from ipvalue.model.result import Assumption, ValuationWarning
from ipvalue.valuation.resolve import ResolvedApproach, _leaves, resolve, resolved_life

Getter = Callable[[Any], Any]


def _parent_getter(model: BaseModel, parts: list[str]) -> tuple[Any, Getter]:
    """The object at ``parts`` inside ``model`` and a getter composed of C-level accessors."""
    obj: Any = model
    getters: list[Getter] = []
    attrs: list[str] = []
    for part in parts:
        if isinstance(obj, list | tuple | dict):
            if attrs:
                getters.append(operator.attrgetter(".".join(attrs)))
                attrs = []
            key: Any = int(part) if isinstance(obj, list | tuple) else next(
                k for k in obj if str(k) == part)
            getters.append(operator.itemgetter(key))
            obj = obj[key]
        else:
            attrs.append(part)
            obj = getattr(obj, part)
    if attrs:
        getters.append(operator.attrgetter(".".join(attrs)))
    if not getters:
        return obj, lambda o: o
    if len(getters) == 1:
        return obj, getters[0]

    def get(o: Any) -> Any:
        for g in getters:
            o = g(o)
        return o

    return obj, get


def _size(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return len(v)
    if isinstance(v, dict):
        return tuple(v)
    return v


@dataclass(frozen=True)
class _Step:
    """Everything read from one parent object in one C-level call: structure entries compared
    with the template's (plain ones in one C-level comparison, list lengths / dict keys one by
    one) and the numeric parameters, appended in template order."""

    get: Getter
    single: bool
    plain: Getter | None
    plain_expected: Any
    sized: tuple[tuple[int, Any], ...]
    params: Getter | None
    params_single: bool
    param_idx: tuple[int, ...]


def _chain(first: Getter, then: Getter) -> Getter:
    return lambda o: then(first(o))


def _compile_plan(model: BaseModel, spaths: list[str], ppaths: list[str]) -> list[_Step]:
    by_parent: dict[str, list[tuple[str, str, int]]] = {}
    for kind, paths in (("s", spaths), ("p", ppaths)):
        for idx, path in enumerate(paths):
            parent, _, name = path.rpartition(".")
            by_parent.setdefault(parent, []).append((name, kind, idx))
    plan = []
    for parent, items in by_parent.items():
        obj, pget = _parent_getter(model, parent.split(".") if parent else [])
        if isinstance(obj, list | tuple):
            leaf: Getter = operator.itemgetter(*[int(x) for x, _, _ in items])
        elif isinstance(obj, dict):
            leaf = operator.itemgetter(*[next(k for k in obj if str(k) == x) for x, _, _ in items])
        else:
            leaf = operator.attrgetter(*[x for x, _, _ in items])

        get: Getter = leaf  # fields of the approach itself: one C-level call
        if parent:
            get = _chain(pget, leaf)

        single = len(items) == 1
        got = get(model)
        got = (got,) if single else got
        s_pos = [k for k, (_, kind, _) in enumerate(items) if kind == "s"]
        sized = tuple((k, _size(got[k])) for k in s_pos if isinstance(got[k], list | tuple | dict))
        plain_pos = [k for k in s_pos if not isinstance(got[k], list | tuple | dict)]
        plain = operator.itemgetter(*plain_pos) if plain_pos else None
        p_pos = [k for k, (_, kind, _) in enumerate(items) if kind == "p"]
        plan.append(_Step(
            get, single, plain, plain(got) if plain else None, sized,
            operator.itemgetter(*p_pos) if p_pos else None, len(p_pos) == 1,
            tuple(items[k][2] for k in p_pos),
        ))
    return plan


@dataclass
class _Template:
    """A resolved approach whose structure other assets' approaches can be matched against."""

    resolved: ResolvedApproach
    plan: list[_Step]
    paths: tuple[str, ...]
    used: int = 0


def _template(ra: ResolvedApproach) -> _Template | None:
    a = ra.model
    walk: list[Any] = []
    list(_leaves(a, walk))
    if tuple(walk) != ra.structure:  # numbers that shape the kernel call: no fast path
        return None
    ppaths = list(ra.params)
    plan = _compile_plan(a, [p for p, _ in walk], ppaths)
    # parameters are collected step by step: keep the paths in that order
    return _Template(ra, plan, tuple(ppaths[n] for st in plan for n in st.param_idx))


@dataclass
class Group:
    """Approaches evaluated in one kernel call: one template, one row of numbers per member."""

    template: ResolvedApproach
    paths: tuple[str, ...]
    members: list[tuple[int, int]] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)
    lives: list[float | None] = field(default_factory=list)

    def member(self, r: int) -> ResolvedApproach:
        """Member ``r`` as a resolved approach of its own (for error messages)."""
        i, j = self.members[r]
        t = self.template
        settings = {**t.settings, "life_years": self.lives[r]}
        return ResolvedApproach(t.model, f"assets.{i}.approaches.{j}.",
                                dict(zip(self.paths, self.rows[r], strict=True)), {}, settings)


@dataclass(slots=True)
class Meta:
    """What reconciliation and the result need of one asset's approach."""

    name: str
    family: str
    method: str
    weight: float | None
    group: int
    row: int


@dataclass
class BatchResolution:
    """Groups of stacked approaches, per-asset approach metadata, assumptions once per
    template."""

    groups: list[Group]
    meta: list[list[Meta]]
    assumptions: list[Assumption] = field(default_factory=list)
    warnings: list[tuple[int, ValuationWarning]] = field(default_factory=list)
    weights_by_purpose: dict[str, float] | None = None


def _match(t: _Template, a: Any) -> list[float] | None:
    values: list[Any] = []
    try:
        for st in t.plan:
            got = st.get(a)
            if st.single:
                got = (got,)
            if st.plain is not None and st.plain(got) != st.plain_expected:
                return None
            for k, expected in st.sized:
                if _size(got[k]) != expected:
                    return None
            if st.params is not None:
                if st.params_single:
                    values.append(st.params(got))
                else:
                    values.extend(st.params(got))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    if set(map(type, values)) <= {float}:
        return values
    return None


def resolve_portfolio(case: Any, *, framework: Any = None) -> BatchResolution:
    """Resolve every asset's approaches into groups, reusing templates for repeated
    structures (see the module docstring)."""
    header: CaseHeader = case
    templates: dict[tuple[Any, ...], list[_Template]] = {}
    all_templates: list[_Template] = []
    group_of: dict[tuple[int, bool], int] = {}
    out = BatchResolution([], [])

    def add(t: _Template | None, ra: ResolvedApproach, values: list[float], life: Any,
            i: int, j: int, a: Any) -> Meta:
        key = (id(t) if t is not None else -len(out.groups) - 1, life is None)
        g = group_of.get(key)
        if g is None:
            g = group_of[key] = len(out.groups)
            out.groups.append(Group(ra, t.paths if t is not None else tuple(ra.params)))
        grp = out.groups[g]
        grp.members.append((i, j))
        grp.rows.append(values)
        grp.lives.append(life)
        w = values[grp.paths.index("weight")] if a.weight is not None else None
        return Meta(a.id or a.method, a.family, a.method, w, g, len(grp.rows) - 1)

    for i, item in enumerate(case.assets):
        asset: Asset = item.asset
        jur = header.jurisdiction or (asset.jurisdictions[0] if asset.jurisdictions else None)
        life, _ = resolved_life(asset, header.valuation_date)
        found: list[tuple[_Template, list[float]]] = []
        for j, a in enumerate(item.approaches):
            for t in templates.get((type(a), j, jur), ()):
                values = _match(t, a)
                if values is not None:
                    found.append((t, values))
                    break
            else:
                break
        if len(found) == len(item.approaches):
            metas = []
            for j, ((t, values), a) in enumerate(zip(found, item.approaches, strict=True)):
                t.used += 1
                metas.append(add(t, t.resolved, values, life, i, j, a))
            out.meta.append(metas)
            continue
        res = resolve(header, asset, item.approaches, framework=framework,
                      prefix=f"assets.{i}.", record_case_values=False)
        out.weights_by_purpose = res.weights_by_purpose
        out.warnings.extend((i, w) for w in res.warnings)
        out.assumptions.extend(x for x in res.assumptions if not x.name.startswith(
            f"assets.{i}.approaches."))
        metas = []
        for j, ra in enumerate(res.approaches):
            bucket = templates.setdefault((type(ra.model), j, jur), [])
            known = next((t for t in bucket if _match(t, ra.model) is not None), None)
            if known is None:
                out.assumptions.extend(
                    x for x in res.assumptions if x.name.startswith(ra.prefix))
                known = _template(ra)
                if known is not None:
                    bucket.append(known)
                    all_templates.append(known)
            if known is None:
                metas.append(add(None, ra, list(ra.params.values()), life, i, j, ra.model))
            else:
                values = [ra.params[p] for p in known.paths]
                metas.append(add(known, known.resolved, values, life, i, j, ra.model))
                known.used += known.resolved is not ra
        out.meta.append(metas)
    for t in all_templates:
        if t.used:
            out.assumptions.append(Assumption(
                f"{t.resolved.prefix}*", t.used, "assets",
                f"the assumptions recorded under {t.resolved.prefix} also apply to {t.used} "
                "further assets whose approach has the same input structure",
            ))
    return out
