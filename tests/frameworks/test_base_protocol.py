"""Registry, protocol conformance and ResolvedCase helpers."""

from __future__ import annotations

import pytest
from _ivs_cases import make_case, two_approaches

from ipvalue.core.errors import InputError
from ipvalue.frameworks import CODES, Framework, UnknownFramework, available, get
from ipvalue.frameworks.base import ResolvedCase, ResolvedParameter


def test_codes_and_mine_available() -> None:
    assert CODES == ("IVS", "KR", "CN", "JP", "SG", "HK", "IN", "AU")
    assert {"IVS", "SG", "HK", "IN", "AU"} <= set(available())


@pytest.mark.parametrize("code", ["IVS", "sg", " hk ", "IN", "au"])
def test_get_is_case_insensitive_and_protocol_conformant(code: str) -> None:
    fw = get(code)
    assert isinstance(fw, Framework)
    assert fw.code == code.strip().upper()


def test_unknown_code_is_input_error_and_lookup_error() -> None:
    with pytest.raises(UnknownFramework) as exc:
        get("XX")
    assert isinstance(exc.value, InputError) and isinstance(exc.value, LookupError)
    assert exc.value.field == "framework" and "IVS, KR, CN" in exc.value.rule


def test_u_parameters_warn_once_per_name_with_source() -> None:
    rc = get("SG").resolve(two_approaches())
    u_names = {p.name for p in rc.parameters if p.evidence == "U"}
    warns = [w for w in rc.warnings() if w.code == "unconfirmed_parameter"]
    assert len(warns) == len(u_names)  # "weight" appears per approach but warns once
    assert any("discount_rate" in w.message and "build-up" in w.message for w in warns)


def test_patches_by_factor_and_case_values_never_replaced() -> None:
    case = make_case()
    rc = get("SG").resolve(case)
    tax = rc.patches(frozenset({"tax_tab"}))
    assert tax["approaches.0.tax_rate"] == {
        "ref": "country_parameters/SG/cit_statutory_combined_pct"
    }
    assert "approaches.0.royalty_rate" not in rc.patches()  # given by the case
    assert rc.case.approaches[0].royalty_rate == 0.05
    assert set(rc.patches()) == set(rc.patches(frozenset({"discount_rate"}))) | set(tax)


def test_assumptions_and_warnings_for_the_engine() -> None:
    rc = get("HK").resolve(make_case(jurisdiction="HK"))
    names = {a.name for a in rc.assumptions()}
    assert "framework.HK.approaches.0.discount_rate" in names
    a = next(x for x in rc.assumptions() if x.name == "framework.HK.approaches.0.discount_rate")
    assert a.source.startswith("framework HK [U]")
    codes = {w.code for w in rc.valuation_warnings()}
    assert {"unconfirmed_parameter", "requirement.hk_bilingual_report"} <= codes


def test_parameter_lookup() -> None:
    rc = ResolvedCase("X", make_case(), (ResolvedParameter("a", 1.0, None, "s", "V", "income"),))
    assert rc.parameter("a").value == 1.0
    with pytest.raises(KeyError):
        rc.parameter("b")
    assert rc.warnings() == ()
