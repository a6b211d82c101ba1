"""spark-submit's primary file for every job: ``entry.py MODULE [ARGS...]`` runs ``python -m MODULE ARGS``.

spark-submit runs a file, the pipeline's commands are modules (``python -m
streaming run``); this file, shipped beside the packages' zip, bridges them.
"""

from __future__ import annotations

import runpy
import sys

if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: entry.py MODULE [ARGS...] (e.g. entry.py streaming run)")
    sys.argv = [sys.argv[1], *sys.argv[2:]]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
