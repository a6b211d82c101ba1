"""``python -m drills chaos`` (servers killed with SIGKILL under load) or ``python -m drills sqoop-parity``
(Apache Sqoop 1.4.7 against ``python -m sqoop``); each exits 1 on a failed check."""

from __future__ import annotations

import sys

from drills import chaos, sqoop_parity
from testkit.dispatch import dispatch

if __name__ == "__main__":
    sys.exit(dispatch("python -m drills", __doc__, {"chaos": chaos.main, "sqoop-parity": sqoop_parity.main}))
