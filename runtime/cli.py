"""``patient-alert``: one command for every tool, ``patient-alert TOOL ...`` runs ``python -m PACKAGE ...``.

The tools stay where they are (each package's ``__main__``, which keeps working with ``python -m``); this
console script only gives them one name and a list, as ``kafka-*.sh`` or ``airflow`` do for theirs.
"""

from __future__ import annotations

import os
import runpy
import sys

# tool name -> (package whose __main__ runs it, what it does)
TOOLS: dict[str, tuple[str, str]] = {
    "stack": ("local_stack", "the embedded local stack: up, down, status, logs, kill, reset, hbase-shell, jars, env"),
    "schema": ("rds_schema", "RDS: service accounts, versioned migrations, grants"),
    "hive-schema": ("hive_ddl", "create or upgrade the Hive tables through HiveServer2"),
    "rules": ("hbase_setup", "threshold rules in HBase: load, show, history"),
    "producer": ("producers", "RDS -> Kafka: publish, replay"),
    "stream": ("streaming", "the streaming application: run"),
    "notifier": ("notifier", "doctors-queue -> SNS: setup, subscriptions, run, status, redrive, ack"),
    "sqoop": ("sqoop", "Sqoop's command line on Spark JDBC: import, export, job, eval, list-tables"),
    "batch": ("batch", "batch jobs: reconcile, aggregates"),
    "cluster": ("cluster", "spark-submit the jobs to YARN or Kubernetes"),
    "dashboard": ("dashboard", "the live ward dashboard"),
    "monitoring": ("monitoring", "the operators' Prometheus alerting rules"),
    "settings": ("settings", "the PA_* settings tables"),
}


COMMAND = "patient-alert"


def prog(package: str) -> str:
    """The name a tool's usage shows: how it was called, ``patient-alert TOOL`` or ``python -m PACKAGE``."""
    return sys.argv[0] if sys.argv[0].startswith(COMMAND) else f"python -m {package}"


def usage() -> str:
    width = max(map(len, TOOLS))
    lines = [f"  {name:<{width}}  {about}" for name, (_, about) in TOOLS.items()]
    return (
        f"usage: {COMMAND} [-v] TOOL [ARGS ...]   (TOOL --help for its own)\n\n"
        "  -v, --verbose  log at DEBUG, the client libraries' own lines included (PA_LOG_LEVEL=DEBUG)\n\n"
        "tools:\n" + "\n".join(lines)
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    while args and args[0] in ("-v", "--verbose"):
        os.environ["PA_LOG_LEVEL"] = "DEBUG"
        args = args[1:]
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0
    tool, *rest = args
    if tool not in TOOLS:
        print(f"{COMMAND}: no tool '{tool}'\n\n{usage()}", file=sys.stderr)
        return 2
    package = TOOLS[tool][0]
    sys.argv = [f"{COMMAND} {tool}", *rest]
    try:
        runpy.run_module(package, run_name="__main__")  # sys.argv[0] stays the name it was called by
    except SystemExit as done:  # each tool ends with sys.exit(code), or sys.exit(message) for status 1
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
