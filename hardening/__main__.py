"""``python -m hardening mutants`` (the suite's mutation check, on the test stack) or ``python -m hardening fuzz``
(hostile input, PA_FUZZ_CASES cases per target, no server); each exits 1 on a surviving mutant or a crash."""

from __future__ import annotations

import sys

from hardening import fuzz, mutants

CHECKS = {"mutants": mutants.main, "fuzz": fuzz.main}

if __name__ == "__main__":
    if sys.argv[1:2] not in ([name] for name in CHECKS):
        sys.exit(f"usage: python -m hardening {{{','.join(CHECKS)}}} [OPTIONS]\n\n{__doc__}")
    sys.exit(CHECKS[sys.argv[1]](sys.argv[2:]))
