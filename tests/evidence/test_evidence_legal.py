"""Legal term from the file's expiry date; agreement with the case; cycle-time row choice."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.evidence import legal_term, pick_row, subclass
from ipvalue.model.assets import Asset, Classification, LegalStatus

D = dt.date


def _asset(**kw: object) -> Asset:
    return Asset.model_validate({"type": "patent", "name": "x", **kw})


def test_fill_when_case_has_no_term() -> None:
    # 2024-12-31 → 2033-01-10: 8 × 365 + 2 leap days + 10 = 2932 days
    lt = legal_term(_asset(), D(2024, 12, 31), D(2033, 1, 10), None, None)
    assert lt.fill and lt.file_years == pytest.approx(2932 / 365.25, rel=1e-15)
    assert lt.mismatches == ()


def test_expired_patent_floors_at_zero() -> None:
    lt = legal_term(_asset(), D(2024, 12, 31), D(2020, 1, 1), None, None)
    assert lt.file_years == 0.0 and lt.fill


def test_no_expiry_in_file_fills_nothing() -> None:
    lt = legal_term(_asset(), D(2024, 12, 31), None, D(2010, 1, 1), None)
    assert lt.file_years is None and not lt.fill


def test_case_values_are_never_replaced() -> None:
    a = _asset(remaining_legal_term_years=5.0)
    lt = legal_term(a, D(2024, 12, 31), D(2033, 1, 10), None, None)
    assert not lt.fill
    assert lt.mismatches and "= 5 years" in lt.mismatches[0] and "8.03 years" in lt.mismatches[0]
    ls = LegalStatus(status="granted", expiry_date=D(2033, 6, 1))  # 142 days apart: quiet
    lt = legal_term(_asset(legal_status=ls), D(2024, 12, 31), D(2033, 1, 10), None, None)
    assert not lt.fill and lt.mismatches == ()


def test_filing_and_grant_dates_must_agree_exactly() -> None:
    ls = LegalStatus(status="granted", filing_date=D(2013, 1, 10), grant_date=D(2015, 3, 4))
    lt = legal_term(_asset(legal_status=ls), D(2024, 12, 31), None, D(2013, 1, 10), D(2015, 3, 3))
    assert lt.mismatches == (
        "asset.legal_status.grant_date = 2015-03-04 but the indicators file has grant_date "
        "2015-03-03",
    )


@given(st.floats(0, 40), st.integers(-400, 400))
def test_tolerance_is_half_a_year(case_years: float, shift_days: int) -> None:
    vdate = D(2020, 1, 1)
    expiry = vdate + dt.timedelta(days=round(case_years * 365.25) + shift_days)
    lt = legal_term(_asset(remaining_legal_term_years=case_years), vdate, expiry, None, None)
    assert lt.file_years is not None
    assert bool(lt.mismatches) == (abs(case_years - lt.file_years) > 0.5)


ROWS = [
    {"scheme": "CPC", "code": "H01M", "q1": 1.0, "q2": 2.0, "q3": 3.0},
    {"scheme": "IPC", "code": "H01M", "q1": 4.0, "q2": 5.0, "q3": 6.0},
    {"scheme": "IPC", "code": "G06N", "q1": 7.0, "q2": 8.0, "q3": 9.0},
    {"scheme": "IPC", "code": "A01B", "q1": None, "q2": None, "q3": None},
]


def test_subclass() -> None:
    assert subclass("h01m 10/0525") == "H01M" and subclass("G06N3/08") == "G06N"


def test_pick_by_classes_prefers_the_class_scheme() -> None:
    cls = [Classification(scheme="Nice", code="9"), Classification(scheme="IPC", code="H01M 4/04")]
    row, how = pick_row(ROWS, None, cls, "ct.csv")
    assert row["q3"] == 6.0 and "IPC H01M 4/04" in how
    row, _ = pick_row(ROWS, None, [Classification(scheme="CPC", code="H01M4/04")], "ct.csv")
    assert row["q3"] == 3.0


def test_pick_by_code_skips_absent_classes() -> None:
    cls = [
        Classification(scheme="IPC", code="B65D 1/00"),
        Classification(scheme="IPC", code="G06N"),
    ]
    assert pick_row(ROWS, None, cls, "f")[0]["q2"] == 8.0
    row, how = pick_row(ROWS, "h01m", [], "f")  # no class to decide: first in file order
    assert row["scheme"] == "CPC" and "cycle_time_code h01m" in how


@pytest.mark.parametrize(
    ("code", "classes", "rule"),
    [
        ("Z99Z", [], "'Z99Z' is not a code of f"),
        (None, [], "none: asset.classes has no IPC/CPC code"),
        (None, [Classification(scheme="IPC", code="B65D")], r"\(B65D\) is in f"),
        ("A01B", [], "A01B: q1 is empty"),
    ],
)
def test_pick_errors(code: str | None, classes: list[Classification], rule: str) -> None:
    with pytest.raises(InputError, match=rule) as e:
        pick_row(ROWS, code, classes, "f")
    assert e.value.field == "patent_evidence.cycle_time_code"
