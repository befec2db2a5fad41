"""Persisted similarity index and anomaly forests, so a fresh process does not rebuild them.

An :class:`IndexState` (the fitted index, the anomaly models, and the audit-chain position it
reflects) is pickled to one file per database and organisation in the folder of the setting
``cases_index_cache`` (default ``$XDG_CACHE_HOME/ipvalue/case-index``). A loaded state is used
only when the organisation's audit entry at the stored sequence number still has the stored
hash: the chain identifies the exact history of writes, so a recreated or restored database,
or one whose log was altered, is never served from a stale file. The file is written by the
current user only (mode 0600) and read back only when its format, ipvalue and scikit-learn
versions match; anything unreadable is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ipvalue.cases._anomaly import AnomalyModel
from ipvalue.cases._similar import SimilarityIndex

#: Bump when the pickled layout changes.
FORMAT = 3


@dataclass
class IndexState:
    """An organisation's index at audit position ``seq`` (entry hash ``head_hash``).

    ``last_id`` is the highest version id indexed; ``built_through`` the highest at the last
    full build, which is also what the anomaly models were fitted on.
    """

    seq: int
    head_hash: str
    last_id: int
    built_through: int
    index: SimilarityIndex
    #: (seed, contamination) -> model; pickled bytes until first needed (see __getstate__).
    anomaly: dict[tuple[int, float], AnomalyModel] | bytes = field(default_factory=dict)

    def anomaly_models(self) -> dict[tuple[int, float], AnomalyModel]:
        """The anomaly models (unpickled on first use: that imports scikit-learn)."""
        if isinstance(self.anomaly, bytes):
            self.anomaly = pickle.loads(self.anomaly)  # written by save_state with the state
        models: dict[tuple[int, float], AnomalyModel] = self.anomaly  # type: ignore[assignment]
        return models

    def __getstate__(self) -> dict[str, object]:
        # Fitted forests are nested as bytes so that loading the index for a similar-case
        # query does not import scikit-learn (seconds), only a save or check does.
        state = dict(self.__dict__)
        if not isinstance(self.anomaly, bytes):
            state["anomaly"] = pickle.dumps(self.anomaly, protocol=pickle.HIGHEST_PROTOCOL)
        return state


def cache_dir() -> Path:
    """Folder of the persisted indexes (setting ``cases_index_cache``)."""
    from ipvalue.core.settings import get_settings

    configured = get_settings().cases_index_cache
    if configured is not None:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ipvalue" / "case-index"


def _file(url: str, org_id: int) -> Path:
    key = hashlib.sha256(f"{url}\0{org_id}".encode()).hexdigest()[:32]
    return cache_dir() / f"{key}.pkl"


def _stamp() -> tuple[int, str, str]:
    from importlib.metadata import version

    import ipvalue

    return FORMAT, ipvalue.__version__, version("scikit-learn")


def load_state(url: str, org_id: int) -> IndexState | None:
    """The persisted state, or None when there is none or it is unreadable/of another version.

    The caller must still check ``seq``/``head_hash`` against the database.
    """
    path = _file(url, org_id)
    try:
        with path.open("rb") as fh:
            stamp, state = pickle.load(fh)  # own file, mode 0600 (see module doc)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
            ValueError):
        return None
    return state if stamp == _stamp() and isinstance(state, IndexState) else None


def save_state(url: str, org_id: int, state: IndexState) -> None:
    """Write atomically (temporary file + rename); a failure to write only costs a rebuild."""
    path = _file(url, org_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((_stamp(), state), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return

