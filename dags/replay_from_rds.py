"""
### replay_from_rds

For operators after an outage: publishes the readings of a time range from RDS into
Kafka `patient-vitals` again (the producers' replay). Trigger it by hand with the
parameters below. Messages keep their reading ids, so the stream and the notifier
drop what they already had: running a replay twice duplicates nothing. The
producer's own watermark is never moved.

Parameters: `start`, `end` (ISO times, UTC; `end` exclusive), `rows_per_s` (0 =
unlimited), `dry_run` (only count what would be sent).
"""

from __future__ import annotations

from airflow.sdk import Param, get_current_context, task

from dags.common import fail_without_retry, pipeline_dag
from dags.worker_settings import task_settings


@pipeline_dag(
    schedule=None,
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["ops", "replay", "rds", "kafka"],
    params={
        "start": Param(
            "2026-11-24T00:00:00+00:00",
            type="string",
            format="date-time",
            description="first event time to replay (UTC)",
        ),
        "end": Param(
            "2026-11-24T01:00:00+00:00",
            type="string",
            format="date-time",
            description="replay up to this event time, exclusive (UTC)",
        ),
        "rows_per_s": Param(0, type="number", minimum=0, description="rate limit; 0 = unlimited"),
        "dry_run": Param(True, type="boolean", description="only count the readings that would be replayed"),
    },
)
def replay_from_rds():
    @task
    def replay() -> dict:
        from producers.replay import replay as run_replay
        from producers.rows import RowSelection, utc_time

        params = get_current_context()["params"]
        with fail_without_retry(ValueError):
            start, end = utc_time(params["start"]), utc_time(params["end"])
            if end <= start:
                raise ValueError(f"end {params['end']} must be after start {params['start']}")
        outcome = run_replay(
            task_settings(),
            RowSelection(start_time=start, end_time=end),
            dry_run=bool(params["dry_run"]),
            rows_per_s=float(params["rows_per_s"]) or None,
        )
        print(
            f"replay {start} .. {end}: {outcome.matching} matching, {outcome.published} published, "
            f"{outcome.dead_lettered} dead-lettered{' (dry run)' if outcome.dry_run else ''}"
        )
        return {"matching": outcome.matching, "published": outcome.published, "dead_lettered": outcome.dead_lettered}

    replay()


replay_from_rds()
