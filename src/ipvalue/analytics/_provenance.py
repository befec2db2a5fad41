"""Provenance of analytics output files: a JSON sidecar ``X.csv.meta.json`` next to ``X.csv``.

A valuation that relies on patent indicators must say where they came from: which software
built them, from which source files, with which options, on which data (the latest grant date in
it, ``data_cutoff``) and which exact bytes (``sha256`` of the data file). The sidecar is written by
``ipvalue patents indicators`` and ``ipvalue patents cycle-time`` after the data file; Parquet
files also carry the same record (without the hash, which cannot be inside the file it hashes)
in their schema metadata under ``ipvalue.provenance``.

Readers treat the sidecar as optional: a file without it is still usable, with a warning that
its provenance is unknown (:mod:`ipvalue.evidence`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from ipvalue.core.errors import InputError

__all__ = [
    "PROVENANCE_KEY",
    "Provenance",
    "build_provenance",
    "data_cutoff_of_db",
    "embed",
    "read_provenance",
    "sha256_file",
    "sidecar_path",
    "wipo_concordance_of_db",
    "write_sidecar",
]

Kind = Literal["indicators", "cycle_time"]
#: Schema-metadata key of the provenance record inside a Parquet file.
PROVENANCE_KEY = b"ipvalue.provenance"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Provenance:
    """Where an analytics output file came from.

    Attributes
    ----------
    kind : {"indicators", "cycle_time"}
        Which command wrote the file.
    software_version : str
        ipvalue version that wrote it.
    created_at : str
        UTC ISO 8601 time of writing.
    source : tuple of str
        Absolute paths of the imported source (``--source``) or of the analytics database read.
    format : str or None
        Source format (``patentsview``, ``uspto-xml``, ``lens``, ``bigquery``); ``None`` when an
        existing database was read.
    engine : str
        ``duckdb`` or ``spark``.
    options : dict
        Every option of the run (scalars, as strings where not JSON numbers).
    valuation_date : str or None
        Reference date of date-dependent columns (``remaining_life``); ``None`` for cycle times.
    data_cutoff : str or None
        Latest grant date in the data read (ISO date); ``None`` when the data has no grant date.
    rows : int
        Rows of the data file.
    sha256 : str or None
        Hex SHA-256 of the data file; ``None`` inside Parquet metadata (set in the sidecar).
    wipo_concordance : str or None
        Version of the IPC–technology concordance that derived the WIPO fields of the data
        (``import_run.wipo_concordance``; several joined by ``" | "`` when imports differ);
        ``None`` when every field came from the source (PatentsView) or the data has none.
    """

    kind: Kind
    software_version: str
    created_at: str
    source: tuple[str, ...]
    format: str | None
    engine: str
    options: dict[str, Any] = field(default_factory=dict)
    valuation_date: str | None = None
    data_cutoff: str | None = None
    rows: int = 0
    sha256: str | None = None
    wipo_concordance: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the sidecar keys of ``docs/patent-evidence.md``."""
        out = asdict(self)
        out["source"] = list(self.source)
        return out

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any], where: str) -> Provenance:
        """Parse a sidecar record; ``where`` names the file in errors.

        Raises
        ------
        InputError
            ``kind`` missing or unknown, or a field of the wrong type.
        """
        kind = data.get("kind")
        if kind not in ("indicators", "cycle_time"):
            raise InputError(where, "provenance 'kind' must be 'indicators' or 'cycle_time'")
        src = data.get("source", [])
        if isinstance(src, str):
            src = [src]
        if not isinstance(src, list) or not all(isinstance(s, str) for s in src):
            raise InputError(where, "provenance 'source' must be a list of paths")
        opts = data.get("options", {})
        if not isinstance(opts, dict):
            raise InputError(where, "provenance 'options' must be a mapping")
        rows = data.get("rows", 0)
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise InputError(where, "provenance 'rows' must be a whole number >= 0")

        def text(key: str) -> str | None:
            v = data.get(key)
            if v is not None and not isinstance(v, str):
                raise InputError(where, f"provenance '{key}' must be a string")
            return v

        for key in ("valuation_date", "data_cutoff"):
            v = text(key)
            if v is not None:
                try:
                    dt.date.fromisoformat(v)
                except ValueError:
                    raise InputError(
                        where, f"provenance '{key}' must be a date YYYY-MM-DD"
                    ) from None
        return cls(
            kind=kind,
            software_version=text("software_version") or "unknown",
            created_at=text("created_at") or "unknown",
            source=tuple(src),
            format=text("format"),
            engine=text("engine") or "unknown",
            options=dict(opts),
            valuation_date=text("valuation_date"),
            data_cutoff=text("data_cutoff"),
            rows=rows,
            sha256=text("sha256"),
            wipo_concordance=text("wipo_concordance"),
        )


def sidecar_path(data_file: str | Path) -> Path:
    """``X.csv`` → ``X.csv.meta.json`` (the full name is kept so CSV and Parquet never clash)."""
    p = Path(data_file)
    return p.with_name(p.name + ".meta.json")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (constant memory for large Parquet files)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _jsonable(v: Any) -> Any:
    if isinstance(v, bool | int | str) or v is None:
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _max_date(table: pa.Table, column: str) -> str | None:
    if column not in table.column_names or table.num_rows == 0:
        return None
    m = pc.max(table.column(column)).as_py()
    if m is None:
        return None
    return m.isoformat() if isinstance(m, dt.date) else str(m)


