"""HDFS through the NameNode's WebHDFS REST protocol, with HdfsCLI (the ``hdfs`` package: no Hadoop client or
JVM needed in Python)."""

from __future__ import annotations

import getpass
import json
import urllib.request
from typing import Any

from hdfs import InsecureClient

from settings import HdfsSettings


def client(hdfs: HdfsSettings) -> InsecureClient:
    """A WebHDFS client acting as this machine's user (simple authentication, as the cluster's HDFS runs)."""
    return InsecureClient(f"http://{hdfs.host}:{hdfs.http_port}", user=getpass.getuser(), timeout=10)


def list_status(hdfs: HdfsSettings, path: str) -> list[dict[str, Any]]:
    """The entries of ``path`` (WebHDFS FileStatus: pathSuffix, type, length, ...), like ``hdfs dfs -ls``."""
    return [status for _, status in client(hdfs).list(path, status=True)]


def mkdirs(hdfs: HdfsSettings, path: str) -> None:
    """Create ``path`` and its parents (nothing when it exists), like ``hdfs dfs -mkdir -p``."""
    client(hdfs).makedirs(path)


def delete(hdfs: HdfsSettings, path: str, recursive: bool = True) -> bool:
    """Delete ``path``; False when there was nothing there."""
    return bool(client(hdfs).delete(path, recursive=recursive))


def live_datanodes(hdfs: HdfsSettings) -> int:
    """How many DataNodes the NameNode counts as live (its JMX bean; not part of WebHDFS)."""
    url = f"http://{hdfs.host}:{hdfs.http_port}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState"
    with urllib.request.urlopen(url, timeout=10) as response:
        beans = json.loads(response.read())["beans"]
    return int(beans[0]["NumLiveDataNodes"]) if beans else 0
