"""Probability distributions for uncertain case inputs.

Any numeric case input may be a plain number or a distribution, written in a case file as a
mapping tagged by ``dist``::

    royalty_rate: {dist: pert, low: 0.02, mode: 0.03, high: 0.05}
    growth:       {dist: normal, mean: 0.03, sd: 0.01, max: 0.08}
    revenue:      {dist: lognormal, mean: 1.0e6, sd: 2.0e5}
    scenario:     {dist: discrete, values: [0, 1], probabilities: [0.3, 0.7]}

Every distribution offers

* ``point()`` -- the value deterministic runs use: the explicit ``base`` if given, else the mean;
* ``mean()``, ``variance()``, ``std()`` -- closed-form moments;
* ``ppf(u)`` -- the vectorised inverse CDF (quantile function), used by sensitivity and the copula;
* ``from_standard_normal(z)`` -- ``ppf(Φ(z))`` computed without losing the tails (Gaussian copula);
* ``sample(rng, size)`` -- independent draws with numpy's native generator for that family.

Validation is strict: unknown keys are refused, every number must be finite (no NaN, no
infinity, no booleans or strings), and each family states its own rules (``sd > 0``,
``low <= mode <= high`` with ``low < high``, probabilities ``>= 0`` summing to 1 within 1e-9).
A ``base`` outside the support of the distribution is refused.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Annotated, Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special

__all__ = [
    "Discrete",
    "Distribution",
    "DistributionBase",
    "Lognormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uncertain",
    "Uniform",
    "point_value",
]

FloatArray: TypeAlias = NDArray[np.float64]

#: A finite float; booleans, strings, NaN and infinities are refused.
Finite = Annotated[float, Field(strict=True, allow_inf_nan=False)]

#: Smallest probability a truncated normal's interval may hold under the parent normal.
MIN_TRUNCATED_MASS = 1e-12
#: Truncated normals holding at least this probability are sampled by rejection.
REJECTION_MIN_MASS = 0.25
#: Tolerance on the sum of discrete probabilities.
PROBABILITY_SUM_TOLERANCE = 1e-9


class DistributionBase(BaseModel):
    """Fields and behaviour shared by every distribution.

    Use :data:`Distribution` (the tagged union) to *parse* a distribution and this class to
    *type* functions that accept any distribution (``float | DistributionBase``).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=False,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    base: Finite | None = Field(
        default=None,
        description="value used by deterministic runs (default: the mean of the distribution)",
    )

    # -- to implement per family ---------------------------------------------------------------
    def _check(self) -> None:
        """Raise ``ValueError`` naming the field and the rule when parameters are inconsistent."""

    def support(self) -> tuple[float, float]:
        """Smallest and largest possible values (``-inf``/``inf`` when unbounded)."""
        raise NotImplementedError

    def mean(self) -> float:
        """Expected value."""
        raise NotImplementedError

    def variance(self) -> float:
        """Variance."""
        raise NotImplementedError

    def ppf(self, u: ArrayLike) -> FloatArray:
        """Inverse CDF at probabilities ``u`` in [0, 1] (vectorised)."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` independent draws (default: inverse CDF of uniforms)."""
        return self.ppf(rng.random(size))

    # -- shared ---------------------------------------------------------------------------------
    @model_validator(mode="after")
    def _validate(self) -> DistributionBase:
        self._check()
        if self.base is not None:
            lo, hi = self.support()
            if not lo <= self.base <= hi:
                raise ValueError(f"base must lie within the support [{lo:g}, {hi:g}]")
        return self

    def point(self) -> float:
        """Value for deterministic runs: ``base`` when given, else :meth:`mean`."""
        return self.base if self.base is not None else self.mean()

    def std(self) -> float:
        """Standard deviation."""
        return math.sqrt(self.variance())

    def quantile(self, q: float) -> float:
        """Scalar inverse CDF (e.g. ``quantile(0.1)`` is the p10)."""
        return float(self.ppf(np.asarray([q], dtype=np.float64))[0])

    def from_standard_normal(self, z: ArrayLike) -> FloatArray:
        """Map standard-normal draws to this distribution: ``ppf(Φ(z))``.

        Used by the Gaussian copula. Families with a closed form (normal, lognormal) override it
        so that no precision is lost in the tails.
        """
        return self.ppf(special.ndtr(np.asarray(z, dtype=np.float64)))


def _as_u(u: ArrayLike) -> FloatArray:
    return np.asarray(u, dtype=np.float64)


