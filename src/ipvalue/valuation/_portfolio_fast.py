"""Batch resolution for portfolios: resolve one approach per input structure, then read the
numbers of every other asset with the same structure through compiled getters.

An approach is taken on the fast path only when its structure (list lengths, dict keys, flags,
conventions, jurisdiction) equals a template's and all its numeric inputs are plain numbers;
anything else (references, distributions, structure-bearing numbers such as comparable weights)
goes through :func:`ipvalue.valuation.resolve.resolve`, so both paths give the same parameters.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any

import numpy as np
from pydantic import BaseModel

from ipvalue.model.assets import Asset
from ipvalue.model.case import CaseHeader
from ipvalue.model.result import Assumption, ValuationWarning
from ipvalue.valuation._portfolio_bulk import match_many
from ipvalue.valuation.resolve import (
    ResolvedApproach,
    _is_container,
    _leaves,
    _plan,
    resolve,
    resolved_life,
)

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
            key: Any = (
                int(part)
                if isinstance(obj, list | tuple)
                else next(k for k in obj if str(k) == part)
            )
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
    parent: Getter | None
    leaf: Getter
    by_key: Getter | None  # the leaf as a lookup in the parent model's __dict__ (fields only)
    parent_path: str
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
        by_key: Getter | None = None
        if isinstance(obj, list | tuple):
            leaf: Getter = operator.itemgetter(*[int(x) for x, _, _ in items])
        elif isinstance(obj, dict):
            leaf = operator.itemgetter(*[next(k for k in obj if str(k) == x) for x, _, _ in items])
        else:
            leaf = operator.attrgetter(*[x for x, _, _ in items])
            by_key = operator.itemgetter(*[x for x, _, _ in items])

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
        plan.append(
            _Step(
                get,
                pget if parent else None,
                leaf,
                by_key,
                parent,
                single,
                plain,
                plain(got) if plain else None,
                sized,
                operator.itemgetter(*p_pos) if p_pos else None,
                len(p_pos) == 1,
                tuple(items[k][2] for k in p_pos),
            )
        )
    return plan


@dataclass
class _Template:
    """A resolved approach whose structure other assets' approaches can be matched against."""

    resolved: ResolvedApproach
    plan: list[_Step]
    paths: tuple[str, ...]
    used: int = 0


def _absent(model: BaseModel, base: str = "") -> Iterator[str]:
    """Paths of the optional numeric inputs left empty (``None``) in ``model``; ``weight`` is
    matched separately (its presence is part of the template's parameters)."""
    for name, bounds in _plan(type(model)):
        value = getattr(model, name)
        path = base + name
        if _is_container(value):
            yield from _absent(value, path + ".")
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                if _is_container(v):
                    yield from _absent(v, f"{path}.{i}.")
        elif bounds is not None and value is None and name != "weight":
            yield path


def _template(ra: ResolvedApproach) -> _Template | None:
    a = ra.model
    walk: list[Any] = []
    list(_leaves(a, walk))
    if tuple(walk) != ra.structure:  # numbers that shape the kernel call: no fast path
        return None
    ppaths = list(ra.params)
    # an optional number the template leaves out (terminal_growth, probability …) is part of
    # its structure: an approach that gives it is valued differently and must not match
    plan = _compile_plan(a, [p for p, _ in walk] + list(_absent(a)), ppaths)
    # parameters are collected step by step: keep the paths in that order
    return _Template(ra, plan, tuple(ppaths[n] for st in plan for n in st.param_idx))


@dataclass
class Group:
    """Approaches evaluated in one kernel call: one template, one row of numbers per member.

    Members come one by one (``members``/``rows``/``lives``) or column-wise in ``blocks`` of
    ``(asset index, position, numbers, life years)`` arrays; :meth:`arrays` joins them.
    """

    template: ResolvedApproach
    paths: tuple[str, ...]
    members: list[tuple[int, int]] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)
    lives: list[float | None] = field(default_factory=list)
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=list
    )
    has_life: bool = True

    @cached_property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """``(asset, position)`` per member (m × 2), their numbers (m × paths), life years
        (``None`` when the members have no finite life)."""
        m, p = len(self.rows), len(self.paths)
        at = [
            np.array(self.members, dtype=np.intp).reshape(m, 2),
            *(np.column_stack([i, j]) for i, j, _, _ in self.blocks),
        ]
        table = [
            np.array(self.rows, dtype=np.float64).reshape(m, p),
            *(v for _, _, v, _ in self.blocks),
        ]
        lives = None
        if self.has_life:
            lives = np.concatenate(
                [np.array(self.lives, dtype=np.float64), *(x for _, _, _, x in self.blocks)]
            )
        return np.concatenate(at), np.concatenate(table), lives

    def __len__(self) -> int:
        return len(self.rows) + sum(len(b[0]) for b in self.blocks)

    def member(self, r: int) -> ResolvedApproach:
        """Member ``r`` as a resolved approach of its own (for error messages)."""
        at, table, lives = self.arrays
        i, j = at[r].tolist()
        t = self.template
        settings = {**t.settings, "life_years": None if lives is None else float(lives[r])}
        return ResolvedApproach(
            t.model,
            f"assets.{i}.approaches.{j}.",
            dict(zip(self.paths, table[r].tolist(), strict=True)),
            {},
            settings,
        )


