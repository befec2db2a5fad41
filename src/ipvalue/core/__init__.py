"""Cross-cutting infrastructure: settings, errors, database engine."""
