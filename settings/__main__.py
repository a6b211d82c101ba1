"""``python -m settings``: print the tables of settings variables, or rewrite them in the docs' configuration page
(``make settings-table``), where a test keeps them equal to the module."""

import argparse
from pathlib import Path

from runtime import cli
from settings import variables_table

TABLE_HEADER = "| variable | default | meaning |"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog=cli.prog("settings"), description=__doc__)
    parser.add_argument("--write", type=Path, metavar="PAGE", help="replace the tables at the end of PAGE")
    args = parser.parse_args()
    if args.write is None:
        print(variables_table())
    else:
        page = args.write.read_text()
        args.write.write_text(page[: page.index(TABLE_HEADER)] + variables_table() + "\n")
        print(f"wrote the settings tables into {args.write}")
