"""``python -m streaming run [--available-now]`` — the streaming application (spark-submit-able)."""

from __future__ import annotations

import argparse
import sys

from clients.spark import session
from runtime import entry
from streaming.app import StreamingApp
from streaming.listener import ProgressListener


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streaming", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the landing query and, with PA_ALERT_PATH=realtime, the alert query")
    run.add_argument("--available-now", action="store_true", help="catch up with Kafka, then stop")
    args = parser.parse_args(argv)
    current, stopping = entry.start()
    spark = session(current, "patient-alert-streaming")
    spark.sparkContext.setLogLevel("WARN")
    listener = ProgressListener()
    spark.streams.addListener(listener)
    app = StreamingApp(spark, current, stopping)
    job = app.landing
    app.start(available_now=args.available_now)
    try:
        while not stopping.wait(2):
            app.tick()
            if app.finished:
                break
            if listener.latest is not None:
                print(
                    f"\r{listener.latest.line()} | landed {job.landed:,} ({job.late:,} late), rejected "
                    f"{job.rejected:,}, alerts {dict(job.outcomes)}",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
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
    sys.exit(main())
