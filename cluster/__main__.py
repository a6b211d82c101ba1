"""``python -m cluster submit [--no-wait] [--print] MODULE [ARGS...]`` — a pipeline job on the cluster.

For example ``python -m cluster submit --no-wait streaming run`` (the streaming
application, both queries), ``python -m cluster submit sqoop import --table
patients_information ...`` or ``python -m cluster submit batch aggregates --from
T1 --to T2``. PA_CLUSTER_* settings choose the master, deploy mode and sizes;
HADOOP_CONF_DIR names the cluster (``python -m local_stack env`` prints the
local stack's when it runs YARN).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from cluster.submit import application_id, submission
from runtime import cli, entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("cluster"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    submit = commands.add_parser("submit", help="spark-submit a pipeline module (python -m MODULE ARGS)")
    submit.add_argument("--no-wait", action="store_true", help="return once the cluster accepted the application")
    submit.add_argument("--print", action="store_true", help="print the spark-submit command line, run nothing")
    submit.add_argument("module", help="streaming, sqoop, batch, ...")
    submit.add_argument("args", nargs=argparse.REMAINDER, help="the module's own arguments")
    args = parser.parse_args(argv)
    current, _ = entry.start()
    with tempfile.TemporaryDirectory(prefix="pa-submit-") as work:
        job = submission(current, args.module, args.args, Path(work), wait=not args.no_wait)
        if args.print:
            print(job.shown())
            return 0
        print(f"[cluster] {job.shown()}", file=sys.stderr, flush=True)
        done = subprocess.run(job.arguments, env=job.environment, capture_output=True, text=True)
        output = done.stdout + done.stderr
        found = application_id(output)
        if done.returncode != 0:
            print(output[-4000:], file=sys.stderr)
            print(f"[cluster] spark-submit failed (exit {done.returncode}); application {found}", file=sys.stderr)
            return done.returncode
        print(found or "no application id in spark-submit's output")
        return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
