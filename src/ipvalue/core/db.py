"""Database engine and transactions for the case store.

SQLite (the default) runs in WAL mode with a busy timeout and foreign keys on; write transactions
start with ``BEGIN IMMEDIATE`` so that there is exactly one writer and a second process waits
instead of failing half-way. PostgreSQL is reached through psycopg 3; writers serialise on the
audit-chain head row (``SELECT ... FOR UPDATE``, see :mod:`ipvalue.cases`).

:func:`run_write` retries a whole unit of work when the database reports a transient conflict
(SQLite ``database is locked``, PostgreSQL serialisation failure or deadlock), so concurrent saves
from several processes neither fail nor lose a write.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ipvalue.core.errors import InputError

T = TypeVar("T")

#: Milliseconds a SQLite connection waits for the write lock before reporting ``locked``.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE = "ipvalue_write"


def make_engine(url: str | None = None, *, pooled: bool = True) -> Engine:
    """Create an engine for ``url`` (default: the ``db_url`` setting).

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL. ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/db``; a
        PostgreSQL URL may carry ``?options=-csearch_path%3Dschema`` to work inside one schema.
    pooled : bool
        Keep a connection pool (long-running processes). One-shot commands pass False so that
        every connection closes as soon as its session ends.

    Raises
    ------
    InputError
        ``--db`` when the URL cannot be parsed or names an unsupported backend (only SQLite and
        PostgreSQL are supported).
    """
    if url is None:
        from ipvalue.core.settings import get_settings

        url = get_settings().db_url
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise InputError("--db", f"must be a SQLAlchemy URL ({exc})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            from pathlib import Path

            if not Path(db).expanduser().resolve().parent.is_dir():
                raise InputError("--db", f"folder of the SQLite file {db} does not exist")
        return _sqlite_engine(url, pooled)
    if backend == "postgresql":
        if parsed.drivername not in ("postgresql", "postgresql+psycopg"):
            raise InputError("--db", "PostgreSQL URLs must use psycopg 3 (postgresql+psycopg)")
        if not pooled:
            return create_engine(parsed.set(drivername="postgresql+psycopg"), poolclass=NullPool)
        return create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    raise InputError("--db", f"backend {backend!r} unsupported; use sqlite or postgresql+psycopg")


def _sqlite_engine(url: str, pooled: bool) -> Engine:
    extra: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **extra)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE is possible.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        # NORMAL in WAL mode keeps every committed transaction across a process crash (kill -9);
        # only an OS crash or power loss may lose the last commits.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def insert_ignore(session: Session, table: Table, values: dict[str, Any]) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` (safe when two processes create the same row)."""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    session.execute(ins.values(**values).on_conflict_do_nothing())


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads; rolled back at the end (nothing it does is kept)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None)
        # 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available
        return code in {"40001", "40P01", "55P03"}
    return False


def run_write(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    attempts: int = 50,
    max_backoff_s: float = 0.5,
) -> T:
    """Run ``work(session)`` in one write transaction and commit; retry on transient conflicts.

    Everything ``work`` writes is committed together or not at all: a process killed mid-way
    leaves no partial rows. ``work`` must be safe to re-run (it is called again from scratch
    after a conflict) and must not commit itself.

    Parameters
    ----------
    engine : Engine
        From :func:`make_engine`.
    work : callable
        Receives a session inside an open transaction; its return value is returned.
    attempts : int
        Tries before the last transient error is re-raised (the busy timeout already waits up to
        30 s per try on SQLite).
    max_backoff_s : float
        Upper bound of the randomised pause between tries.
    """
    bind = engine.execution_options(**{_WRITE: True}) if is_sqlite(engine) else engine
    for attempt in range(1, attempts + 1):
        session = Session(bind, expire_on_commit=False)
        try:
            with session.begin():
                result = work(session)
            return result
        except DBAPIError as exc:
            if attempt == attempts or not _transient(exc):
                raise
            time.sleep(random.uniform(0, min(max_backoff_s, 0.01 * 2**attempt)))
        finally:
            session.close()
    raise AssertionError("unreachable")
