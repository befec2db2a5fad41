"""GB/T 42748-2023 专利评估指引: indicator tree by scenario, as versioned configuration.

Fixed by the standard (and by this module): three first-level dimensions (legal, technical,
economic value) and six scenarios (licensing/transfer, finance, financial reporting,
infringement relief, management, other). Configuration (a YAML file; ipvalue ships
``_cn_gbt42748_v1.yaml``): the indicators below the first level (two further levels at most,
as in the standard) and every weight. The shipped names and weights are ipvalue's, not the
standard's, and every result computed with them says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Assumption, Note, Step, weights_summing_to_one
from ipvalue.frameworks._scoring_tree import Node, evaluate_tree

GBT_DIMENSIONS = ("legal", "technical", "economic")
GBT_SCENARIOS = (
    "licensing_transfer",
    "finance",
    "financial_reporting",
    "infringement",
    "management",
    "other",
)
SHIPPED_CONFIG = Path(__file__).with_name("_cn_gbt42748_v1.yaml")


@dataclass(frozen=True)
class GbtConfig:
    """A parsed indicator-tree configuration and where it came from."""

    config_id: str
    version: str
    path: str
    names_source: str
    weights_source: str
    standard_names: bool
    standard_weights: bool
    dimensions: dict[str, Any]
    scenarios: dict[str, Any]


def _req(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise InputError(f"{where}.{key}", "is required")
    return data[key]


def load_gbt42748_config(path: str | Path | None = None) -> GbtConfig:
    """Read and check a configuration file (the shipped one when ``path`` is None).

    Raises
    ------
    InputError
        Unreadable YAML, first-level dimensions other than legal/technical/economic, a missing
        scenario, or an indicator tree deeper than three levels.
    """
    p = Path(path) if path is not None else SHIPPED_CONFIG
    return _load(str(p.resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> GbtConfig:
    where = "gbt42748.config"
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(where, f"cannot read {path} ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise InputError(where, "must be a YAML mapping")
    dims = _req(data, "dimensions", where)
    if not isinstance(dims, dict) or set(dims) != set(GBT_DIMENSIONS):
        raise InputError(
            f"{where}.dimensions",
            "must be exactly legal, technical, economic (the standard's first level)",
        )
    for d, spec in dims.items():
        inds = _req(spec, "indicators", f"{where}.dimensions.{d}")
        if not isinstance(inds, dict) or not inds:
            raise InputError(f"{where}.dimensions.{d}.indicators", "needs at least one indicator")
        for code, ind in inds.items():
            if isinstance(ind, dict):
                sub = _req(ind, "sub", f"{where}.dimensions.{d}.indicators.{code}")
                if (
                    not isinstance(sub, dict)
                    or not sub
                    or any(isinstance(v, dict) for v in sub.values())
                ):
                    raise InputError(
                        f"{where}.dimensions.{d}.indicators.{code}.sub",
                        "must map codes to labels (three levels at most)",
                    )
    scen = _req(data, "scenarios", where)
    if not isinstance(scen, dict) or set(scen) != set(GBT_SCENARIOS):
        raise InputError(f"{where}.scenarios", "must define exactly " + ", ".join(GBT_SCENARIOS))
    return GbtConfig(
        config_id=str(_req(data, "config_id", where)),
        version=str(_req(data, "version", where)),
        path=path,
        names_source=str(_req(data, "names_source", where)),
        weights_source=str(_req(data, "weights_source", where)),
        standard_names=bool(data.get("standard_names", False)),
        standard_weights=bool(data.get("standard_weights", False)),
        dimensions=dims,
        scenarios=scen,
    )


def _weights(spec: Any, children: list[str], where: str) -> dict[str, float]:
    if spec == "equal":
        return {c: 1.0 / len(children) for c in children}
    if not isinstance(spec, dict) or set(spec) != set(children):
        raise InputError(
            where, "must be 'equal' or give a weight for each of " + ", ".join(children)
        )
    return weights_summing_to_one(where, {c: spec[c] for c in children})


def gbt42748_tree(
    config: GbtConfig,
    scenario: str,
    weights: Mapping[str, Any] | None = None,
) -> Node:
    """Build the weighted tree for ``scenario``; ``weights`` overrides the configured ones.

    ``weights`` has the scenario block's shape: ``dimension_weights`` ('equal' or one weight per
    dimension) and ``indicator_weights`` ('equal' or, per parent code, 'equal' or a mapping).
    """
    if scenario not in GBT_SCENARIOS:
        raise InputError("gbt42748.scenario", "must be one of " + ", ".join(GBT_SCENARIOS))
    block = dict(config.scenarios[scenario])
    if weights:
        unknown = set(weights) - {"dimension_weights", "indicator_weights"}
        if unknown:
            raise InputError(f"gbt42748.weights.{sorted(unknown)[0]}", "unknown key")
        block.update(weights)
    where = "gbt42748.weights"
    dw = _weights(
        block.get("dimension_weights", "equal"), list(GBT_DIMENSIONS), f"{where}.dimension_weights"
    )
    iw_all = block.get("indicator_weights", "equal")

    def child_weights(parent: str, children: list[str]) -> dict[str, float]:
        field = f"{where}.indicator_weights.{parent}"
        if iw_all == "equal":
            return _weights("equal", children, field)
        if not isinstance(iw_all, dict) or parent not in iw_all:
            raise InputError(field, "is required ('equal' or one weight per child)")
        return _weights(iw_all[parent], children, field)

    dim_nodes = []
    for d in GBT_DIMENSIONS:
        inds = config.dimensions[d]["indicators"]
        iw = child_weights(d, list(inds))
        ind_nodes = []
        for code, ind in inds.items():
            if isinstance(ind, dict):
                sw = child_weights(code, list(ind["sub"]))
                subs = tuple(Node(s, str(lbl), sw[s]) for s, lbl in ind["sub"].items())
                ind_nodes.append(Node(code, str(ind.get("label", code)), iw[code], subs))
            else:
                ind_nodes.append(Node(code, str(ind), iw[code]))
        dim_nodes.append(
            Node(d, str(config.dimensions[d].get("label", d)), dw[d], tuple(ind_nodes))
        )
    return Node("gbt42748", "GB/T 42748-2023", 1.0, tuple(dim_nodes))


@dataclass(frozen=True)
class GbtResult:
    """Total (0-100), per-dimension scores and all node scores for one scenario."""

    total: float
    scenario: str
    dimensions: dict[str, float]
    dimension_weights: dict[str, float]
    node_scores: dict[str, float]
    config_id: str
    config_version: str
    assumptions: tuple[Assumption, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def gbt42748_score(
    scores: Mapping[str, float],
    *,
    scenario: str,
    config: GbtConfig | None = None,
    weights: Mapping[str, Any] | None = None,
    weights_source: str | None = None,
) -> GbtResult:
    """Score a patent on the GB/T 42748 tree for one scenario.

    Parameters
    ----------
    scores
        One score in [0, 100] per leaf indicator of the configuration.
    scenario
        One of :data:`GBT_SCENARIOS`.
    config
        Tree configuration; the shipped ipvalue v1 configuration when None.
    weights
        Optional weight overrides (see :func:`gbt42748_tree`); recorded as user input.
    weights_source
        Where ``weights`` come from (e.g. an enterprise profile); default "case input".
    """
    cfg = config or load_gbt42748_config()
    root = gbt42748_tree(cfg, scenario, weights)
    res = evaluate_tree(root, scores, scale=(0.0, 100.0), path="gbt42748")
    warnings: list[Note] = []
    if not cfg.standard_names:
        warnings.append(
            Note(
                "GBT42748_NAMES_NOT_STANDARD",
                "indicators below the first level "
                f"are configuration, not the standard's: {cfg.names_source}",
            )
        )
    if not cfg.standard_weights and not weights:
        warnings.append(
            Note(
                "GBT42748_WEIGHTS_NOT_STANDARD",
                f"weights are configuration, not the standard's: {cfg.weights_source}",
            )
        )
    if weights:
        weights_source = weights_source or "case input (gbt42748.weights)"
    else:
        weights_source = cfg.weights_source
    return GbtResult(
        total=res.total,
        scenario=scenario,
        dimensions={d: res.node_scores[d] for d in GBT_DIMENSIONS},
        dimension_weights={c.code: c.weight for c in root.children},
        node_scores=res.node_scores,
        config_id=cfg.config_id,
        config_version=cfg.version,
        assumptions=(
            Assumption(
                "gbt42748.config",
                f"{cfg.config_id} v{cfg.version}",
                "",
                _shown(cfg.path),
                "V" if cfg.standard_names else "U",
            ),
            Assumption(
                "gbt42748.weights",
                scenario,
                "",
                weights_source,
                "input" if weights else ("V" if cfg.standard_weights else "U"),
            ),
        ),
        warnings=tuple(warnings),
        trace=res.trace,
    )


def _shown(path: str) -> str:
    """The shipped configuration by its package name (not this machine's install path)."""
    if Path(path).resolve() == SHIPPED_CONFIG.resolve():
        return f"ipvalue/frameworks/{SHIPPED_CONFIG.name} (shipped)"
    return path
