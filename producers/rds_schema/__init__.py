"""Versioned RDS schema: ``V<number>__<name>.sql`` files applied once each, in order."""
