"""Resolve each JVM server's class path from the project's Maven file.

``pom.xml`` beside this module pins the Apache artifacts, one Maven profile per
server (their dependencies clash). Maven downloads them into its local
repository once; this module asks Maven for each profile's class path and
caches the answer in the stack directory, keyed by the pom's content, so a
warm ``up`` does not start Maven at all.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from local_stack.errors import StackError
from local_stack.system_packages import ensure_command

POM = Path(__file__).with_name("pom.xml")
PROFILES = ("kafka", "hdfs", "hbase", "hbase-shell", "spark-kafka", "jdbc-driver")


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()[:12]


def classpath_file(cache_dir: Path, profile: str) -> Path:
    return cache_dir / _pom_digest() / f"{profile}.classpath"


def classpath(cache_dir: Path, profile: str, repository: str = "") -> str:
    """The ``:``-separated class path of ``profile``, resolving it first if needed."""
    cached = classpath_file(cache_dir, profile)
    if not cached.exists():
        resolve(cache_dir, [profile], repository)
    return cached.read_text().strip()


def resolve(cache_dir: Path, profiles: list[str] | tuple[str, ...] = PROFILES, repository: str = "") -> None:
    """Resolve the missing class paths of ``profiles`` with Maven (downloads on first use)."""
    missing = [p for p in profiles if not classpath_file(cache_dir, p).exists()]
    if not missing:
        return
    mvn = ensure_command("mvn", "maven")
    for profile in missing:
        target = classpath_file(cache_dir, profile)
        target.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        print(
            f"[stack] resolving jars for {profile} with Maven (first time downloads them) ...",
            file=sys.stderr,
            flush=True,
        )
        command = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            "-P",
            profile,
            "dependency:build-classpath",
            "-Dmdep.includeScope=runtime",
            f"-Dmdep.outputFile={target}.tmp",
        ]
        if repository:
            command.append(f"-Dmaven.repo.local={repository}")
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
            raise StackError(
                f"Maven could not resolve the jars of profile '{profile}' (is Maven Central reachable?):\n{tail}"
            )
        Path(f"{target}.tmp").rename(target)
        print(
            f"[stack] {profile}: {len(target.read_text().split(':'))} jars in {time.monotonic() - started:.0f}s",
            file=sys.stderr,
            flush=True,
        )


def jar_paths(cache_dir: Path, profile: str, repository: str = "") -> list[str]:
    """The jars of ``profile`` as a list (Spark takes them comma-separated)."""
    return classpath(cache_dir, profile, repository).split(":")
