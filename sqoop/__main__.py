"""``python -m sqoop``: Sqoop's command line on Spark JDBC.

    python -m sqoop import --table patients_information --hive-import --incremental append --check-column patientid
    python -m sqoop export --hive-table health.ward_daily_alert_counts --table ward_daily_alert_counts \\
        --update-key ward,alert_date,kind --update-mode allowinsert
    python -m sqoop job --create NAME -- import --table ...
    python -m sqoop job --exec NAME [-- FLAGS] | --list | --show NAME | --delete NAME
    python -m sqoop pipeline-jobs          # create/update this pipeline's saved jobs
    python -m sqoop eval --query 'SELECT COUNT(*) FROM patients_information'
    python -m sqoop list-tables | list-databases
    python -m sqoop TOOL --help            # each tool's flags
"""

from __future__ import annotations

import argparse
import sys

import settings as settings_module
from runtime import entry
from sqoop import pipeline_jobs, rds_tools
from sqoop.jobs import JobStore
from sqoop.options import SqoopError, parse_export, parse_import
from sqoop.tools import exec_job, parse_tool, run_parsed

PARSERS = {"import": parse_import, "export": parse_export}


def _spark(settings: settings_module.Settings):
    from clients.spark import session

    return session(settings, "sqoop")


def _job(argv: list[str], settings: settings_module.Settings) -> int:
    split = argv.index("--") if "--" in argv else len(argv)
    head, rest = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(prog="sqoop job")
    actions = parser.add_mutually_exclusive_group(required=True)
    for flag in ("--create", "--exec", "--show", "--delete"):
        actions.add_argument(flag, metavar="JOB")
    actions.add_argument("--list", action="store_true")
    args = parser.parse_args(head)
    store = JobStore(settings)
    if args.create:
        if not rest:
            raise SqoopError("job --create NAME needs the tool and its flags after '--', e.g. -- import --table t ...")
        tool, *arguments = rest
        if tool in PARSERS:
            PARSERS[tool](arguments, settings)  # refuse to save a job that could never run
        store.create(args.create, tool, arguments)
        print(f"Job {args.create} created.")
    elif args.exec:
        print(exec_job(_spark(settings), settings, args.exec, rest).describe())
    elif args.list:
        print("Available jobs:\n" + "\n".join(f"  {name}" for name in store.names()))
    elif args.show:
        print(store.get(args.show).describe())
    else:
        store.delete(args.delete)
        print(f"Job {args.delete} deleted.")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(
            "usage: python -m sqoop {import,export,job,pipeline-jobs,eval,list-tables,list-databases} [FLAGS]\n\n"
            + __doc__
        )
        return 0
    settings = entry.loaded(settings_module.get)
    tool, *rest = argv
    try:
        if tool == "job":
            return _job(rest, settings)
        if tool in rds_tools.RDS_TOOLS:
            print(rds_tools.run(tool, rest, settings.rds))
            return 0
        if tool == "pipeline-jobs":
            print("saved jobs: " + ", ".join(pipeline_jobs.ensure(settings)))
            return 0
        options = parse_tool(settings, tool, rest)
        print(run_parsed(_spark(settings), settings, options).describe())
        return 0
    except SqoopError as error:
        print(f"ERROR sqoop {tool}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(entry.run(lambda: main(sys.argv[1:])))
