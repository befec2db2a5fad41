"""Resolution helpers shared by the KR, CN and JP framework classes.

Each framework validates its own ``framework_inputs.<CODE>`` block with pydantic, fills only
fields the case leaves open (case values are never replaced, except the declared KR
contribution step, see kr docs), and records every filled or relied-on parameter with its
source and evidence label in a :class:`~ipvalue.frameworks.base.ResolvedCase`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ipvalue.core.errors import InputError
from ipvalue.frameworks._patch import apply_patches
from ipvalue.frameworks.base import (
    Evidence,
    Factor,
    FrameworkWarning,
    ResolvedCase,
    ResolvedParameter,
)


def parse_inputs(model: type[BaseModel], case: Any, code: str) -> Any:
    """Validate ``framework_inputs.<code>`` (empty when absent); errors name the field."""
    data = case.framework_inputs.get(code, {})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputError(
            f"framework_inputs.{code}" + (f".{loc}" if loc else ""), err["msg"]
        ) from None


@dataclass
class Resolution:
    """Parameters and warnings gathered while resolving one case."""

    code: str
    case: Any
    params: list[ResolvedParameter] = field(default_factory=list)
    warnings: list[FrameworkWarning] = field(default_factory=list)

    def add(
        self,
        name: str,
        value: Any,
        unit: str | None,
        source: str,
        evidence: Evidence,
        factor: Factor,
        path: str | None = None,
        patch: Any = None,
        **kw: Any,
    ) -> None:
        """Record a parameter (with ``path``: also a patch of the case)."""
        self.params.append(
            ResolvedParameter(name, value, unit, source, evidence, factor, path, patch, **kw)
        )

    def warn(self, code: str, message: str) -> None:
        """Add a framework warning (prefixed with the framework code)."""
        self.warnings.append(FrameworkWarning(code, f"{self.code}: {message}"))

    def note_all(self, notes: Any) -> None:
        """Carry the warnings of a formula result into the resolution."""
        for n in notes:
            self.warn(n.code, n.message)

    def refdata(self, name: str, ref: str, factor: Factor, path: str | None, hint: str) -> float:
        """Fill ``path`` with a reference figure (patched as ``{ref: ...}``)."""
        from ipvalue.refdata import lookup

        try:
            f = lookup(ref)
        except InputError as exc:
            raise InputError(exc.field, f"{exc.rule}; or give {hint}") from None
        value = f.as_float()
        self.add(
            name,
            value,
            "fraction",
            f"refdata {ref}: {f.source}",
            "refdata",
            factor,
            path,
            {"ref": ref} if path else None,
            source_date=f.source_date,
            confidence=f.confidence,
        )
        return value

    def result(self, requirements: tuple[Any, ...] = ()) -> ResolvedCase:
        """The resolved case: every path-bearing parameter patched into a validated copy."""
        patches = {p.path: p.patch_value for p in self.params if p.path is not None}
        return ResolvedCase(
            framework=self.code,
            case=apply_patches(self.case, patches),
            parameters=tuple(self.params),
            requirements=requirements,
            extra_warnings=tuple(self.warnings),
        )


def valuer_fx(res: Resolution, rate: float | None, home: str) -> None:
    """The valuer's own conversion rate (``framework_inputs.<CODE>.fx_rate``, home currency
    per case currency), used by ``ipvalue compare`` instead of the reference rate."""
    if rate is not None:
        res.add(
            "fx_rate",
            rate,
            f"{home} per {res.case.currency}",
            "case input (the valuer's own conversion rate)",
            "input",
            "fx",
        )


def open_field(approach: Any, name: str) -> bool:
    """True when the approach has the field and the case left it open (None)."""
    return name in type(approach).model_fields and getattr(approach, name) is None


def year_end_timing(
    res: Resolution, i: int, approach: Any, source: str, evidence: Evidence
) -> None:
    """Fill an open timing with year-end discounting (KR guide tooling, CN textbook forms)."""
    if open_field(approach, "timing") and res.case.conventions.timing is None:
        res.add("timing", "end", None, source, evidence, "discount_rate", f"approaches.{i}.timing")


@contextmanager
def case_fields(prefixes: Mapping[str, str]) -> Iterator[None]:
    """Rename the fields of input errors raised inside from formula names to case paths.

    The pure formula modules name fields by their own parameters (``kr.trp.items.x``); a user
    needs the case path (``framework_inputs.KR.rate.trp_items.x``). The longest matching
    prefix wins.
    """
    try:
        yield
    except InputError as exc:
        for old in sorted(prefixes, key=len, reverse=True):
            if exc.field == old or exc.field.startswith(old + "."):
                raise InputError(prefixes[old] + exc.field[len(old) :], exc.rule) from None
        raise


class InputsFramework:
    """Shared shape of the KR and CN framework classes.

    A subclass declares ``code``, its inputs model (``inputs_model``), the map from formula
    field names to case paths (``fields``) and implements ``_resolve(case, inputs)``.
    ``resolve`` validates ``framework_inputs.<code>`` and reports every input error under the
    case path the user wrote.
    """

    code: str
    inputs_model: type[BaseModel]
    fields: Mapping[str, str] = {}

    def defaults(self, case: Any) -> dict[str, Any]:
        """Year-end discounting; no TAB (neither the KR guide nor the CN forms have one)."""
        return {"timing": "end"}

    def requirements(self, case: Any) -> tuple[Any, ...]:
        """No non-numeric requirements are documented for this framework."""
        return ()

    def resolve(self, case: Any) -> ResolvedCase:
        """Fill the open parameters of ``case`` under this framework.

        Raises
        ------
        InputError
            A needed ``framework_inputs.<code>`` block is missing, or any input is invalid.
        """
        inputs = parse_inputs(self.inputs_model, case, self.code)
        with case_fields(self.fields):
            return self._resolve(case, inputs)

    def _resolve(self, case: Any, inputs: Any) -> ResolvedCase:  # pragma: no cover - abstract
        raise NotImplementedError
