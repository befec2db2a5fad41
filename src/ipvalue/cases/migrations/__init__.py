"""Alembic migrations of the case store (packaged; applied by ``ipvalue cases migrate``)."""
