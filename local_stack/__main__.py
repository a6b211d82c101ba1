"""``python -m local_stack up|down|status|logs|reset|jars|env`` — the local stack's command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import settings
from local_stack import handoff, hbase_shell, jars, launcher, stack
from local_stack.errors import StackError
from local_stack.servers import BY_NAME, of_stack
from runtime import cli, entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("local_stack"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start every server (or the named ones) and wait until each answers")
    up.add_argument("servers", nargs="*", metavar="SERVER")
    down = commands.add_parser("down", help="stop the servers this stack started; data is kept")
    down.add_argument("servers", nargs="*", metavar="SERVER")
    kill = commands.add_parser("kill", help="SIGKILL the named servers only, as a crash would (fault tests)")
    kill.add_argument("servers", nargs="+", metavar="SERVER")
    status = commands.add_parser("status", help="each server's address, pid, memory and health")
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    logs = commands.add_parser("logs", help="the last lines of each server's log (or one server's)")
    logs.add_argument("server", nargs="?", choices=list(BY_NAME))
    logs.add_argument("-n", "--lines", type=int, default=20)
    commands.add_parser("reset", help="stop everything and wipe the stack's data")
    shell = commands.add_parser("hbase-shell", help="the real `hbase shell`, interactive or running a script")
    shell.add_argument("script", nargs="?", type=Path)
    resolve = commands.add_parser("jars", help="resolve the servers' jars with Maven (done by 'up' too)")
    resolve.add_argument("--refresh", action="store_true", help="forget cached class paths and resolve again")
    commands.add_parser(
        "env",
        help="print what the stack resolves for the pipeline as shell exports "
        '(eval "$(python -m local_stack env)" before running the pipeline by hand)',
    )
    args = parser.parse_args(argv)

    current = entry.loaded(settings.stack)
    try:
        if args.command == "up":
            stack.up(current, args.servers)
        elif args.command == "down":
            stack.down(current, args.servers)
        elif args.command == "kill":
            stack.kill(current, args.servers)
        elif args.command == "reset":
            stack.reset(current)
        elif args.command == "status":
            report = stack.status(current)
            print(json.dumps(stack.status_dicts(report), indent=2) if args.json else stack.status_table(report))
            return 0 if all(row.healthy for row in report) else 1
        elif args.command == "logs":
            ctx = stack.context(current)
            for spec in [BY_NAME[args.server]] if args.server else of_stack(current):
                print(f"==> {ctx.paths.log_file(spec.name)} <==\n{launcher.log_tail(spec, ctx, args.lines)}\n")
        elif args.command == "hbase-shell":
            return hbase_shell.run(stack.context(current), args.script).returncode
        elif args.command == "jars":
            cache = stack.context(current).paths.classpath_dir
            if args.refresh:
                for profile in jars.PROFILES:
                    jars.classpath_file(cache, profile).unlink(missing_ok=True)
            jars.resolve(cache, jars.PROFILES, current.stack.jar_repository)
        elif args.command == "env":
            print(handoff.shell_exports(current))
    except StackError as error:
        print(f"[stack] ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
