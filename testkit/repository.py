"""Where the checkout is, for the tests that read its files (docs, DDL, the compose file, the lock)."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
TEST_DATA = REPOSITORY / "tests" / "data"
