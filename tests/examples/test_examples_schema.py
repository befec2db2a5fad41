"""The published JSON Schemas (``ipvalue schema case`` / ``schema result``) cannot drift from the
model: every example case validates against the case schema, every example result against the
result schema, and a schema-invalid case is refused by both the schema and the loader."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "jurisdictions").glob("*.yaml"))
ROOT = EXAMPLES.parent


@cache
def _schema(run_cli: Any, kind: str) -> dict[str, Any]:
    code, out, err = run_cli("schema", kind)
    assert code == 0, err
    schema: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _as_json(path: Path) -> Any:
    """The case as a JSON document would carry it (YAML dates become ISO strings)."""
    from ipvalue.api_python import read_case_data

    return json.loads(json.dumps(read_case_data(path), default=str))


def _errors(schema: dict[str, Any], doc: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


def test_examples_found() -> None:
    # 16 method/type examples and 9 jurisdiction examples at the time of writing; never none.
    assert len(CASES) >= 20
    assert any(p.parent.name == "jurisdictions" for p in CASES)


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(EXAMPLES)) for p in CASES])
def test_example_matches_case_schema(run_cli: Any, path: Path) -> None:
    assert _errors(_schema(run_cli, "case"), _as_json(path)) == []


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(EXAMPLES)) for p in CASES])
def test_example_result_matches_result_schema(run_cli: Any, path: Path) -> None:
    code, out, err = run_cli("value", path, "--json", "--seed", "7")
    assert code == 0, err
    assert _errors(_schema(run_cli, "result"), json.loads(out)) == []


def test_schema_refuses_what_the_loader_refuses(run_cli: Any) -> None:
    # A typo'd key (royalty instead of royalty_rate) fails both the schema and the model:
    # the schema is not looser than the loader for unknown keys.
    from ipvalue.api_python import load_case
    from ipvalue.core.errors import InputError

    doc = _as_json(EXAMPLES / "relief_from_royalty_patent.yaml")
    doc["approaches"][0]["royalty"] = doc["approaches"][0].pop("royalty_rate")
    assert _errors(_schema(run_cli, "case"), doc) != []
    with pytest.raises((InputError, ValueError)):
        load_case(doc)
