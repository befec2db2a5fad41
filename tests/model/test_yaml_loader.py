"""The public YAML loader reads case-file amounts written the YAML 1.2 way."""

from __future__ import annotations

import yaml

from ipvalue import api_python
from ipvalue.api_python import yaml_loader


def test_yaml_1_2_exponents_are_floats() -> None:
    # PyYAML's YAML 1.1 resolver reads `12.0e9` (no sign after e) as the string "12.0e9"
    assert yaml.safe_load("x: 12.0e9")["x"] == "12.0e9"
    data = yaml.load("x: 12.0e9\ny: 4.5e-3\nz: 7\nd: 2025-06-30", Loader=yaml_loader())
    assert data["x"] == 12.0e9 and isinstance(data["x"], float)
    assert data["y"] == 0.0045
    assert data["z"] == 7 and isinstance(data["z"], int)
    assert str(data["d"]) == "2025-06-30"


def test_private_alias_kept_for_existing_importers() -> None:
    assert api_python._yaml_loader is yaml_loader
