"""Spark session settings: local mode tuned for one machine, clusters left to their settings."""

from __future__ import annotations

import os

import pytest

from ipvalue.analytics._pipeline import local_cores, spark_settings
from ipvalue.core.settings import get_settings


@pytest.mark.parametrize(
    ("master", "cores"),
    [
        ("local", 1),
        ("local[2]", 2),
        ("local[4, 3]", 4),  # local[N, maxFailures]
        ("local[*]", os.cpu_count() or 1),
        ("spark://host:7077", None),
        ("yarn", None),
        ("k8s://https://api:6443", None),
    ],
)
def test_local_cores(master: str, cores: int | None) -> None:
    assert local_cores(master) == cores


def test_local_mode_uses_one_shuffle_partition_per_core_and_broadcasts() -> None:
    s = spark_settings("local[2]")
    assert s["spark.sql.shuffle.partitions"] == "2"  # not Spark's 200 tasks per shuffle
    assert s["spark.default.parallelism"] == "2"
    assert s["spark.sql.adaptive.enabled"] == "false"  # one job per stage costs more than it saves
    assert s["spark.sql.autoBroadcastJoinThreshold"] == "64m"
    assert s["spark.sql.session.timeZone"] == "UTC"


def test_cluster_keeps_spark_defaults_and_takes_the_spark_conf_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IPVALUE_SPARK_CONF", '{"spark.sql.shuffle.partitions": "400"}')
    get_settings.cache_clear()
    try:
        cluster = spark_settings("spark://host:7077")
        assert cluster["spark.sql.shuffle.partitions"] == "400"  # from the setting only
        assert "spark.sql.autoBroadcastJoinThreshold" not in cluster
        assert "spark.driver.memory" not in cluster
        assert cluster["spark.sql.session.timeZone"] == "UTC"
        # the setting overrides local tuning too, and ``conf`` overrides both
        local = spark_settings("local[2]", {"spark.sql.adaptive.enabled": "true"})
        assert local["spark.sql.shuffle.partitions"] == "400"
        assert local["spark.sql.adaptive.enabled"] == "true"
    finally:
        get_settings.cache_clear()
