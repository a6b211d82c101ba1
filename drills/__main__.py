"""``python -m drills chaos`` (servers killed with SIGKILL under load) or ``python -m drills sqoop-parity``
(Apache Sqoop 1.4.7 against ``python -m sqoop``); each exits 1 on a failed check."""

from __future__ import annotations

import sys

from drills import chaos, sqoop_parity

DRILLS = {"chaos": chaos.main, "sqoop-parity": sqoop_parity.main}

if __name__ == "__main__":
    if sys.argv[1:2] not in ([name] for name in DRILLS):
        sys.exit(f"usage: python -m drills {{{','.join(DRILLS)}}} [OPTIONS]\n\n{__doc__}")
    sys.exit(DRILLS[sys.argv[1]](sys.argv[2:]))
