"""boto3 clients for SNS (and the SQS queue the tests and demo read deliveries from)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from settings import SnsSettings


def client(sns: SnsSettings, service: str, config: Config | None = None) -> Any:
    """A boto3 client; the endpoint and keys apply only when set (real AWS uses its credential chain)."""
    options: dict[str, Any] = dict(region_name=sns.aws_region, config=config)
    if sns.endpoint_url:
        options["endpoint_url"] = sns.endpoint_url
    if sns.aws_access_key_id:
        options["aws_access_key_id"] = sns.aws_access_key_id
        options["aws_secret_access_key"] = sns.aws_secret_access_key
    return boto3.client(service, **options)
