"""The JP framework: relief from royalty with JPO FY2009 survey rates, for Japanese banks.

Inputs: ``framework_inputs.JP`` (docs/frameworks/jp.md). Only open case fields are filled:

* ``royalty_rate`` of a relief-from-royalty approach = the JPO FY2009 mean for
  ``royalty_field`` (reference data, patched as ``{ref: ...}``; S, secondary quotation);
* ``tax_rate`` = statutory CIT from reference data;
* ``discount_rate`` = ``framework_inputs.JP.discount_rate`` with its source: no JP build-up
  is documented, so the rate is an input;
* ``tab``: JP valuation practice on TAB is undocumented. Off unless ``tab: true``; then the
  period is the useful-lives ordinance figure of METHODS §1.3 (S). Off is ipvalue's choice (U).

Timing is not filled: no JP convention is documented (the engine's recorded default applies).
The qualitative bank assessment is ``ipvalue score CASE --framework jp-bank``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ipvalue.core.errors import InputError
from ipvalue.frameworks._jp_royalty import JPO_FY2009_FIELDS, jpo_royalty
from ipvalue.frameworks._kcj_framework import (
    Resolution,
    case_fields,
    open_field,
    parse_inputs,
    valuer_fx,
)
from ipvalue.frameworks._tab_periods import tab_asset_class, tab_period
from ipvalue.frameworks.base import Requirement, ResolvedCase


class JpInputs(BaseModel):
    """``framework_inputs.JP`` (unknown keys refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    royalty_field: str | None = Field(default=None, description="key of JPO_FY2009_FIELDS")
    discount_rate: float | None = Field(default=None, gt=-1, lt=1, allow_inf_nan=False)
    discount_rate_source: str | None = None
    tab: bool | None = None
    bank: dict[str, Any] | None = Field(default=None, description="scoring only")
    tmf: dict[str, Any] | None = Field(default=None, description="scoring only")
    fx_rate: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="home currency per unit of case currency, as this valuer converts",
    )


class JapanFramework:
    """Japan: RFR with JPO survey royalty figures (see module doc)."""

    code = "JP"
    name = "Japan — relief from royalty (JPO FY2009 survey rates); IP business evaluation"
    follows = "JPO FY2009 royalty survey; JPO 知財ビジネス評価書 (METHODS.md §6.3)"
    country: str | None = "JP"
    currency: str | None = "JPY"

    def defaults(self, case: Any) -> dict[str, Any]:
        """No documented JP conventions: nothing beyond the engine's recorded defaults."""
        return {}

    def requirements(self, case: Any) -> tuple[Requirement, ...]:
        """No non-numeric requirements are documented for this framework."""
        return ()

    def resolve(self, case: Any) -> ResolvedCase:
        """Fill the open parameters of ``case`` for a JP valuation.

        Raises
        ------
        InputError
            An open royalty rate without ``royalty_field``, an open discount rate without
            ``framework_inputs.JP.discount_rate``, or any invalid input.
        """
        inp: JpInputs = parse_inputs(JpInputs, case, "JP")
        res = Resolution("JP", case)
        for i, a in enumerate(case.approaches):
            if open_field(a, "royalty_rate") and inp.royalty_field is not None:
                with case_fields({"jp.royalty_field": "framework_inputs.JP.royalty_field"}):
                    b = jpo_royalty(inp.royalty_field)
                res.note_all(b.warnings)
                res.add(
                    "royalty_rate",
                    b.rate,
                    "fraction of net sales",
                    f"JPO FY2009 survey, {JPO_FY2009_FIELDS[inp.royalty_field][1]}: {b.source}",
                    "S",
                    "income",
                    f"approaches.{i}.royalty_rate",
                    {"ref": b.ref},
                    source_date=b.source_date,
                    confidence=b.confidence,
                )
            if open_field(a, "tax_rate"):
                res.refdata(
                    "tax_rate",
                    "country_parameters/JP/cit_statutory_combined_pct",
                    "tax_tab",
                    f"approaches.{i}.tax_rate",
                    f"approaches.{i}.tax_rate",
                )
            if open_field(a, "discount_rate"):
                if inp.discount_rate is None or not inp.discount_rate_source:
                    raise InputError(
                        "framework_inputs.JP.discount_rate",
                        f"is required with "
                        f"discount_rate_source: approaches.{i}.discount_rate is "
                        "open and no JP build-up is documented",
                    )
                res.add(
                    "discount_rate",
                    inp.discount_rate,
                    "fraction",
                    inp.discount_rate_source,
                    "input",
                    "discount_rate",
                    f"approaches.{i}.discount_rate",
                )
            if open_field(a, "tab"):
                self._tab(res, inp, i)
        valuer_fx(res, inp.fx_rate, "JPY")
        return res.result()

    def _tab(self, res: Resolution, inp: JpInputs, i: int) -> None:
        path = f"approaches.{i}.tab"
        if not inp.tab:
            src = (
                "case input"
                if inp.tab is False
                else "ipvalue choice: JP practice on TAB in IP valuation is not documented; set "
                "framework_inputs.JP.tab to apply the ordinance period"
            )
            res.add(
                "tab",
                False,
                None,
                src,
                "input" if inp.tab is False else "U",
                "tax_tab",
                path,
                False,
            )
            return
        tp = tab_period("JP", tab_asset_class(res.case.asset.type))
        if tp is None or tp.years is None:
            raise InputError(
                "framework_inputs.JP.tab",
                f"no JP tax amortisation period for "
                f"{res.case.asset.type} (METHODS §1.3); give approaches.{i}.tab",
            )
        res.add(
            "tab_period_years",
            tp.years,
            "years",
            f"{tp.basis} — {tp.source}",
            "S",
            "tax_tab",
            path,
            {"period_years": tp.years},
        )


FRAMEWORK = JapanFramework()
