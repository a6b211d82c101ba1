"""HDFS through the NameNode's WebHDFS REST protocol (no Hadoop client needed in Python)."""

from __future__ import annotations

import getpass
import json
import urllib.parse
import urllib.request
from typing import Any

from settings import Settings


def _call(settings: Settings, method: str, path: str, op: str, **params: Any) -> dict[str, Any]:
    query = urllib.parse.urlencode({"op": op, "user.name": getpass.getuser(), **params})
    url = f"http://{settings.hdfs_host}:{settings.hdfs_http_port}/webhdfs/v1{path}?{query}"
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def list_status(settings: Settings, path: str) -> list[dict[str, Any]]:
    """The entries of ``path`` (names, types, sizes), like ``hdfs dfs -ls``."""
    return _call(settings, "GET", path, "LISTSTATUS")["FileStatuses"]["FileStatus"]


def mkdirs(settings: Settings, path: str) -> None:
    _call(settings, "PUT", path, "MKDIRS")


def delete(settings: Settings, path: str, recursive: bool = True) -> bool:
    return bool(_call(settings, "DELETE", path, "DELETE", recursive=str(recursive).lower()).get("boolean"))


def live_datanodes(settings: Settings) -> int:
    """How many DataNodes the NameNode counts as live (its JMX bean)."""
    url = (
        f"http://{settings.hdfs_host}:{settings.hdfs_http_port}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState"
    )
    with urllib.request.urlopen(url, timeout=10) as response:
        beans = json.loads(response.read())["beans"]
    return int(beans[0]["NumLiveDataNodes"]) if beans else 0
