"""``python -m hive_ddl``: create or upgrade the pipeline's Hive tables through HiveServer2 (idempotent)."""

import argparse
import sys

import settings as settings_module
from hive_ddl.apply import apply
from runtime import cli, entry


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog=cli.prog("hive_ddl"), description=__doc__).parse_args(argv)
    current = entry.loaded(settings_module.get)
    tables = apply(current)
    print(f"{current.names.hive_database}: {', '.join(tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(lambda: main(sys.argv[1:])))
