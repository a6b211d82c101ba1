"""``python -m settings``: print the tables of settings variables (``make settings-table``; the README's tables)."""

import argparse

from settings import variables_table

if __name__ == "__main__":
    argparse.ArgumentParser(prog="python -m settings", description=__doc__).parse_args()
    print(variables_table())