@dataclass(frozen=True, slots=True, eq=False)
class Meta:
    """What reconciliation and the result need of one asset's approach (shared by assets
    whose approach has the same name, group and no weight; compared by identity)."""

    name: str
    family: str
    method: str
    weight: float | None
    group: int


@dataclass
class BatchResolution:
    """Groups of stacked approaches, per-asset approach metadata, assumptions once per
    template."""

    groups: list[Group]
    meta: list[list[Meta]]
    assumptions: list[Assumption] = field(default_factory=list)
    warnings: list[tuple[int, ValuationWarning]] = field(default_factory=list)
    weights_by_purpose: dict[str, float] | None = None
    life_sources: list[str] | None = None
    """Per asset, what caps its income period ("remaining legal term" or "economic life", ""
    when nothing does); None when every asset's cap is its remaining legal term."""


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


class _Resolver:
    """State of one portfolio resolution: templates by (class, position, jurisdiction), groups
    by (template, has life), shared metadata."""

    def __init__(self, case: Any, framework: Any) -> None:
        self.case = case
        self.framework = framework
        self.header: CaseHeader = case
        self.templates: dict[tuple[Any, ...], list[_Template]] = {}
        self.all_templates: list[_Template] = []
        self.group_of: dict[tuple[int, bool], int] = {}
        self.metas: dict[tuple[str, int], Meta] = {}
        self.out = BatchResolution([], [None] * len(case.assets))  # type: ignore[list-item]
        self.lives: list[float | None] = []
        self.jurs: list[str | None] = []
        self.served: list[tuple[_Template, np.ndarray]] = []
        self.lives_arr = np.empty(0)

    def group(self, t: _Template | None, ra: ResolvedApproach, has_life: bool) -> int:
        key = (id(t) if t is not None else -len(self.out.groups) - 1, has_life)
        g = self.group_of.get(key)
        if g is None:
            g = self.group_of[key] = len(self.out.groups)
            self.out.groups.append(
                Group(ra, t.paths if t is not None else tuple(ra.params), has_life=has_life)
            )
        return g

    def meta(self, a: Any, g: int, weight: float | None, name: str | None = None) -> Meta:
        name = name or a.id or a.method
        if weight is not None:
            return Meta(name, a.family, a.method, weight, g)
        m = self.metas.get((name, g))
        if m is None:
            m = self.metas[(name, g)] = Meta(name, a.family, a.method, None, g)
        return m

    def add(
        self, t: _Template | None, ra: ResolvedApproach, values: list[float], i: int, j: int, a: Any
    ) -> Meta:
        life = self.lives[i]
        g = self.group(t, ra, life is not None)
        grp = self.out.groups[g]
        grp.members.append((i, j))
        grp.rows.append(values)
        grp.lives.append(life)
        w = values[grp.paths.index("weight")] if a.weight is not None else None
        return self.meta(a, g, w)

    def one(self, i: int) -> bool:
        """Resolve asset ``i`` alone (templates first); True when it created a template."""
        out, header = self.out, self.header
        item = self.case.assets[i]
        jur = self.jurs[i]
        found: list[tuple[_Template, list[float]]] = []
        for j, a in enumerate(item.approaches):
            for t in self.templates.get((type(a), j, jur), ()):
                values = _match(t, a)
                if values is not None and (a.weight is None or "weight" in t.paths):
                    found.append((t, values))
                    break
            else:
                break
        if len(found) == len(item.approaches):
            metas = []
            for j, ((t, values), a) in enumerate(zip(found, item.approaches, strict=True)):
                t.used += 1
                metas.append(self.add(t, t.resolved, values, i, j, a))
            out.meta[i] = metas
            return False
        res = resolve(
            header,
            item.asset,
            item.approaches,
            framework=self.framework,
            prefix=f"assets.{i}.",
            record_case_values=False,
        )
        out.weights_by_purpose = res.weights_by_purpose
        out.warnings.extend((i, w) for w in res.warnings)
        out.assumptions.extend(
            x for x in res.assumptions if not x.name.startswith(f"assets.{i}.approaches.")
        )
        metas = []
        created = False
        for j, ra in enumerate(res.approaches):
            bucket = self.templates.setdefault((type(ra.model), j, jur), [])
            known = next(
                (
                    t
                    for t in bucket
                    if _match(t, ra.model) is not None
                    and (ra.model.weight is None or "weight" in t.paths)
                ),
                None,
            )
            if known is None:
                out.assumptions.extend(x for x in res.assumptions if x.name.startswith(ra.prefix))
                known = _template(ra)
                if known is not None:
                    bucket.append(known)
                    self.all_templates.append(known)
                    created = True
            if known is None:
                metas.append(self.add(None, ra, list(ra.params.values()), i, j, ra.model))
            else:
                values = [ra.params[p] for p in known.paths]
                metas.append(self.add(known, known.resolved, values, i, j, ra.model))
                known.used += known.resolved is not ra
        out.meta[i] = metas
        return created

    def many(self, rest: list[int]) -> list[int]:
        """Match the assets ``rest`` against the known templates column-wise; returns those
        left for one-by-one resolution."""
        assets = self.case.assets

        def pick(seq: list[Any]) -> Any:
            if rest[-1] - rest[0] == len(rest) - 1:  # one run of assets: a slice
                return seq[rest[0] : rest[-1] + 1]
            return operator.itemgetter(*rest)(seq) if len(rest) > 1 else (seq[rest[0]],)

        apps = list(map(operator.attrgetter("approaches"), pick(assets)))
        counts = np.fromiter(map(len, apps), dtype=np.intp, count=len(rest))
        jurs = list(pick(self.jurs))
        one_jur = len(set(jurs)) == 1
        full = np.ones(len(rest), dtype=bool)
        metas = []  # per position: Meta per row of rest (object array, None where unmatched)
        for j in range(int(counts.max())):
            rows = np.flatnonzero(counts > j)
            at_j = (
                [apps[r][j] for r in rows.tolist()]
                if rows.size < len(rest)
                else [a[j] for a in apps]
            )
            types = list(map(type, at_j))
            keys: dict[tuple[Any, ...], list[int]] = {}
            if one_jur and len(set(types)) == 1:
                keys[(types[0], j, jurs[0])] = list(range(len(at_j)))
            else:
                for k, key in enumerate(
                    zip(types, repeat(j), (jurs[r] for r in rows.tolist()), strict=False)
                ):
                    keys.setdefault(key, []).append(k)
            meta_j = np.full(len(rest), None, dtype=object)
            for key, ks in keys.items():
                todo = np.array(ks, dtype=np.intp)
                for t in self.templates.get(key, ()):
                    if not todo.size:
                        break
                    got = match_many(
                        t,
                        [at_j[k] for k in todo.tolist()] if len(todo) < len(at_j) else at_j,
                        weighted="weight" in t.paths,
                    )
                    if got is None:
                        continue
                    ok, values = got
                    self._block(
                        t,
                        j,
                        rows[todo[ok]],
                        values[ok],
                        [at_j[k] for k in (todo[ok].tolist())],
                        rest,
                        meta_j,
                    )
                    todo = todo[~ok]
                full[rows[todo]] = False
            metas.append(meta_j)
        # blocks may hold approaches of assets that are not fully matched: drop those rows
        self._drop_partial(rest, full)
        left = np.array(rest, dtype=np.intp)[~full]
        for t, idx in self.served:
            t.used += int(idx.size - np.isin(idx, left).sum())
        self.served.clear()
        meta = self.out.meta
        for k in np.unique(counts[full]).tolist():
            sel = np.flatnonzero(full & (counts == k))
            lists = map(list, zip(*(m[sel].tolist() for m in metas[:k]), strict=True))
            if sel.size == len(rest) and rest[-1] - rest[0] == len(rest) - 1:  # one run
                meta[rest[0] : rest[-1] + 1] = lists
                continue
            for i, m in zip([rest[r] for r in sel.tolist()], lists, strict=True):
                meta[i] = m
        return [rest[r] for r in np.flatnonzero(~full).tolist()]

    def _block(
        self,
        t: _Template,
        j: int,
        rows: np.ndarray,
        values: np.ndarray,
        approaches: list[Any],
        rest: list[int],
        meta_j: np.ndarray,
    ) -> None:
        """Add matched approaches at position ``j`` (``rows`` into ``rest``) to their groups."""
        if not rows.size:
            return
        idx = np.array(rest, dtype=np.intp)[rows]
        self.served.append((t, idx))
        lives = np.array(self.lives_arr[idx])  # NaN: no finite life (validated lives are finite)
        has = ~np.isnan(lives)
        weighted = "weight" in t.paths
        for flag in (True, False):
            sel = np.flatnonzero(has == flag)
            if not sel.size:
                continue
            g = self.group(t, t.resolved, flag)
            life = lives[sel] if flag else np.empty(0)
            self.out.groups[g].blocks.append(
                (idx[sel], np.full(sel.size, j, dtype=np.intp), values[sel], life)
            )
            chosen = (
                approaches if sel.size == len(approaches) else [approaches[k] for k in sel.tolist()]
            )
            if weighted:
                w = values[sel, t.paths.index("weight")].tolist()
                made = [self.meta(a, g, x) for a, x in zip(chosen, w, strict=True)]
            else:
                method = t.resolved.model.method
                names = [x or method for x in map(operator.attrgetter("id"), chosen)]
                shared = {nm: self.meta(chosen[0], g, None, nm) for nm in set(names)}
                made = list(map(shared.__getitem__, names))
            meta_j[rows[sel]] = made

    def _drop_partial(self, rest: list[int], full: np.ndarray) -> None:
        """Remove block rows of assets left for one-by-one resolution (and uncount them)."""
        if full.all():
            return
        left = np.array(rest, dtype=np.intp)[~full]
        for grp in self.out.groups:
            kept = []
            for i, j, v, life in grp.blocks:
                keep = ~np.isin(i, left)
                kept.append((i[keep], j[keep], v[keep], life[keep] if life.size else life))
            grp.blocks = kept


