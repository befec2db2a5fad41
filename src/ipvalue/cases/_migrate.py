"""Apply the packaged Alembic migrations to a case database (idempotent, safe to race)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from ipvalue.core.db import is_sqlite

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock held while migrating (any constant unique to ipvalue).
_PG_LOCK_KEY = 0x1B7A1E


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    """Revision id of the newest packaged migration."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the database to the newest revision; return ``(before, after)``.

    Concurrent callers serialise (SQLite write lock, PostgreSQL advisory lock) and the loser
    finds the work done. Everything runs in one transaction: an interrupted migration leaves
    the database at its previous revision.
    """
    head = head_revision()
    before = current_revision(engine)
    if before == head:
        return before, head
    bind = engine.execution_options(ipvalue_write=True) if is_sqlite(engine) else engine
    with bind.connect() as conn, conn.begin():
        if not is_sqlite(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        before = MigrationContext.configure(conn).get_current_revision()
        if before != head:
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return before, head


def ensure_schema(engine: Engine) -> None:
    """Migrate when the database is behind (what every ``ipvalue cases`` command does first)."""
    migrate(engine)
