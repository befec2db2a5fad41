"""Persisted similarity index and anomaly forests, so a fresh process does not rebuild them.

An :class:`IndexState` (the fitted index, the anomaly models, and the audit-chain position it
reflects) is pickled to one file per database and organisation in the folder of the setting
``cases_index_cache`` (default ``$XDG_CACHE_HOME/ipvalue/case-index``). A loaded state is used
only when the organisation's audit entry at the stored sequence number still has the stored
hash: the chain identifies the exact history of writes, so a recreated or restored database,
or one whose log was altered, is never served from a stale file. The file is written by the
current user only (mode 0600) and read back only when its format, ipvalue and scikit-learn
versions match; anything unreadable is ignored and rebuilt.

Growth is persisted by appending, not rewriting: the versions indexed since the file was
written go to a sidecar log (``<file>.delta``), one length-prefixed pickled chunk per
extension, each naming the build it extends (``build_id``) and the version id it follows
(``after_id``). Loading replays the chunks that continue the state exactly (a chunk from
another build, or one a concurrent process already appended, is skipped; a torn last chunk
from a crash ends the replay). A full build writes a new file with a new ``build_id``, which
retires the old log.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ipvalue.cases._anomaly import AnomalyModel
from ipvalue.cases._similar import CaseDoc, SimilarityIndex

#: Bump when the pickled layout changes.
FORMAT = 4
_LEN = struct.Struct("<Q")


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
    #: Identity of the full build; appended chunks of another build are not replayed.
    build_id: str = field(default_factory=lambda: uuid.uuid4().hex)

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


_UNREADABLE = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    AttributeError,
    ImportError,
    TypeError,
    ValueError,
    struct.error,
)


def load_state(url: str, org_id: int) -> IndexState | None:
    """The persisted state with its appended chunks replayed, or None when there is none or it
    is unreadable/of another version.

    The caller must still check ``seq``/``head_hash`` against the database.
    """
    path = _file(url, org_id)
    try:
        with path.open("rb") as fh:
            stamp, _ = pickle.load(fh)  # own file, mode 0600 (see module doc)
            if stamp != _stamp():
                return None
            state = pickle.load(fh)
    except _UNREADABLE:
        return None
    if not isinstance(state, IndexState):
        return None
    _replay(_delta(path), state)
    return state


def _delta(path: Path) -> Path:
    return path.with_name(path.name + ".delta")


def _replay(delta: Path, state: IndexState) -> None:
    try:
        with delta.open("rb") as fh:
            while header := fh.read(_LEN.size):
                (size,) = _LEN.unpack(header)
                blob = fh.read(size)
                if len(blob) < size:  # torn by a crash while appending: ignore the rest
                    return
                build_id, after_id, last_id, seq, head_hash, docs = pickle.loads(blob)
                if build_id != state.build_id or after_id != state.last_id:
                    continue  # another build's chunk, or rows this state already holds
                state.index.extend(docs)
                state.last_id, state.seq, state.head_hash = last_id, seq, head_hash
    except _UNREADABLE:
        return


def append_state(
    url: str, org_id: int, state: IndexState, docs: Sequence[CaseDoc], after_id: int
) -> None:
    """Append the versions ``docs`` (ids after ``after_id``, now reflected in ``state``) to the
    persisted index's log: cost proportional to the new rows, not to the index.

    One ``write`` on a file opened for appending, so chunks of concurrent processes do not
    interleave; a failure to write only costs re-reading those versions from the database.
    """
    path = _file(url, org_id)
    if not path.exists():
        save_state(url, org_id, state)
        return
    blob = pickle.dumps(
        (state.build_id, after_id, state.last_id, state.seq, state.head_hash, list(docs)),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        fd = os.open(_delta(path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, _LEN.pack(len(blob)) + blob)
        finally:
            os.close(fd)
    except OSError:
        return


def save_state(url: str, org_id: int, state: IndexState) -> None:
    """Write atomically (temporary file + rename); a failure to write only costs a rebuild.

    Rewriting the same build (e.g. after fitting an anomaly forest) keeps the log: chunks up
    to ``state.last_id`` are then skipped on replay, later ones still apply.
    """
    path = _file(url, org_id)
    try:
        with path.open("rb") as fh:  # the header only, not the index
            _, old_build = pickle.load(fh)
        replays_log = old_build == state.build_id
    except _UNREADABLE:
        replays_log = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
        try:
            with os.fdopen(fd, "wb") as fh:
                # header (versions, build) first, so a writer can read it alone
                pickle.dump((_stamp(), state.build_id), fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            if not replays_log:
                # a new build: the old log continues another build and only costs reading
                _delta(path).unlink(missing_ok=True)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
