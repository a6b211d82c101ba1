"""``python -m notifier setup|subscriptions|run|status|redrive|ack`` — doctors' SNS topics and the notifier
service."""

from __future__ import annotations

import argparse
import sys

from clients import kafka
from monitoring import endpoint
from notifier import sns_setup
from notifier.redrive import redrive
from notifier.service import Notifier
from notifier.store import NotifierStore
from runtime import cli, entry
from runtime.backoff import Stopped
from settings import Settings


def status(settings: Settings) -> str:
    """What an on-call engineer asks first: is the notifier keeping up, what did it do, what was set aside."""
    committed = kafka.committed(settings.kafka, settings.names.notifier_group, settings.names.topic_alerts)
    queued = kafka.end_offsets(settings.kafka, settings.names.topic_alerts)
    outcomes = NotifierStore(settings).recent_outcomes(3600)
    dead_letters = settings.names.topic_notify_dead_letter
    return "\n".join(
        [
            f"{settings.names.topic_alerts}: {queued:,} alert records, {committed:,} handled by group "
            f"{settings.names.notifier_group}, {queued - committed:,} behind",
            "last hour: "
            + (", ".join(f"{outcome} {count:,}" for outcome, count in sorted(outcomes.items())) or "nothing"),
            f"{dead_letters}: {kafka.end_offsets(settings.kafka, dead_letters):,} "
            f"record(s) set aside (python -m notifier redrive sends the refused notifications again)",
        ]
    )


def acknowledge(settings: Settings, code: str, by: str) -> int:
    """Record the acknowledgement of the open episode with ``code``; 1 when no open episode has it."""
    store = NotifierStore(settings)
    patient = store.open_episode_of(code)
    if patient is None or not by:
        reason = "say who acknowledges it (--by)" if patient else "it was closed already, or the code is mistyped"
        print(f"no acknowledgement recorded for {code}: {reason}", file=sys.stderr)
        return 1
    store.acknowledge(code, by[:100], "cli")
    print(f"acknowledged: patient {patient}'s alarm episode ({code}) by {by}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("notifier"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="create the topic and the doctors' email subscriptions (idempotent)")
    commands.add_parser("subscriptions", help="list the topic's subscriptions")
    run = commands.add_parser("run", help="consume doctors-queue and notify (SIGTERM or Ctrl-C stops it gracefully)")
    run.add_argument("--until-idle", type=float, metavar="SECONDS", help="stop after the queue was empty this long")
    commands.add_parser("status", help="lag behind doctors-queue, outcomes of the last hour, dead-lettered records")
    again = commands.add_parser("redrive", help="send the notifications SNS refused again (once per alert id)")
    again.add_argument("--dry-run", action="store_true", help="list what would be sent, send and commit nothing")
    ack = commands.add_parser(
        "ack", help="acknowledge an alarm episode by the code its emails carry (escalation and reminders stop)"
    )
    ack.add_argument("code", help="the acknowledgement code of the email")
    ack.add_argument("--by", required=True, help="who acknowledges it (name and role), kept in the audit")
    args = parser.parse_args(argv)
    current, stopping = entry.start()
    if args.command in ("setup", "subscriptions"):
        found = sns_setup.setup(current) if args.command == "setup" else sns_setup.subscriptions(current)
        for subscription in found:
            print(f"{subscription['Protocol']:<6} {subscription['Endpoint']:<40} {subscription['SubscriptionArn']}")
        return 0
    if args.command == "status":
        print(status(current))
        return 0
    if args.command == "ack":
        return acknowledge(current, args.code.strip().upper(), args.by.strip())
    if args.command == "redrive":
        print(f"[notifier redrive] {dict(redrive(current, dry_run=args.dry_run, stopping=stopping))}", file=sys.stderr)
        return 0
    endpoint.serve(current.metrics.metrics_host, current.metrics.notifier_metrics_port, "PA_NOTIFIER_METRICS_PORT")
    try:
        counts = Notifier(current, stopping).run(until_idle_s=args.until_idle)
    except Stopped:  # stopped while still waiting for a server at start-up: nothing was handled
        return 0
    print(f"[notifier] {dict(counts)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
