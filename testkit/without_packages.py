"""``python -m testkit.without_packages PKG[,PKG...] MODULE [ARGS...]``: run ``python -m MODULE ARGS`` as if the
named packages were not installed (an import of one fails), to show which extras a tool really needs."""

from __future__ import annotations

import importlib.abc
import runpy
import sys


class Absent(importlib.abc.MetaPathFinder):
    """Refuses to import the named top-level packages, as on a machine without them."""

    def __init__(self, packages: set[str]):
        self.packages = packages

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in self.packages:
            raise ModuleNotFoundError(f"No module named {name!r} (left out by testkit.without_packages)")
        return None


if __name__ == "__main__":
    absent, module, *arguments = sys.argv[1:]
    sys.meta_path.insert(0, Absent(set(absent.split(","))))
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
