"""The stack starts from nothing, and a restart keeps every server's data."""

from __future__ import annotations

import pytest

import settings as settings_module
from clients import kafka
from local_stack import stack, tls
from local_stack.paths import StackPaths
from settings import KafkaPrincipal


@pytest.mark.stack  # starts servers of its own
def test_servers_come_up_from_an_empty_data_directory_and_go_down(tmp_path):
    """A second, fresh stack of three servers on other ports: initialised, provisioned, healthy, stopped."""
    fresh = settings_module.load_stack(
        {
            "PA_STACK_DATA_DIR": str(tmp_path / "stack"),
            "PA_MYSQL_PORT": "23306",
            "PA_KAFKA_PORT": "29092",
            "PA_KAFKA_CONTROLLER_PORT": "29093",
            "PA_KAFKA_ADMIN_PORT": "29094",
            "PA_SNS_ENDPOINT_URL": "http://127.0.0.1:25000",
        }
    )
    try:
        timings = stack.up(fresh, ["mariadb", "kafka", "sns"])
        report = {row.name: row for row in stack.status(fresh)}
        # over the pipeline's listener (SASL_SSL, the fresh stack's own CA), as the administrator
        with_ca = fresh.changed(kafka={"tls_ca": str(tls.authority(StackPaths(fresh.stack.data_dir)))})
        admin = kafka.admin(with_ca.kafka, KafkaPrincipal.ADMIN)
        topics = set(admin.list_topics())
        admin.close()
    finally:
        stopped = stack.down(fresh)
    assert set(timings) == {"mariadb", "kafka", "sns"}
    assert all(report[name].healthy for name in timings)
    assert {fresh.names.topic_vitals, fresh.names.topic_alerts, fresh.names.topic_dead_letter} <= topics
    assert sorted(stopped) == ["kafka", "mariadb", "sns"]
    assert not any(row.pid for row in stack.status(fresh))
