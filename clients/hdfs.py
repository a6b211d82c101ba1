"""HDFS through the NameNode's WebHDFS REST protocol, with HdfsCLI (the ``hdfs`` package: no Hadoop client or
JVM needed in Python)."""

from __future__ import annotations

import getpass
import json
import urllib.request
from typing import Any

from hdfs import InsecureClient

from settings import Settings


def client(settings: Settings) -> InsecureClient:
    """A WebHDFS client acting as this machine's user (simple authentication, as the cluster's HDFS runs)."""
    return InsecureClient(f"http://{settings.hdfs.host}:{settings.hdfs.http_port}", user=getpass.getuser(), timeout=10)


def list_status(settings: Settings, path: str) -> list[dict[str, Any]]:
    """The entries of ``path`` (WebHDFS FileStatus: pathSuffix, type, length, ...), like ``hdfs dfs -ls``."""
    return [status for _, status in client(settings).list(path, status=True)]


def mkdirs(settings: Settings, path: str) -> None:
    """Create ``path`` and its parents (nothing when it exists), like ``hdfs dfs -mkdir -p``."""
    client(settings).makedirs(path)


def delete(settings: Settings, path: str, recursive: bool = True) -> bool:
    """Delete ``path``; False when there was nothing there."""
    return bool(client(settings).delete(path, recursive=recursive))


def live_datanodes(settings: Settings) -> int:
    """How many DataNodes the NameNode counts as live (its JMX bean; not part of WebHDFS)."""
    url = (
        f"http://{settings.hdfs.host}:{settings.hdfs.http_port}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState"
    )
    with urllib.request.urlopen(url, timeout=10) as response:
        beans = json.loads(response.read())["beans"]
    return int(beans[0]["NumLiveDataNodes"]) if beans else 0
