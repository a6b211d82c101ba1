"""Sqoop-style RDS ↔ Hive import and export jobs, run on Spark JDBC."""