def _lives_and_jurisdictions(
    header: CaseHeader, assets: list[Asset]
) -> tuple[list[float | None], list[str] | None, list[str | None]]:
    """Per asset: income-period cap and its source (:func:`resolved_life`; sources None when
    every cap is the remaining legal term) and jurisdiction, read column-wise when every asset
    gives its remaining legal term and no economic life (the common case)."""
    fields = list(map(vars, assets))  # validated models keep their fields in __dict__
    legal, econ, given = (
        list(map(operator.itemgetter(f), fields))
        for f in ("remaining_legal_term_years", "economic_life_years", "jurisdictions")
    )
    lives: list[float | None]
    sources: list[str] | None = None
    if None not in legal and set(econ) == {None}:
        lives = legal
    else:
        d = header.valuation_date
        caps = [resolved_life(a, d) for a in assets]
        lives, sources = [c[0] for c in caps], [c[1] for c in caps]
    if header.jurisdiction:
        return lives, sources, [header.jurisdiction] * len(assets)
    if not any(given):
        return lives, sources, [None] * len(assets)
    return lives, sources, [x[0] if x else None for x in given]


def resolve_portfolio(case: Any, *, framework: Any = None) -> BatchResolution:
    """Resolve every asset's approaches into groups, reusing templates for repeated
    structures (see the module docstring).

    Assets are taken in order; each time one creates a new template, all assets not yet
    resolved are matched against the templates column-wise (:func:`match_many`). Once such
    passes stop paying (a pass resolving under 1/16 of the rest, four times), the remaining
    assets are matched one by one, as a very heterogeneous portfolio needs.
    """
    r = _Resolver(case, framework)
    header: CaseHeader = case
    r.lives, r.out.life_sources, r.jurs = _lives_and_jurisdictions(
        header, list(map(operator.attrgetter("asset"), case.assets))
    )
    r.lives_arr = np.array(r.lives, dtype=np.float64)  # None -> NaN
    rest = list(range(len(case.assets)))
    pos, budget = 0, 4
    while pos < len(rest):
        i = rest[pos]
        pos += 1
        if r.one(i) and budget and pos < len(rest):
            left = rest[pos:]
            rest, pos = r.many(left), 0
            if 16 * (len(left) - len(rest)) < len(left):
                budget -= 1
    for t in r.all_templates:
        if t.used:
            r.out.assumptions.append(
                Assumption(
                    f"{t.resolved.prefix}*",
                    t.used,
                    "assets",
                    f"the assumptions recorded under {t.resolved.prefix} also apply to {t.used} "
                    "further assets whose approach has the same input structure",
                )
            )
    return r.out
