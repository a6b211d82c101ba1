"""The compose file keeps the stack's promises: ports published on loopback only, no default root password."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).parents[1] / "docker" / "docker-compose.yml"


def test_every_published_port_binds_loopback_only():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    published = {name: service.get("ports", []) for name, service in services.items()}
    assert any(published.values())
    exposed = {name: ports for name, ports in published.items() if any(not p.startswith("127.0.0.1:") for p in ports)}
    assert exposed == {}


def test_the_database_root_password_must_be_given():
    mariadb = yaml.safe_load(COMPOSE.read_text())["services"]["mariadb"]["environment"]
    assert mariadb["MARIADB_ROOT_PASSWORD"].endswith(":?set PA_MYSQL_ROOT_PASSWORD}")
