"""Kafka's default key partitioning, remembered per key.

kafka-python computes murmur2 in pure Python for every record; readings have
only as many distinct keys as there are patients, so the answer is cached per
(topic, key, partition count). Partitions are exactly what the default (and the
Java client) would choose.
"""

from __future__ import annotations

from kafka.partitioner.default import DefaultPartitioner


class KeyCachingPartitioner(DefaultPartitioner):
    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[tuple[str, bytes, int], int] = {}

    def partition(self, topic, key, serialized_key, value, serialized_value, cluster):
        if serialized_key is None:
            return super().partition(topic, key, serialized_key, value, serialized_value, cluster)
        cache_key = (topic, serialized_key, len(cluster.partitions_for_topic(topic) or ()))
        partition = self._cache.get(cache_key)
        if partition is None:
            partition = super().partition(topic, key, serialized_key, value, serialized_value, cluster)
            self._cache[cache_key] = partition
        return partition
