"""Run every demo step in order, each announcing itself, and stop at the first failure."""

from __future__ import annotations

import argparse
import sys
import time

import settings
from demo.steps import STEPS
from local_stack import handoff
from local_stack.servers import monitoring
from runtime import logs


def main(argv: list[str]) -> int:
    steps = "\n".join(f"  {number:>2}. {title}" for number, (title, _) in enumerate(STEPS, start=1))
    argparse.ArgumentParser(
        prog="python -m demo",
        description=__doc__,
        epilog=f"steps:\n{steps}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args(argv)
    current = handoff.hand_over(settings.stack())
    logs.configure(current.logs)
    began = time.monotonic()
    for number, (title, step) in enumerate(STEPS, start=1):
        print(f"\n=== [{number}/{len(STEPS)}] {title} ===", flush=True)
        started = time.monotonic()
        try:
            step(current)
        except Exception as error:  # the demo reports which step failed and stops
            print(f"\nDEMO FAILED at step {number} ({title}): {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        print(f"--- done in {time.monotonic() - started:.1f}s", flush=True)
    metrics = current.metrics
    print(
        f"\nDemo finished in {time.monotonic() - began:.0f}s. "
        f"The stack keeps running: 'make stack-status', 'make stack-down'.\n"
        f"Live ward dashboard on this data: 'make dashboard', then open "
        f"http://{current.dashboard.host}:{current.dashboard.port}/\n"
        "Docs (quickstart, operations runbook, configuration reference): 'make docs', then open .site/index.html\n"
        f"Prometheus: {monitoring.prometheus_url(current)} (alerts: {monitoring.alertmanager_url(current)}); the "
        f"services' metrics, while they run: http://{metrics.metrics_host}:{{{metrics.producer_metrics_port},"
        f"{metrics.streaming_metrics_port},{metrics.notifier_metrics_port}}}/metrics (producer, stream, notifier)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
