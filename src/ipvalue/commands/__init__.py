"""CLI adapters, one module per domain; each exposes ``register(app)``."""