def data_cutoff_of_db(db: str | Path | None) -> str | None:
    """Latest grant date in the analytics database (ISO date), ``None`` if none or unreadable.

    Cycle-time tables carry no dates, so their cutoff is read from the database they came
    from. Provenance is best effort: an unreadable database gives ``None`` (the reader then
    reports the cutoff as unknown) rather than failing a finished computation.
    """
    if db is None:
        return None
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            row = con.execute("SELECT max(grant_date) FROM publication").fetchone()
        finally:
            con.close()
    except (duckdb.Error, OSError):
        return None
    if row is None or row[0] is None:
        return None
    v = row[0]
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def wipo_concordance_of_db(db: str | Path | None) -> str | None:
    """Concordance version(s) recorded by the imports in the database, ``None`` if none.

    Distinct values of ``import_run.wipo_concordance`` joined by ``" | "`` (sorted). Best effort,
    like :func:`data_cutoff_of_db`: a database without the column or unreadable gives ``None``.
    """
    if db is None:
        return None
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            rows = con.execute(
                "SELECT DISTINCT wipo_concordance FROM import_run "
                "WHERE wipo_concordance IS NOT NULL ORDER BY 1"
            ).fetchall()
        finally:
            con.close()
    except (duckdb.Error, OSError):
        return None
    return " | ".join(str(r[0]) for r in rows) or None


def build_provenance(
    kind: Kind,
    table: pa.Table,
    *,
    source: Sequence[str | Path],
    fmt: str | None,
    engine: str,
    options: Mapping[str, Any] | None = None,
    valuation_date: dt.date | None = None,
    data_cutoff: str | None = None,
    now: dt.datetime | None = None,
    wipo_concordance: str | None = None,
) -> Provenance:
    """The provenance record of ``table`` before it is written (``sha256`` still ``None``).

    ``options`` default to the run's ``ipvalue.*`` schema metadata (what
    :func:`~ipvalue.analytics.compute_indicators` records). ``data_cutoff`` defaults to the latest
    ``grant_date`` of ``table`` (indicators); give it for tables without dates (cycle times:
    :func:`data_cutoff_of_db`). ``wipo_concordance``: the database's
    :func:`wipo_concordance_of_db`.
    """
    from ipvalue import __version__

    if options is None:
        options = {
            k.decode()[len("ipvalue.") :]: v.decode()
            for k, v in (table.schema.metadata or {}).items()
            if k.startswith(b"ipvalue.") and k != PROVENANCE_KEY
        }

    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return Provenance(
        kind=kind,
        software_version=__version__,
        created_at=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        source=tuple(str(Path(s).expanduser().resolve()) for s in source),
        format=fmt,
        engine=engine,
        options={str(k): _jsonable(v) for k, v in (options or {}).items()},
        valuation_date=valuation_date.isoformat() if valuation_date else None,
        data_cutoff=data_cutoff if data_cutoff is not None else _max_date(table, "grant_date"),
        rows=table.num_rows,
        wipo_concordance=wipo_concordance,
    )


def embed(table: pa.Table, prov: Provenance) -> pa.Table:
    """``table`` with the provenance record added to its schema metadata (kept by Parquet)."""
    meta = dict(table.schema.metadata or {})
    meta[PROVENANCE_KEY] = json.dumps(prov.to_json_dict(), sort_keys=True).encode()
    return table.replace_schema_metadata(meta)


def write_sidecar(data_file: str | Path, prov: Provenance) -> Path:
    """Hash ``data_file`` and write ``<data_file>.meta.json`` atomically (temp file + rename).

    Returns the sidecar path. The record written is ``prov`` with ``sha256`` and ``rows`` of
    the file as written.
    """
    path = Path(data_file)
    out = sidecar_path(path)
    record = {**prov.to_json_dict(), "sha256": sha256_file(path)}
    # A plain open keeps the usual file mode (mkstemp would make it owner-only).
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=2, sort_keys=True, allow_nan=False)
            f.write("\n")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def read_provenance(data_file: str | Path) -> tuple[Provenance | None, str]:
    """The provenance of ``data_file`` and where it was read from.

    Order: the sidecar ``<data_file>.meta.json``; else, for Parquet, the ``ipvalue.provenance``
    schema metadata (no hash: the caller hashes the file); else ``(None, "")``.

    Raises
    ------
    InputError
        The sidecar exists but is not valid JSON or not a provenance record (naming it).
    """
    side = sidecar_path(data_file)
    if side.is_file():
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(str(side), f"is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(str(side), "must be a JSON object")
        return Provenance.from_json_dict(data, str(side)), str(side)
    if Path(data_file).suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            meta = pq.read_schema(data_file).metadata or {}
        except (OSError, pa.ArrowException):
            return None, ""
        raw = meta.get(PROVENANCE_KEY)
        if raw:
            try:
                data = json.loads(raw)
            except json.JSONDecodeError:
                return None, ""
            if isinstance(data, dict):
                where = f"{data_file} (Parquet metadata)"
                return Provenance.from_json_dict(data, where), where
    return None, ""