class Normal(DistributionBase):
    """Normal distribution ``N(mean, sd²)``, optionally truncated to ``[min, max]``.

    ``mean`` and ``sd`` are the parameters of the parent (untruncated) normal. With truncation,
    :meth:`mean` and :meth:`variance` are those of the truncated distribution (and ``point()``
    defaults to the truncated mean). Truncation is the way to keep a rate inside its valid range
    without distorting draws (draws outside are never clamped).

    Edge cases: ``sd`` must be > 0; ``min < max`` when both are given; a one-sided truncation
    leaves the other tail unbounded; ``ppf(0)``/``ppf(1)`` give the support bounds (±inf when
    untruncated).
    """

    dist: Literal["normal"] = "normal"
    loc: Finite = Field(alias="mean", description="mean of the (untruncated) normal")
    sd: Finite = Field(gt=0, description="standard deviation of the (untruncated) normal, > 0")
    min: Finite | None = Field(default=None, description="lower truncation bound (optional)")
    max: Finite | None = Field(default=None, description="upper truncation bound (optional)")

    def _check(self) -> None:
        if self.min is not None and self.max is not None and not self.min < self.max:
            raise ValueError("min must be < max")
        if self.truncated and not self._mass >= MIN_TRUNCATED_MASS:
            raise ValueError(
                "min/max: the truncation interval must hold at least 1e-12 of the probability"
            )

    @property
    def truncated(self) -> bool:
        """Whether a truncation bound is set."""
        return self.min is not None or self.max is not None

    @property
    def _std_bounds(self) -> tuple[float, float]:
        a = -math.inf if self.min is None else (self.min - self.loc) / self.sd
        b = math.inf if self.max is None else (self.max - self.loc) / self.sd
        return a, b

    @property
    def _mass(self) -> float:
        """``Φ(b) − Φ(a)``, computed in whichever tail keeps its precision."""
        a, b = self._std_bounds
        if a >= 0.0:
            return float(special.ndtr(-a) - special.ndtr(-b))
        if b <= 0.0:
            return float(special.ndtr(b) - special.ndtr(a))
        return float(1.0 - special.ndtr(a) - special.ndtr(-b))

    def _truncated_ppf(self, u: FloatArray, upper_u: FloatArray) -> FloatArray:
        """Quantile at ``u`` given also ``upper_u = 1 − u`` (exact when ``u`` comes from Φ(z)).

        Below the median of the parent the lower-tail form ``Φ⁻¹(Φ(a) + u·Z)`` is accurate,
        above it the mirrored form ``−Φ⁻¹(Φ(−b) + (1 − u)·Z)``; each element uses the
        accurate one, so no quantile is lost to ``Φ`` rounding to 1.
        """
        a, b = self._std_bounds
        mass = self._mass
        p = special.ndtr(a) + u * mass
        q = special.ndtr(-b) + upper_u * mass
        with np.errstate(invalid="ignore"):
            std = np.where(p <= 0.5, special.ndtri(p), -special.ndtri(q))
        # Guard the bounds against rounding in the last ulp.
        std = np.clip(std, a, b)
        return np.asarray(self.loc + self.sd * std, dtype=np.float64)

    def support(self) -> tuple[float, float]:
        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        return lo, hi

    def mean(self) -> float:
        if not self.truncated:
            return self.loc
        a, b = self._std_bounds
        pdf_a, pdf_b = _phi(a), _phi(b)
        return self.loc + self.sd * (pdf_a - pdf_b) / self._mass

    def variance(self) -> float:
        if not self.truncated:
            return self.sd**2
        a, b = self._std_bounds
        z = self._mass
        pdf_a, pdf_b = _phi(a), _phi(b)
        a_term = a * pdf_a if math.isfinite(a) else 0.0
        b_term = b * pdf_b if math.isfinite(b) else 0.0
        shift = (pdf_a - pdf_b) / z
        return self.sd**2 * (1.0 + (a_term - b_term) / z - shift * shift)

    def ppf(self, u: ArrayLike) -> FloatArray:
        u = _as_u(u)
        if self.truncated:
            return self._truncated_ppf(u, 1.0 - u)
        return self.loc + self.sd * special.ndtri(u)

    def from_standard_normal(self, z: ArrayLike) -> FloatArray:
        z = np.asarray(z, dtype=np.float64)
        if not self.truncated:
            return self.loc + self.sd * z
        return self._truncated_ppf(special.ndtr(z), special.ndtr(-z))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """Native normal draws; truncated: rejection when the interval holds >= 25 % of the
        probability (exact and several times faster than the inverse CDF), else inverse CDF."""
        if not self.truncated:
            return rng.normal(self.loc, self.sd, size)
        mass = self._mass
        if mass < REJECTION_MIN_MASS:
            return self.ppf(rng.random(size))
        lo, hi = self.support()
        out = np.empty(size)
        filled = 0
        while filled < size:
            need = size - filled
            x = rng.normal(self.loc, self.sd, int(need / mass * 1.05) + 16)
            x = x[(x >= lo) & (x <= hi)][:need]
            out[filled : filled + len(x)] = x
            filled += len(x)
        return out


