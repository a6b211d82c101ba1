"""Build a ``java`` command line the way Apache launchers do: heap, options, class path, main."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from local_stack.errors import StackError
from local_stack.spec import StackContext


def java_binary() -> str:
    java = shutil.which("java")
    if java is None:
        raise StackError("'java' is not on PATH: the stack needs Java 17 (apt-get install openjdk-17-jre-headless).")
    return java


def compiled(source: Path, classes: Path, classpath: str) -> Path:
    """``classes``, holding ``source`` compiled against ``classpath`` (again only when the source is newer)."""
    target = classes / f"{source.stem}.class"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return classes
    javac = shutil.which("javac")
    if javac is None:
        raise StackError(f"'javac' is not on PATH: the stack compiles {source.name} (apt-get install openjdk-17-jdk).")
    classes.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([javac, "-nowarn", "-cp", classpath, "-d", str(classes), str(source)], capture_output=True)
    if done.returncode != 0:
        raise StackError(f"compiling {source} failed:\n{done.stderr.decode(errors='replace')[-2000:]}")
    return classes


def java_command(
    ctx: StackContext,
    server: str,
    classpath: str,
    main_class: str,
    args: list[str],
    heap: str,
    options: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """``java -Xmx… OPTIONS -cp CONF:JARS MainClass ARGS`` with the server's conf dir first on the class path."""
    conf = ctx.paths.conf_dir(server)
    return [
        java_binary(),
        f"-Xmx{heap}",
        "-XX:+UseSerialGC",
        f"-Dlog4j2.configurationFile={conf / 'log4j2.properties'}",
        f"-Dlog4j.configuration=file:{conf / 'log4j.properties'}",
        *options,
        "-cp",
        f"{conf}:{classpath}",
        main_class,
        *args,
    ]
