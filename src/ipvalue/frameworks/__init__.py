"""frameworks package."""
