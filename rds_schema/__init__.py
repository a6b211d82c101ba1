"""RDS's tables, as versioned migrations (V<n>__<name>.sql) that :mod:`rds_schema.migrate` applies once each.

The readings and patients tables the producer reads, the notifier's state and
the Sqoop jobs' saved state: every stage's RDS tables live here, not with one stage.
"""
