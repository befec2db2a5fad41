"""Pydantic locations become the paths a user wrote in the case file."""

from __future__ import annotations

import pytest

from ipvalue.model._error_paths import field_path


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("approaches", 0, "relief_from_royalty", "royalty"), "approaches.0.royalty"),
        (("approaches", 0, "relief_from_royalty"), "approaches.0"),
        (
            ("approaches", 0, "dcf", "cash_flows", "explicit", "values", 2),
            "approaches.0.cash_flows.values.2",
        ),
        # growth forecast: tag `growth` then field `growth` (itself a distribution)
        (
            ("approaches", 0, "relief_from_royalty", "revenue", "growth", "growth", "triangular"),
            "approaches.0.revenue.growth",
        ),
        (
            ("approaches", 0, "relief_from_royalty", "revenue", "growth", "years"),
            "approaches.0.revenue.years",
        ),
        # a lifecycle stage's own growth field is kept
        (
            ("approaches", 0, "dcf", "cash_flows", "lifecycle", "stages", 1, "growth"),
            "approaches.0.cash_flows.stages.1.growth",
        ),
        (
            ("approaches", 0, "relief_from_royalty", "tab", "function-after[_one_schedule(), Tab]"),
            "approaches.0.tab",
        ),
        ((), "(root)"),
    ],
)
def test_field_path(loc: tuple[int | str, ...], expected: str) -> None:
    assert field_path(loc) == expected
