"""Batch jobs over Hive that the Airflow DAGs run: hourly aggregates, the rules' batch re-check, data quality."""
