"""The real ``hbase shell`` (JRuby) against the stack's HBase, for users' existing scripts."""

from __future__ import annotations

import subprocess
from pathlib import Path

from local_stack.jvm import java_command
from local_stack.servers.hbase import JDK17_OPTIONS
from local_stack.spec import StackContext


def run(ctx: StackContext, script: Path | None = None, capture: bool = False) -> subprocess.CompletedProcess:
    """Run ``hbase shell [script]``: the shell's own bootstrap in the hbase-shell jar, with the stack's hbase-site.

    The shell resolves from hbase-shell 2.4.17 (the newest served from Maven
    Central here); a 2.x shell speaks to the 2.6 server.
    """
    command = java_command(
        ctx,
        "hbase",
        ctx.classpath("hbase-shell"),
        "org.jruby.JarBootstrapMain",
        [str(script)] if script else [],
        heap="512m",
        options=(*JDK17_OPTIONS, "--add-opens", "java.base/java.io=ALL-UNNAMED"),
    )
    return subprocess.run(command, capture_output=capture, text=True)