def _phi(x: float) -> float:
    """Standard normal density (0 at ±inf)."""
    return 0.0 if math.isinf(x) else math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


class Lognormal(DistributionBase):
    """Lognormal distribution given by the **mean and sd of the variable itself** (not its log).

    The log of the variable is normal with ``sigma² = ln(1 + (sd/mean)²)`` and
    ``mu = ln(mean) − sigma²/2`` (available as :attr:`mu` and :attr:`sigma`). This is the
    parametrisation valuers quote ("revenue 1.0m ± 0.2m, right-skewed").

    Edge cases: ``mean`` and ``sd`` must be > 0; the support is ``(0, inf)``; a ``base`` must be
    > 0.
    """

    dist: Literal["lognormal"] = "lognormal"
    loc: Finite = Field(alias="mean", gt=0, description="mean of the variable, > 0")
    sd: Finite = Field(gt=0, description="standard deviation of the variable, > 0")

    @property
    def sigma(self) -> float:
        """Standard deviation of ``ln X``."""
        return math.sqrt(math.log1p((self.sd / self.loc) ** 2))

    @property
    def mu(self) -> float:
        """Mean of ``ln X``."""
        return math.log(self.loc) - 0.5 * math.log1p((self.sd / self.loc) ** 2)

    def _check(self) -> None:
        if self.base is not None and not self.base > 0:
            raise ValueError("base must be > 0 for a lognormal")

    def support(self) -> tuple[float, float]:
        return 0.0, math.inf

    def mean(self) -> float:
        return self.loc

    def variance(self) -> float:
        return self.sd**2

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.exp(self.mu + self.sigma * special.ndtri(_as_u(u)))

    def from_standard_normal(self, z: ArrayLike) -> FloatArray:
        return np.exp(self.mu + self.sigma * np.asarray(z, dtype=np.float64))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, size)


class Uniform(DistributionBase):
    """Continuous uniform distribution on ``[low, high]`` with ``low < high``."""

    dist: Literal["uniform"] = "uniform"
    low: Finite
    high: Finite

    def _check(self) -> None:
        if not self.low < self.high:
            raise ValueError("low must be < high")

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.low + (self.high - self.low) * _as_u(u)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return rng.uniform(self.low, self.high, size)


def _check_three_point(low: float, mode: float, high: float) -> None:
    if not low < high:
        raise ValueError("low must be < high")
    if not low <= mode <= high:
        raise ValueError("mode must satisfy low <= mode <= high")


