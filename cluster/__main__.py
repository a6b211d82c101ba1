"""``python -m cluster submit [--no-wait] [--print] MODULE [ARGS...]`` — a pipeline job on the cluster;
``python -m cluster units --out DIR`` — systemd units for the long-running services.

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

from cluster import systemd_units
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
    units = commands.add_parser("units", help="write a systemd unit for each long-running service")
    units.add_argument("--out", type=Path, required=True, help="folder to write the .service files into")
    units.add_argument("--bin", type=Path, default=Path("/opt/patient-alert/venv/bin"), help="the virtualenv's bin")
    units.add_argument("--env-dir", type=Path, default=Path("/etc/patient-alert"), help="where SERVICE.env files are")
    units.add_argument("--user", default="patient-alert", help="the unprivileged user the services run as")
    units.add_argument("--state-dir", type=Path, default=Path("/var/lib/patient-alert"), help="working directory")
    args = parser.parse_args(argv)
    current, _ = entry.start()
    if args.command == "units":
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in systemd_units.render(current, args.bin, args.env_dir, args.user, args.state_dir).items():
            (args.out / name).write_text(text)
            print(args.out / name)
        return 0
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
