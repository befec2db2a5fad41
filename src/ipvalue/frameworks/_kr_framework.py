"""The KR framework: resolves a case the way the MOTIE/KIAT practice guide values technology.

Inputs: ``framework_inputs.KR`` (docs/frameworks/kr.md). What it fills, only where the case
leaves a field open:

* ``timing`` = end (guide tooling discounts at year end [tvl-app]; S);
* ``tab`` = false (the guide contains no TAB; METHODS §1.3);
* ``tax_rate`` = statutory CIT from reference data;
* ``discount_rate`` = the build-up in the variant named by ``rate.kr_rate_variant`` (required;
  no default variant) with TRP(S);
* ``asset.economic_life_years`` = Model I life from cited-patent-age quartiles (given, read
  from an analytics cycle-time file, or from the case's ``patent_evidence.cycle_time_file``);
* on request (``strength.auto_scores``), the KR app's auto-scores of 경제적수명, 진부화가능성 and
  사업화준비기간 (U; a valuer's score wins);
* the technology-contribution step: the DCF approach named by ``contribution.approach`` holds
  the *business* free cash flows; the framework replaces them by
  ``FCF_t × CC`` (CC = industry factor × technology share × individual strength); the
  engine caps them at the economic life, a fractional final year counting by its fraction.
  This is the one case value the framework rewrites, by the case's explicit request, and the
  trace records it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj_framework import (
    InputsFramework,
    Resolution,
    case_fields,
    open_field,
    valuer_fx,
    year_end_timing,
)
from ipvalue.frameworks._kr_autoscore import AUTO_SCORE_SOURCE, auto_item, auto_score
from ipvalue.frameworks._kr_contribution import individual_strength, technology_contribution
from ipvalue.frameworks._kr_cycletime import read_cycle_time_quartiles
from ipvalue.frameworks._kr_evidence import (
    PERCENTILE_CONVENTION,
    STRENGTH_ITEM_INDICATORS,
    case_item_evidence,
    describe,
)
from ipvalue.frameworks._kr_life import Quartiles, life_factor_score, model_i_life
from ipvalue.frameworks._kr_rate import kr_discount_rate, trp, trp_from_items
from ipvalue.frameworks.base import ResolvedCase


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KrRateInputs(_Strict):
    """``framework_inputs.KR.rate``: build-up components with sources; variant required."""

    kr_rate_variant: Literal["guide_example", "wacc_tax_shield"]
    cost_of_equity: float = Field(ge=-0.5, lt=1, allow_inf_nan=False)
    cost_of_equity_source: str = Field(min_length=1)
    size_premium: float = Field(ge=0, lt=1, allow_inf_nan=False)
    size_premium_source: str = Field(min_length=1)
    cost_of_debt: float = Field(ge=0, lt=1, allow_inf_nan=False)
    debt_ratio: float = Field(ge=0, le=1, allow_inf_nan=False)
    tax_rate: float | None = Field(default=None, ge=0, lt=1, allow_inf_nan=False)
    trp_score: float | None = None
    trp_items: dict[str, float] | None = None


class KrRefIn(_Strict):
    """A reference-data figure ``{ref: table/key/column}``."""

    ref: str = Field(pattern=r"^[A-Za-z0-9_.\-]+/[^/]+/[A-Za-z0-9_.\-]+$")


class KrContributionInputs(_Strict):
    """``framework_inputs.KR.contribution``: CC inputs and the dcf approach they apply to."""

    approach: str = Field(min_length=1, description="id of the dcf approach with business FCF")
    industry_factor: float | KrRefIn
    industry_factor_source: str | None = Field(
        default=None, description="required for a number; a {ref} carries its table's source"
    )
    tech_share: float = 1.0
    strength_scores: dict[str, float] = Field(
        description="1-5 per item; items listed in strength.auto_scores may be omitted"
    )
    strength_weights: Literal["equal"] | dict[str, float] | None = Field(
        default=None,
        description="'equal', one weight per item, or omitted to take the "
        "profile's indicator_weights.kr_strength",
    )


class KrQuartilesIn(_Strict):
    """Cited-patent age quartiles given directly, with their source."""

    q1: float
    q2: float
    q3: float
    source: str = Field(min_length=1)


class KrLifeInputs(_Strict):
    """``framework_inputs.KR.life``: quartiles (or a cycle-time file) and the life score."""

    quartiles: KrQuartilesIn | None = None
    cycle_time_file: str | None = None
    scheme: str | None = None
    code: str | None = None
    score: float | None = None
    factors: dict[str, float] | None = None


class KrStrengthInputs(_Strict):
    """``framework_inputs.KR.strength``: opt-in auto-scores of the KR app (U)."""

    auto_scores: list[str] = Field(
        default_factory=list,
        description="economic_life (경제적수명), obsolescence_risk "
        "(진부화가능성), commercialisation_lead_time (사업화준비기간)",
    )
    preparation_months: float | None = Field(
        default=None,
        ge=0,
        le=1200,
        allow_inf_nan=False,
        description="commercialisation preparation time in months; 0 = immediate",
    )
    preparation_months_source: str = Field(default="case input", min_length=1)


class KrInputs(_Strict):
    """``framework_inputs.KR`` (unknown keys refused)."""

    rate: KrRateInputs | None = None
    contribution: KrContributionInputs | None = None
    life: KrLifeInputs | None = None
    strength: KrStrengthInputs | None = None
    royalty_benchmark: str | None = None
    smart: dict[str, Any] | None = Field(default=None, description="scoring only (ipvalue score)")
    contribution_applied: float | None = Field(
        default=None,
        description="set by the framework in the resolved case (the contribution "
        "step is not applied twice); never set it in a case file",
    )
    fx_rate: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="home currency per unit of case currency, as this valuer converts",
    )


_IN = "framework_inputs.KR"
KR_FIELDS = {
    "kr.trp.items": f"{_IN}.rate.trp_items",
    "kr.trp.score": f"{_IN}.rate.trp_score",
    "kr.rate": f"{_IN}.rate",
    "kr_rate_variant": f"{_IN}.rate.kr_rate_variant",
    "strength.scores": f"{_IN}.contribution.strength_scores",
    "strength.weights": f"{_IN}.contribution.strength_weights",
    "kr.industry_factor": f"{_IN}.contribution.industry_factor",
    "kr.industry_factor_source": f"{_IN}.contribution.industry_factor_source",
    "kr.tech_share": f"{_IN}.contribution.tech_share",
    "kr.life.score": f"{_IN}.life.score",
    "kr.life.factors": f"{_IN}.life.factors",
    "kr.life.q1": f"{_IN}.life.quartiles.q1",
    "kr.life.q2": f"{_IN}.life.quartiles.q2",
    "kr.life.q3": f"{_IN}.life.quartiles.q3",
    "kr.life.quartiles": f"{_IN}.life.quartiles",
    "kr.life.quartiles_source": f"{_IN}.life.quartiles.source",
}
GUIDE = "MOTIE/KIAT 기술가치평가 실무가이드 (METHODS.md §6.1)"


class KoreaFramework(InputsFramework):
    """Korea: technology value = business value × technology contribution (see module doc)."""

    code = "KR"
    name = "Korea — MOTIE/KIAT technology valuation practice guide (기술가치평가 실무가이드)"
    follows = GUIDE
    country: str | None = "KR"
    currency: str | None = "KRW"

    inputs_model = KrInputs
    fields = KR_FIELDS

    def _resolve(self, case: Any, inp: KrInputs) -> ResolvedCase:
        res = Resolution("KR", case)
        life, quartiles = self._life(res, inp)
        for i, a in enumerate(case.approaches):
            year_end_timing(res, i, a, "KR guide tooling discounts at year end [tvl-app]", "S")
            if open_field(a, "tab"):
                res.add(
                    "tab",
                    False,
                    None,
                    "the KR guide contains no TAB (METHODS §1.3)",
                    "V",
                    "tax_tab",
                    f"approaches.{i}.tab",
                    False,
                )
            if open_field(a, "tax_rate"):
                res.refdata(
                    "tax_rate",
                    "country_parameters/KR/cit_statutory_combined_pct",
                    "tax_tab",
                    f"approaches.{i}.tax_rate",
                    f"approaches.{i}.tax_rate",
                )
            if open_field(a, "discount_rate"):
                self._rate(res, inp, i)
            if open_field(a, "royalty_rate") and inp.royalty_benchmark:
                res.refdata(
                    "royalty_rate",
                    inp.royalty_benchmark,
                    "income",
                    f"approaches.{i}.royalty_rate",
                    f"approaches.{i}.royalty_rate",
                )
        if inp.strength is not None and inp.strength.auto_scores and inp.contribution is None:
            raise InputError(
                f"{_IN}.strength.auto_scores",
                f"scores strength items of {_IN}.contribution, which is missing",
            )
        if inp.contribution is not None and inp.contribution_applied is None:
            scores = self._auto_scores(res, inp, life, quartiles)
            self._contribution(res, inp.contribution, life, scores)
        elif inp.contribution_applied is not None:
            res.add(
                "technology_contribution",
                inp.contribution_applied,
                "fraction",
                "already applied to the cash flows of this (resolved) case",
                "input",
                "income",
            )
        self._strength_evidence(res)
        valuer_fx(res, inp.fx_rate, "KRW")
        return res.result()

    # -- parts ----------------------------------------------------------------------------
    def _rate(self, res: Resolution, inp: KrInputs, i: int) -> None:
        if inp.rate is None:
            raise InputError(
                "framework_inputs.KR.rate",
                f"is required: approaches.{i}."
                "discount_rate is open and KR builds it (kr_rate_variant, Ke, SP, "
                "Kd, D/V, TRP)",
            )
        r = inp.rate
        if r.trp_items is not None:
            t = trp_from_items(r.trp_items)
        elif r.trp_score is not None:
            t = trp(r.trp_score)
        else:
            raise InputError("framework_inputs.KR.rate.trp_score", "is required (or trp_items)")
        res.note_all(t.warnings)
        res.add(
            "trp",
            t.trp,
            "fraction",
            f"TRP(S) = −0.0709·ln(S/10 − 1) + 0.1001, S = {t.score:g} ({GUIDE}; table reproduced)",
            "V",
            "discount_rate",
        )
        tax = None
        if r.kr_rate_variant == "wacc_tax_shield":
            if r.tax_rate is not None:
                tax = r.tax_rate
                res.add("rate_tax_rate", tax, "fraction", "case input", "input", "discount_rate")
            else:
                tax = res.refdata(
                    "rate_tax_rate",
                    "country_parameters/KR/cit_statutory_combined_pct",
                    "discount_rate",
                    None,
                    "framework_inputs.KR.rate.tax_rate",
                )
        elif r.tax_rate is not None:
            raise InputError(
                "framework_inputs.KR.rate.tax_rate",
                "is not used by kr_rate_variant 'guide_example' (no debt tax shield); omit it",
            )
        for name, value, src in (
            ("cost_of_equity", r.cost_of_equity, r.cost_of_equity_source),
            ("size_premium", r.size_premium, r.size_premium_source),
        ):
            res.add(name, value, "fraction", src, "input", "discount_rate")
        res.add("cost_of_debt", r.cost_of_debt, "fraction", "case input", "input", "discount_rate")
        res.add("debt_ratio", r.debt_ratio, "fraction", "case input", "input", "discount_rate")
        out = kr_discount_rate(
            variant=r.kr_rate_variant,
            cost_of_equity=r.cost_of_equity,
            size_premium=r.size_premium,
            cost_of_debt=r.cost_of_debt,
            debt_ratio=r.debt_ratio,
            trp=t.trp,
            tax_rate=tax,
        )
        res.add(
            "discount_rate",
            out.rate,
            "fraction",
            f"KR build-up, kr_rate_variant {out.variant}: {out.trace[0].formula} "
            f"[{'2017 guide pp.133–134' if out.variant == 'guide_example' else 'tvl-app'}]",
            "input",
            "discount_rate",
            f"approaches.{i}.discount_rate",
        )

    def _evidence_quartiles(self, res: Resolution) -> Quartiles | None:
        """Quartiles from ``patent_evidence.cycle_time_file`` (seam 1), or None without one.

        The file and its row are read and chosen by :mod:`ipvalue.evidence` (the same row the
        valuation's evidence checks use); its provenance warnings come with the valuation."""
        from ipvalue.evidence import pick_row, read_cycle_times

        pe = getattr(res.case, "patent_evidence", None)
        if pe is None or pe.cycle_time_file is None:
            return None
        ct = read_cycle_times(pe.cycle_time_file)
        row, how = pick_row(ct.rows, pe.cycle_time_code, res.case.asset.classes, ct.info.path)
        where = f"patent_evidence.cycle_time_file:{row['scheme']}/{row['code']}"
        n_ages = row["n_ages"]
        if not isinstance(n_ages, float | int) or n_ages < 1:
            raise InputError(f"{where}.n_ages", "must be >= 1")
        p = ct.info.provenance
        prov = (
            "provenance unknown"
            if p is None
            else f"{p.kind} by ipvalue {p.software_version} at {p.created_at}, data cutoff "
            f"{p.data_cutoff or 'unknown'}"
        )
        q1, q2, q3 = (cast(float, row[k]) for k in ("q1", "q2", "q3"))  # pick_row: non-empty
        q = Quartiles(
            q1,
            q2,
            q3,
            source=f"cycle-time file {Path(ct.info.path).name}, {row['scheme']} {row['code']} "
            f"(n_ages={int(n_ages)}; sha256 {ct.info.short_hash}…; {prov})",
        )
        res.add(
            "cycle_time_row",
            f"{row['scheme']} {row['code']}",
            None,
            f"{Path(ct.info.path).name}: {how}",
            "input",
            "economic_life",
        )
        return q

    def _life(self, res: Resolution, inp: KrInputs) -> tuple[float | None, Quartiles | None]:
        """The economic life and the quartiles behind it (None when Model I is not run)."""
        case_life = res.case.asset.economic_life_years
        if inp.life is None:
            if case_life is not None:
                res.add(
                    "economic_life_years",
                    case_life,
                    "years",
                    "case input",
                    "input",
                    "economic_life",
                )
            return case_life, None
        lf = inp.life
        where = "framework_inputs.KR.life"
        if lf.quartiles is not None:
            q = Quartiles(lf.quartiles.q1, lf.quartiles.q2, lf.quartiles.q3, lf.quartiles.source)
        elif lf.cycle_time_file is not None:
            if not lf.scheme or not lf.code:
                raise InputError(
                    f"{where}.code", "scheme and code are required with cycle_time_file"
                )
            q = read_cycle_time_quartiles(Path(lf.cycle_time_file), scheme=lf.scheme, code=lf.code)
        else:
            from_evidence = self._evidence_quartiles(res)
            if from_evidence is None:
                raise InputError(
                    f"{where}.quartiles",
                    "is required (or cycle_time_file, or patent_evidence.cycle_time_file)",
                )
            q = from_evidence
        if lf.factors is not None:
            score = life_factor_score(lf.factors)
            res.add(
                "life_score",
                score,
                "points",
                "2 × Σ of the 10 life factors (ipvalue reading of S ∈ [20, 100], U)",
                "U",
                "economic_life",
            )
        elif lf.score is not None:
            score = lf.score
        else:
            raise InputError(f"{where}.score", "is required (or factors)")
        m = model_i_life(q, score)
        res.note_all(m.warnings)
        src = (
            f"Model I: quartiles {q.q1:g}/{q.q2:g}/{q.q3:g} y ({q.source}), S = {score:g}, "
            f"cap min(L, Q3) ({GUIDE})"
        )
        if case_life is not None:
            res.add(
                "economic_life_years", case_life, "years", "case input", "input", "economic_life"
            )
            res.add("model_i_life_years", m.life_years, "years", src, "V", "economic_life")
            if abs(case_life - m.life_years) > 1e-9:
                res.warn(
                    "KR_LIFE_CASE_OVERRIDES_MODEL_I",
                    f"case economic life {case_life:g} y used; Model I gives {m.life_years:.4g} y",
                )
            return case_life, q
        res.add(
            "economic_life_years",
            m.life_years,
            "years",
            src,
            "V",
            "economic_life",
            "asset.economic_life_years",
        )
        return m.life_years, q

    def _auto_scores(
        self, res: Resolution, inp: KrInputs, life: float | None, quartiles: Quartiles | None
    ) -> dict[str, float]:
        """The strength scores with the requested app auto-scores filled in (U).

        A score the valuer gives for an auto-scorable item wins; a warning says so and what the
        rule would have given."""
        assert inp.contribution is not None
        scores = dict(inp.contribution.strength_scores)
        st = inp.strength
        if st is None or not st.auto_scores:
            return scores
        where = f"{_IN}.strength"
        items = [auto_item(n) for n in st.auto_scores]
        if len(set(items)) != len(items):
            raise InputError(f"{where}.auto_scores", "lists an item twice")
        for item in items:
            if item == "economic_life":
                if life is None:
                    raise InputError(
                        f"{where}.auto_scores",
                        "economic_life needs an economic "
                        f"life: give {_IN}.life or asset.economic_life_years",
                    )
                value, basis = life, "the resolved economic life"
            elif item == "obsolescence_risk":
                q = quartiles if quartiles is not None else self._evidence_quartiles(res)
                if q is None:
                    raise InputError(
                        f"{where}.auto_scores",
                        "obsolescence_risk needs the "
                        f"field's Q2: give {_IN}.life or "
                        "patent_evidence.cycle_time_file",
                    )
                value, basis = q.q2, f"field Q2 from {q.source}"
            else:
                if st.preparation_months is None:
                    raise InputError(
                        f"{where}.preparation_months",
                        "is required to auto-score commercialisation_lead_time",
                    )
                value, basis = st.preparation_months, st.preparation_months_source
            a = auto_score(item, value)
            if item in scores:
                res.warn(
                    "KR_AUTO_SCORE_NOT_USED",
                    f"strength item {item}: the valuer's score "
                    f"{scores[item]:g} is used; the app rule would give {a.score} "
                    f"({a.input_name} = {value:g}; {a.rule})",
                )
                continue
            scores[item] = float(a.score)
            res.add(
                f"strength_auto_score.{item}",
                float(a.score),
                "points",
                f"{AUTO_SCORE_SOURCE}: {a.rule}; {a.input_name} = {value:g} ({basis})",
                "U",
                "income",
            )
        return scores

    @staticmethod
    def _strength_evidence(res: Resolution) -> None:
        """Indicator percentiles next to the strength items they bear on (evidence shown to the
        valuer, not a score: nothing is filled or changed)."""
        evidence = case_item_evidence(res.case, STRENGTH_ITEM_INDICATORS)
        if evidence is None:
            return
        pe = res.case.patent_evidence
        src = (
            f"{Path(pe.indicators_file).name}, patent {pe.patent_id}: percentiles "
            f"({PERCENTILE_CONVENTION}) in the cohort and the file; item → indicator map is "
            "ipvalue's (docs/frameworks/kr.md); evidence for the valuer, not a score"
        )
        for ev in evidence:
            res.add(f"strength_evidence.{ev.item}", describe(ev), None, src, "input", "income")

    def _industry_factor(self, res: Resolution, c: KrContributionInputs) -> tuple[float, str, Any]:
        """The 산업기술요소: a number with its source, or a reference figure (e.g. a KSIC table
        loaded as a user override of ``industry_technology_factors``; ipvalue ships none)."""
        if isinstance(c.industry_factor, KrRefIn):
            from ipvalue.refdata import lookup

            f = lookup(c.industry_factor.ref)
            src = f"refdata {f.ref}: {f.source}" + (f" ({f.source_date})" if f.source_date else "")
            return f.as_float(), src, "refdata"
        if not c.industry_factor_source:
            raise InputError(
                "framework_inputs.KR.contribution.industry_factor_source",
                "is required (guide edition and page of the factor)",
            )
        return c.industry_factor, c.industry_factor_source, "input"

    @staticmethod
    def _strength_weights(
        res: Resolution, c: KrContributionInputs
    ) -> tuple[Any, tuple[str | None, str]]:
        """Item weights of the 20-item score: the case's, else the enterprise profile's
        ``indicator_weights.kr_strength`` (case > profile); returns the weights, a label for
        the source (None: the case's) and the field that errors should name."""
        field = "framework_inputs.KR.contribution.strength_weights"
        if c.strength_weights is not None:
            return c.strength_weights, (None, field)
        from ipvalue.frameworks._valuate import case_profile

        prof = case_profile(res.case)
        weights = None if prof is None else (prof.indicator_weights or {}).get("kr_strength")
        if prof is None or weights is None:
            raise InputError(
                field,
                "is required ('equal' or one weight per item), or give "
                "profile.indicator_weights.kr_strength",
            )
        return weights, (
            f"weights from {prof.label()}: {prof.rationale}",
            "profile.indicator_weights.kr_strength",
        )

    def _contribution(
        self, res: Resolution, c: KrContributionInputs, life: float | None, scores: dict[str, float]
    ) -> None:
        where = "framework_inputs.KR.contribution"
        idx = [i for i, a in enumerate(res.case.approaches) if a.name == c.approach]
        if not idx:
            raise InputError(f"{where}.approach", f"no approach with id {c.approach!r}")
        i = idx[0]
        a = res.case.approaches[i]
        if a.method != "dcf":
            raise InputError(
                f"{where}.approach", "must name a dcf approach holding the business free cash flows"
            )
        cf = a.cash_flows
        if cf.model != "explicit" or not all(isinstance(v, float | int) for v in cf.values):
            raise InputError(
                f"approaches.{i}.cash_flows",
                "KR contribution needs explicit "
                "numeric business free cash flows (no distributions or refs)",
            )
        weights, weighting = self._strength_weights(res, c)
        with case_fields({"strength.weights": weighting[1]}):
            st = individual_strength(scores, weights)
        factor, factor_source, factor_ev = self._industry_factor(res, c)
        cc = technology_contribution(
            industry_factor=factor,
            industry_factor_source=factor_source,
            tech_share=c.tech_share,
            strength=st.strength,
        )
        res.note_all(cc.warnings)
        res.add(
            "individual_technology_strength",
            st.strength,
            "fraction",
            f"20-item score, {weighting[0] or st.weighting}: Σ w·s / (5·Σ w) = "
            f"{st.weighted_sum:g} / {st.max_weighted_sum:g}",
            "input",
            "income",
        )
        res.add(
            "industry_technology_factor",
            cc.industry_factor,
            "fraction",
            factor_source,
            factor_ev,
            "income",
        )
        res.add("technology_share", cc.tech_share, "fraction", "case input", "input", "income")
        res.add(
            "technology_contribution",
            cc.contribution,
            "fraction",
            "CC = industry factor × technology share × strength (" + GUIDE + ")",
            "V",
            "income",
        )
        values = [float(v) for v in cf.values]
        if life is None:
            res.warn("KR_LIFE_NOT_ASSESSED", "no economic life: every business FCF year is used")
        elif len(values) < math.ceil(life):
            raise InputError(
                f"approaches.{i}.cash_flows",
                f"needs at least {math.ceil(life)} years for an economic life of {life:g} years",
            )
        # The engine caps the flows at min(economic life, remaining legal term) and counts a
        # fractional final year by its fraction (the prorate convention of the DCF kernel).
        attributable = [v * cc.contribution for v in values]
        if a.terminal_growth is not None:
            res.warn(
                "KR_TERMINAL_VALUE",
                "a terminal value on a finite technology life is not part of the guide's form",
            )
        res.add(
            "business_fcf",
            str(values),
            None,
            f"case approaches.{i}.cash_flows (business free cash flows)",
            "input",
            "income",
        )
        res.add(
            "technology_cash_flows",
            str(attributable),
            None,
            "FCF_t × CC (capped by the engine at the economic life, final year prorated)",
            "input",
            "income",
            f"approaches.{i}.cash_flows",
            {"model": "explicit", "values": attributable},
        )
        # marker in the resolved case so that resolving it again does not multiply twice
        res.add(
            "contribution_applied",
            cc.contribution,
            "fraction",
            "resolution marker",
            "input",
            "income",
            "framework_inputs.KR.contribution_applied",
        )


FRAMEWORK = KoreaFramework()
