"""An SNS endpoint: moto's server (AWS-compatible; real SNS on a cluster), on PA_SNS_ENDPOINT_URL's port."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from local_stack import probes
from local_stack.errors import StackError
from local_stack.spec import ServerSpec
from settings import StackSettings


def sns_port(settings: StackSettings) -> int:
    """The port of PA_SNS_ENDPOINT_URL, where the local stack serves SNS."""
    port = urlsplit(settings.sns.endpoint_url).port
    if port is None:
        raise StackError(
            f"PA_SNS_ENDPOINT_URL={settings.sns.endpoint_url!r} has no port: the local stack serves "
            "SNS on the port of that URL: give one with a port, as the setting's default has"
        )
    return port


SNS = ServerSpec(
    name="sns",
    summary="moto server (SNS + SQS API)",
    command=lambda ctx: [
        sys.executable,
        "-m",
        "moto.server",
        "-H",
        ctx.settings.stack.host,
        "-p",
        str(sns_port(ctx.settings)),
    ],
    probe=probes.sns,
    address=lambda s: s.sns.endpoint_url,
    ports=lambda s: {"PA_SNS_ENDPOINT_URL": sns_port(s)},
)