class Triangular(DistributionBase):
    """Triangular distribution with ``low <= mode <= high`` and ``low < high``.

    ``mean = (low + mode + high)/3``; ``mode`` may equal ``low`` or ``high`` (right triangle).
    """

    dist: Literal["triangular"] = "triangular"
    low: Finite
    mode: Finite
    high: Finite

    def _check(self) -> None:
        _check_three_point(self.low, self.mode, self.high)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def variance(self) -> float:
        # (a² + b² + c² − ab − ac − bc)/18, shifted to low = 0: no cancellation far from 0.
        c, b = self.mode - self.low, self.high - self.low
        return (b * b + c * c - b * c) / 18.0

    def ppf(self, u: ArrayLike) -> FloatArray:
        u = _as_u(u)
        a, c, b = self.low, self.mode, self.high
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.asarray(np.where(u < split, left, right), dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Pert(DistributionBase):
    """(Modified) PERT distribution: a beta on ``[low, high]`` shaped by ``mode`` and ``lambda``.

    ``alpha = 1 + lambda·(mode − low)/(high − low)``,
    ``beta = 1 + lambda·(high − mode)/(high − low)``,
    ``mean = (low + lambda·mode + high)/(lambda + 2)``; ``lambda = 4`` is classic PERT.

    Edge cases: ``low < high``, ``low <= mode <= high``, ``lambda > 0``. The inverse CDF uses the
    regularised incomplete beta inverse, which is exact but slower than the other families (it
    only matters in correlated simulations).
    """

    dist: Literal["pert"] = "pert"
    low: Finite
    mode: Finite
    high: Finite
    lam: Finite = Field(default=4.0, alias="lambda", gt=0, description="shape weight of the mode")

    def _check(self) -> None:
        _check_three_point(self.low, self.mode, self.high)

    @property
    def alpha(self) -> float:
        """First beta shape parameter."""
        return 1.0 + self.lam * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        """Second beta shape parameter."""
        return 1.0 + self.lam * (self.high - self.mode) / (self.high - self.low)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def mean(self) -> float:
        return (self.low + self.lam * self.mode + self.high) / (self.lam + 2.0)

    def variance(self) -> float:
        a, b = self.alpha, self.beta
        return (self.high - self.low) ** 2 * a * b / ((a + b) ** 2 * (a + b + 1.0))

    def ppf(self, u: ArrayLike) -> FloatArray:
        x = special.betaincinv(self.alpha, self.beta, _as_u(u))
        return np.asarray(self.low + (self.high - self.low) * x, dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        x = rng.beta(self.alpha, self.beta, size)
        x *= self.high - self.low
        x += self.low
        return x


class Discrete(DistributionBase):
    """Discrete scenarios: ``values[i]`` occurs with ``probabilities[i]``; optional ``labels``.

    Edge cases: at least one value; ``probabilities`` has one entry per value, each >= 0, summing
    to 1 within 1e-9 (the residual is not redistributed: quantiles treat the last cumulative
    probability as exactly 1); ``labels``, when given, has one entry per value. Values need not be
    sorted or distinct; :meth:`ppf` orders them by value (scenarios with probability 0 are never
    drawn).
    """

    dist: Literal["discrete"] = "discrete"
    values: list[Finite] = Field(min_length=1)
    probabilities: list[Finite] = Field(min_length=1)
    labels: list[str] | None = None

    def _check(self) -> None:
        if len(self.probabilities) != len(self.values):
            raise ValueError("probabilities must have one entry per value")
        if self.labels is not None and len(self.labels) != len(self.values):
            raise ValueError("labels must have one entry per value")
        if any(p < 0 for p in self.probabilities):
            raise ValueError("probabilities must be >= 0")
        total = math.fsum(self.probabilities)
        if abs(total - 1.0) > PROBABILITY_SUM_TOLERANCE:
            raise ValueError(f"probabilities must sum to 1 within 1e-9 (sum is {total!r})")

    @cached_property
    def _sorted(self) -> tuple[FloatArray, FloatArray, int]:
        v = np.asarray(self.values, dtype=np.float64)
        p = np.asarray(self.probabilities, dtype=np.float64)
        order = np.argsort(v, kind="stable")
        cum = np.cumsum(p[order])
        cum[-1] = 1.0
        last_live = int(np.flatnonzero(p[order] > 0)[-1])
        return v[order], cum, last_live

    def support(self) -> tuple[float, float]:
        live = [v for v, p in zip(self.values, self.probabilities, strict=True) if p > 0]
        return min(live), max(live)

    def mean(self) -> float:
        return math.fsum(v * p for v, p in zip(self.values, self.probabilities, strict=True))

    def variance(self) -> float:
        m = self.mean()
        pairs = zip(self.values, self.probabilities, strict=True)
        return math.fsum(p * (v - m) ** 2 for v, p in pairs)

    def ppf(self, u: ArrayLike) -> FloatArray:
        values, cum, last_live = self._sorted
        # side="right": u in [cum[j-1], cum[j]) -> value j, so zero-probability values are
        # skipped; u = 1 maps to the largest value that has probability.
        idx = np.searchsorted(cum, _as_u(u), side="right")
        return values[np.minimum(idx, last_live)]


#: Any distribution, tagged by ``dist``.
Distribution = Annotated[
    Normal | Lognormal | Uniform | Triangular | Pert | Discrete,
    Field(discriminator="dist"),
]

#: A numeric case input: a plain number or a distribution.
Uncertain: TypeAlias = float | Distribution


def point_value(x: float | DistributionBase) -> float:
    """The deterministic value of an input: the number itself, or ``point()`` of a distribution."""
    return float(x) if isinstance(x, int | float) else x.point()
