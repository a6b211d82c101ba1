"""``python -m hardening mutants`` (the suite's mutation check, on the test stack) or ``python -m hardening fuzz``
(hostile input, PA_FUZZ_CASES cases per target, no server); each exits 1 on a surviving mutant or a crash."""

from __future__ import annotations

import sys

from hardening import fuzz, mutants
from testkit.dispatch import dispatch

if __name__ == "__main__":
    sys.exit(dispatch("python -m hardening", __doc__, {"mutants": mutants.main, "fuzz": fuzz.main}))
