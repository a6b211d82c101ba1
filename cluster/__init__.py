"""Running the pipeline's Spark jobs on a cluster with spark-submit: the same code, only settings change.

``python -m cluster submit JOB [ARGS...]`` builds and runs the spark-submit
command line (:mod:`cluster.submit`): the project's Python packages as one zip
(:mod:`cluster.package`), the Kafka connector and JDBC driver, the settings as
the driver's environment (secrets as files, never on a command line).
"""
