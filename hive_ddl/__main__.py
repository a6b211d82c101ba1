"""``python -m hive_ddl`` applies the schema."""

import sys

from hive_ddl.apply import main

sys.exit(main())
