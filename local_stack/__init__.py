"""The embedded local stack: the real servers this pipeline talks to, on one machine.

Each server is described by a declarative :class:`~local_stack.spec.ServerSpec`
(what to run, which config files to write from settings, how to tell it is
healthy) in :mod:`local_stack.servers`; one small launcher
(:mod:`local_stack.launcher`) runs any spec, the way Apache projects' own
``bin/`` scripts turn a few settings into a class path, a config directory and
JVM options and then exec one main class.
"""
