"""The Framework protocol and its result types.

A framework (IVS, KR, CN, JP, SG, HK, IN, AU) fills every parameter a case leaves open — tax
rate, discount-rate build-up, royalty benchmark, economic life, TAB on/off and period, timing
and terminal-value conventions, method weights by purpose — and records for each one its value,
source and evidence label (METHODS.md: **V** primary, **S** secondary, **U** unconfirmed).
A parameter labelled U is never a silent default: :meth:`ResolvedCase.warnings` names it and
its source. Resolution order: case value > framework (user inputs > framework default) >
reference data.

The seam with the engine (docs/dev/CONTRACTS.md): ``framework.resolve(case)`` returns a
:class:`ResolvedCase` whose ``case`` has the open fields filled in (numbers, or
``{ref: ...}`` for reference figures so that the engine records their provenance); the engine
values that case and appends :meth:`ResolvedCase.assumptions` and
:meth:`ResolvedCase.valuation_warnings` to the result. ``framework.defaults(case)`` gives the
conventions alone for callers that only need those.

Every parameter belongs to one *factor* (:data:`FACTORS`); the cross-border comparison
(:mod:`ipvalue.frameworks.compare`) swaps parameters factor by factor between frameworks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from ipvalue.model.case import ValuationCase
    from ipvalue.model.result import Assumption, ValuationWarning

Evidence = Literal["V", "S", "U", "input", "refdata"]
"""``V``/``S``/``U`` as in METHODS.md; ``input`` = given by the user for this case;
``refdata`` = a packaged reference figure (its own confidence travels with it)."""

Factor = Literal[
    "discount_rate", "income", "economic_life", "tax_tab", "method_mix", "fx", "adjustments"
]
FACTORS: tuple[Factor, ...] = (
    "discount_rate",
    "income",
    "economic_life",
    "tax_tab",
    "method_mix",
    "fx",
    "adjustments",
)
FACTOR_LABELS: dict[str, str] = {
    "discount_rate": "discount rate and discounting conventions",
    "income": "income base / royalty / contribution",
    "economic_life": "economic life",
    "tax_tab": "tax rate and tax amortisation benefit",
    "method_mix": "method mix (approach weights)",
    "fx": "exchange rate",
    "adjustments": "enterprise correction coefficients",
}


@dataclass(frozen=True)
class ResolvedParameter:
    """One parameter a framework filled or relied on.

    Attributes
    ----------
    name : str
        Domain name (``discount_rate``, ``risk_free_rate``, ``tab_period_years``).
    value : float, str, bool or None
        The value used (fractions for rates).
    unit : str or None
        ``fraction``, ``years`` …
    source : str
        Where it comes from: a standard paragraph, a refdata ref with its source, "case input".
    evidence : Evidence
        ``V``, ``S``, ``U``, ``input`` or ``refdata``.
    factor : Factor
        The comparison factor it belongs to.
    path : str or None
        Case field it fills (``approaches.0.discount_rate``); None for components and notes.
    patch : Any
        What is written at ``path`` (a number, ``{"ref": ...}``, ``{"period_years": 5}``,
        ``False``); defaults to ``value``.
    source_date, confidence, note : str or None
        Provenance details.
    """

    name: str
    value: float | str | bool | None
    unit: str | None
    source: str
    evidence: Evidence
    factor: Factor
    path: str | None = None
    patch: Any = None
    source_date: str | None = None
    confidence: str | None = None
    note: str | None = None

    @property
    def patch_value(self) -> Any:
        return self.value if self.patch is None else self.patch


@dataclass(frozen=True)
class FrameworkWarning:
    """A warning with a stable code (``unconfirmed_parameter`` …) and a message for people."""

    code: str
    message: str


@dataclass(frozen=True)
class Requirement:
    """Something the framework requires of the valuation or its report (not a number).

    Example: Hong Kong reports must be producible in English and Traditional Chinese.
    """

    code: str
    text: str
    source: str
    evidence: Evidence


@dataclass(frozen=True)
class ResolvedCase:
    """A case with every open parameter filled by one framework.

    Attributes
    ----------
    framework : str
        Framework code.
    case : ValuationCase
        The case with open fields filled (case values are never replaced).
    parameters : tuple of ResolvedParameter
        Every parameter filled or relied on, with source and evidence label.
    requirements : tuple of Requirement
        Non-numeric requirements (report language, panel valuer …).
    extra_warnings : tuple of FrameworkWarning
        Warnings besides the U-parameter ones (missing TAB period, useful life not assessed …).
    """

    framework: str
    case: ValuationCase
    parameters: tuple[ResolvedParameter, ...]
    requirements: tuple[Requirement, ...] = ()
    extra_warnings: tuple[FrameworkWarning, ...] = ()

    def warnings(self) -> tuple[FrameworkWarning, ...]:
        """Extra warnings plus one ``unconfirmed_parameter`` warning per U parameter used."""
        out = list(self.extra_warnings)
        seen: set[str] = set()
        for p in self.parameters:
            if p.evidence == "U" and p.name not in seen:
                seen.add(p.name)  # one warning per parameter name (weights repeat per approach)
                out.append(
                    FrameworkWarning(
                        "unconfirmed_parameter",
                        f"{self.framework}: {p.name} = {_fmt(p.value)} is unconfirmed (U) — "
                        f"source: {p.source}",
                    )
                )
        return tuple(out)

    def patches(self, factors: frozenset[str] | None = None) -> dict[str, Any]:
        """Case patches (path → value) of the given factors (all factors when None)."""
        return {
            p.path: p.patch_value
            for p in self.parameters
            if p.path is not None and (factors is None or p.factor in factors)
        }

    def parameter(self, name: str) -> ResolvedParameter:
        """The first parameter called ``name`` (KeyError when absent)."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    def assumptions(self) -> list[Assumption]:
        """Parameters as result assumptions (``framework CODE [label]: source``)."""
        from ipvalue.model.result import Assumption

        return [
            Assumption(
                name=f"framework.{self.framework}.{p.path or p.name}",
                value=p.value,
                unit=p.unit,
                source=f"framework {self.framework} [{p.evidence}]: {p.source}",
                source_date=p.source_date,
                confidence=p.confidence,
            )
            for p in self.parameters
        ]

    def valuation_warnings(self) -> list[ValuationWarning]:
        """Warnings and requirements as result warnings."""
        from ipvalue.model.result import ValuationWarning

        out = [ValuationWarning(w.code, w.message) for w in self.warnings()]
        out += [
            ValuationWarning(f"requirement.{r.code}", f"{self.framework}: {r.text} ({r.source})")
            for r in self.requirements
        ]
        return out


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@runtime_checkable
class Framework(Protocol):
    """What every jurisdiction framework provides.

    ``code`` is the registry code (``IVS``, ``KR`` …), ``name`` a human title, ``country`` the
    ISO 3166-1 alpha-2 whose reference data it uses (None: the case's jurisdiction) and
    ``currency`` its home currency (None: the case currency).
    """

    code: str
    name: str
    country: str | None
    currency: str | None

    def resolve(self, case: ValuationCase) -> ResolvedCase:
        """Fill every open parameter of ``case``; raise InputError for missing inputs."""
        ...

    def defaults(self, case: Any) -> Mapping[str, Any]:
        """Conventions only: ``timing``, ``terminal_discounting``, ``tab_period``, ``weights``."""
        ...

    def requirements(self, case: ValuationCase) -> tuple[Requirement, ...]:
        """Non-numeric requirements of this framework for ``case``."""
        ...


@dataclass(frozen=True)
class FrameworkInfo:
    """Registry entry: what the framework follows and how far it is verified."""

    code: str
    name: str
    follows: str
    country: str | None
    currency: str | None
    notes: tuple[str, ...] = field(default_factory=tuple)
