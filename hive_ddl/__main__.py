"""``python -m hive_ddl`` applies the schema."""

import sys

from hive_ddl.apply import main

if __name__ == "__main__":
    sys.exit(main())
