"""Airflow DAGs that run the Sqoop imports and the batch jobs over the project's packages."""
