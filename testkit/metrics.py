"""Read what operators see: a service's /metrics page, and Prometheus's answers to a query."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from settings import StackSettings


def scrape(host: str, port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the endpoint: (name, sorted labels) -> value."""
    with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def query(settings: StackSettings, promql: str) -> list[dict]:
    """The instant vector Prometheus answers for ``promql`` (its HTTP API)."""
    url = f"http://{settings.stack.host}:{settings.stack.prometheus_port}/api/v1/query?" + urllib.parse.urlencode(
        {"query": promql}
    )
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())["data"]["result"]


def firing(settings: StackSettings) -> list[dict]:
    """The alerts Prometheus has firing now (labels and annotations)."""
    url = f"http://{settings.stack.host}:{settings.stack.prometheus_port}/api/v1/alerts"
    with urllib.request.urlopen(url, timeout=5) as response:
        return [alert for alert in json.loads(response.read())["data"]["alerts"] if alert["state"] == "firing"]
