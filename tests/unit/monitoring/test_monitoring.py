"""What operators see: each service's metrics endpoint while it runs, Prometheus scraping it, and Alertmanager
telling the operations SNS topic when a service stops."""

from __future__ import annotations

from monitoring.rules import SERVICES, rules


def test_the_rules_cover_each_service_and_name_a_runbook_section():
    from settings import load

    groups = rules(load({}).metrics)["groups"]
    named = {rule["alert"]: rule for group in groups for rule in group["rules"]}
    assert set(named) == {
        "PatientAlertServiceDown",
        "StreamStalled",
        "StreamLagGrowing",
        "ProducerBacklogGrowing",
        "NotifierDeadLetters",
        "WardMonitoringLost",
    }
    assert all(service in named["PatientAlertServiceDown"]["expr"] for service in SERVICES)
    runbook = open("docs/operations.md").read()
    for rule in named.values():
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert anchor.replace("-", " ") in runbook.lower(), f"docs/operations.md has no section '{anchor}'"
