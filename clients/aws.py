"""boto3 clients for SNS (and the SQS queue the tests and demo read deliveries from)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from settings import Settings


def client(settings: Settings, service: str, config: Config | None = None) -> Any:
    """A boto3 client; the endpoint and keys apply only when set (real AWS uses its credential chain)."""
    options: dict[str, Any] = dict(region_name=settings.aws_region, config=config)
    if settings.sns_endpoint_url:
        options["endpoint_url"] = settings.sns_endpoint_url
    if settings.aws_access_key_id:
        options["aws_access_key_id"] = settings.aws_access_key_id
        options["aws_secret_access_key"] = settings.aws_secret_access_key
    return boto3.client(service, **options)
