"""``python -m streaming run [--available-now]`` — the streaming application (spark-submit-able)."""

from __future__ import annotations

import argparse
import sys
import time

from clients.spark import session
from monitoring import endpoint
from runtime import cli, entry
from streaming.app import StreamingApp
from streaming.listener import ProgressListener

LOG_STATUS_EVERY_S = 60.0  # the status as a line of its own when stderr is not a terminal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("streaming"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the landing query and, with PA_ALERT_PATH=realtime, the alert query")
    run.add_argument("--available-now", action="store_true", help="catch up with Kafka, then stop")
    args = parser.parse_args(argv)
    current, stopping = entry.start()
    if not args.available_now:  # a service: Prometheus scrapes its batches
        endpoint.serve(
            current.metrics.metrics_host, current.metrics.streaming_metrics_port, "PA_STREAMING_METRICS_PORT"
        )
    spark = session(current, "patient-alert-streaming")
    spark.sparkContext.setLogLevel("WARN")
    listener = ProgressListener()
    spark.streams.addListener(listener)
    app = StreamingApp(spark, current, stopping)
    job = app.landing
    app.start(available_now=args.available_now)
    on_terminal = sys.stderr.isatty()
    last_line = time.monotonic()
    try:
        while not stopping.wait(2):
            app.tick()
            if app.finished:
                break
            if listener.latest is None:
                continue
            status = (
                f"{listener.latest.line()} | landed {job.landed:,} ({job.late:,} late), rejected "
                f"{job.rejected:,}, alerts {dict(job.outcomes)}"
            )
            if on_terminal:  # one status line, rewritten in place
                print(f"\r{status}", end="", file=sys.stderr, flush=True)
            elif time.monotonic() - last_line >= LOG_STATUS_EVERY_S:  # a service log: a plain line now and then
                print(f"[streaming] {status}", file=sys.stderr, flush=True)
                last_line = time.monotonic()
    except KeyboardInterrupt:
        pass
    finally:
        app.stop()
    print(
        f"\n[streaming] landed {job.landed:,} ({job.late:,} late), rejected {job.rejected:,}, alerts by kind "
        f"{dict(job.outcomes)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
