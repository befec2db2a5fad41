"""Python API mirroring the CLI: ``load_case(path | dict)`` and ``value(case)``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ipvalue.core.errors import InputError
from ipvalue.model.case import ValuationCase
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import Valuation

Case = ValuationCase | PortfolioCase


def yaml_loader() -> type:
    """Return a SafeLoader class that also reads YAML 1.2 floats such as ``12.0e9``.

    PyYAML's resolver follows YAML 1.1 and reads ``12.0e9`` (no sign after ``e``) as a string;
    case files write amounts that way, so every reader of case YAML should use this loader.

    Returns
    -------
    type
        A subclass of ``yaml.SafeLoader`` (no arbitrary object construction). ``.nan`` and
        ``.inf`` still load as floats; the case model refuses them.
    """
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        list("-+0123456789."),
    )
    return Loader


_yaml_loader = yaml_loader  # compatible alias: the cases stream imported the private name


def read_case_data(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON case file into a dict.

    Raises
    ------
    InputError
        The file is missing, unreadable, not valid YAML/JSON, or not a mapping at the top.
    """
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(str(path), "file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read as UTF-8 text ({exc})") from None
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=yaml_loader())
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "the top level must be a mapping of case fields")
    return data


def load_case(source: str | Path | Mapping[str, Any]) -> Case:
    """Read and validate a case from a YAML/JSON file path or a dict.

    A document with an ``assets`` list is a :class:`PortfolioCase`, otherwise a
    :class:`ValuationCase`.

    Raises
    ------
    InputError
        File problems (see :func:`read_case_data`).
    pydantic.ValidationError
        Schema violations; each error names the field path and the rule.
    """
    data = dict(source) if isinstance(source, Mapping) else read_case_data(source)
    if not isinstance(source, Mapping):  # data files named in the case sit next to it
        from ipvalue.frameworks._case_paths import anchor_paths

        data = anchor_paths(data, Path(source).resolve().parent)
    if "assets" in data:
        return PortfolioCase.model_validate(data)
    return ValuationCase.model_validate(data)


def value(
    case: Case | str | Path | Mapping[str, Any],
    *,
    seed: int | None = None,
    paths: int | None = None,
    framework: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Valuation:
    """Value a case (a model, a file path or a dict); see :func:`ipvalue.valuation.engine.value`."""
    from ipvalue.valuation.engine import value as _value

    if not isinstance(case, ValuationCase | PortfolioCase):
        case = load_case(case)
    return _value(case, seed=seed, paths=paths, framework=framework, progress=progress)


def case_json_schema() -> dict[str, Any]:
    """JSON Schema of a case file: a single-asset case or a portfolio."""
    from pydantic import TypeAdapter

    return TypeAdapter(ValuationCase | PortfolioCase).json_schema()
