"""What the test stack holds by name: RDS tables, Kafka topics, HBase tables, Hive databases, saved Sqoop jobs,
SNS topics and SQS queues. Listed before and after a test run (tests/conftest.py), so a test that leaves what it
made behind fails the run instead of slowing every later one."""

from __future__ import annotations

import re
from pathlib import Path

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePatternFilter,
    ResourceType,
)

from clients import aws, hbase, hive, kafka, kafka_acls, mysql
from settings import KafkaPrincipal, RdsAccount, Settings
from sqoop import pipeline_jobs

MIGRATIONS = Path(__file__).parents[1] / "rds_schema"

Inventory = dict[str, set[str]]
ANY_ACL = ACLFilter(
    None,
    None,
    ACLOperation.ANY,
    ACLPermissionType.ANY,
    ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY),
)


def inventory(settings: Settings) -> Inventory:
    """Every name each server holds now."""
    admin = kafka.admin(settings.kafka, KafkaPrincipal.ADMIN)
    try:
        topics = {topic for topic in admin.list_topics() if not topic.startswith("__")}
        acls, _ = admin.describe_acls(ANY_ACL)
    finally:
        admin.close()
    connection = hbase.connect(settings.hbase)
    try:
        hbase_tables = {name.decode() for name in connection.tables()}
    finally:
        connection.close()
    rds = mysql.connect(settings.rds, RdsAccount.MIGRATION)
    try:
        cursor = rds.cursor()
        cursor.execute("SHOW TABLES")
        rds_tables = {str(row[0]) for row in cursor.fetchall()}
        cursor.execute("SELECT job_name FROM sqoop_jobs")
        saved_jobs = {str(row[0]) for row in cursor.fetchall()}
    finally:
        rds.close()
    sns, sqs = aws.client(settings.sns, "sns"), aws.client(settings.sns, "sqs")
    return {
        "Kafka topics": topics,
        "Kafka ACLs": {_acl_name(acl) for acl in acls},
        "HBase tables": hbase_tables,
        "Hive databases": {str(row[0]) for row in hive.query(settings.hive, "SHOW DATABASES")},
        "RDS tables": rds_tables,
        "saved Sqoop jobs": saved_jobs,
        "SNS topics": {topic["TopicArn"].rsplit(":", 1)[-1] for topic in _pages(sns, "list_topics", "Topics")},
        "SQS queues": {url.rsplit("/", 1)[-1] for url in sqs.list_queues().get("QueueUrls", [])},
    }


def _acl_name(acl: ACL) -> str:
    pattern = acl.resource_pattern
    return f"{acl.principal} {acl.operation.name} {pattern.resource_type.name} {pattern.resource_name}"


def _pages(client, method: str, key: str) -> list[dict]:
    found: list[dict] = []
    for page in client.get_paginator(method).paginate():
        found += page.get(key, [])
    return found


def pipeline_names(settings: Settings) -> Inventory:
    """The names the pipeline itself owns under ``settings`` (made by the stack, the migrations, the Hive schema or
    the services at first use): never a test's leftovers, even when a fresh stack first makes them during a run."""
    migrations = "\n".join(path.read_text() for path in MIGRATIONS.glob("*.sql"))
    return {
        "Kafka topics": {
            settings.names.topic_vitals,
            settings.names.topic_alerts,
            settings.names.topic_observations,
            settings.names.topic_dead_letter,
            settings.names.topic_notify_dead_letter,
        },
        "Kafka ACLs": {_acl_name(grant.acl(settings.kafka)) for grant in kafka_acls.pipeline_grants(settings.names)},
        "HBase tables": {settings.names.threshold_table},
        "Hive databases": {"default", settings.names.hive_database},
        "RDS tables": {
            settings.names.vitals_table,
            "schema_versions",  # rds_schema.migrate's bookkeeping
            *re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", migrations),
        },
        "saved Sqoop jobs": set(pipeline_jobs.definitions(settings.names)),
        "SNS topics": {
            settings.names.sns_topic,
            settings.names.sns_operations_topic,
            *(t.topic for t in settings.alarm_tiers),
        },
        "SQS queues": set(),
    }


def left_behind(before: Inventory, after: Inventory, own: Inventory) -> dict[str, list[str]]:
    """What ``after`` holds that ``before`` did not and the pipeline does not own, per kind (kinds with nothing
    left out)."""
    after = {kind: names - own.get(kind, set()) for kind, names in after.items()}
    return {
        kind: sorted(after[kind] - before.get(kind, set())) for kind in after if after[kind] - before.get(kind, set())
    }
