"""refdata package."""
