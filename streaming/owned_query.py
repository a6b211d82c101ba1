"""What the application's two queries share: a name, a checkpoint, start and stop, and how they ended.

:class:`~streaming.landing.LandingQuery` and :class:`~streaming.alerting.AlertingQuery`
both own their Spark query this way, so the application supervises them alike.
"""

from __future__ import annotations

import abc

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from settings import Settings


class OwnedQuery(abc.ABC):
    """A streaming query the application starts, watches, restarts from its checkpoint and stops."""

    def __init__(self, spark: SparkSession, settings: Settings, name: str):
        self.spark = spark
        self.settings = settings
        self.name = name
        self.query: StreamingQuery | None = None

    @property
    def checkpoint(self) -> str:
        return f"{self.settings.hdfs.uri}{self.settings.hdfs.checkpoint_dir}/{self.name}"

    @abc.abstractmethod
    def start(self) -> StreamingQuery:
        """Start the query from its checkpoint (or the configured offsets when it has none); keep it in ``query``."""

    def stop(self) -> None:
        if self.query is not None and self.query.isActive:
            self.query.stop()

    @property
    def active(self) -> bool:
        return self.query is not None and self.query.isActive

    @property
    def failed(self) -> bool:
        """The query ended with an error (a server it reads or writes went away)."""
        return self.query is not None and not self.query.isActive and self.query.exception() is not None

    @property
    def finished(self) -> bool:
        """The query ended without an error (an available-now run that caught up)."""
        return self.query is not None and not self.query.isActive and self.query.exception() is None

    def failure(self) -> str:
        """The first line of the error the query ended with."""
        error = self.query.exception() if self.query is not None else None
        return str(error).splitlines()[0] if error is not None else "no error"
