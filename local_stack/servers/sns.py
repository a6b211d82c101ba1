"""An SNS endpoint: moto's server (AWS-compatible; real SNS on a cluster)."""

from __future__ import annotations

import sys

from local_stack import probes
from local_stack.spec import ServerSpec

SNS = ServerSpec(
    name="sns",
    summary="moto server (SNS + SQS API)",
    command=lambda ctx: [sys.executable, "-m", "moto.server", "-H", ctx.settings.stack_host,
                         "-p", str(ctx.settings.sns_port)],
    probe=probes.sns,
    address=lambda s: s.sns_endpoint_url,
    ports=lambda s: {"PA_SNS_PORT": s.sns_port},
)
