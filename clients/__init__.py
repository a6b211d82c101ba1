"""Thin, typed connections to the servers the pipeline talks to, built from settings.

Every module that reaches a server goes through here, so addresses and
credentials come from :mod:`settings` only and the same code runs against the
local stack or a real cluster.
"""
