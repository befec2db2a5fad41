"""Lifecycle-staged forecasts (METHODS §2.6): introduction, growth, maturity, decline."""

from ._lifecycle import LifecycleForecast, Stage, StageName, lifecycle_forecast

__all__ = ["LifecycleForecast", "Stage", "StageName", "lifecycle_forecast"]
