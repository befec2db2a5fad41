"""Case-store tests (package so that test module names do not clash with other folders)."""
