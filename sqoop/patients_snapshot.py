"""A full snapshot of RDS patients_information into Hive health.patients.

Interim: the Sqoop-style incremental import on Spark JDBC (issue "sqoop")
replaces this. Patients number in the thousands, so one read over the
application's MySQL connection and one atomic INSERT OVERWRITE are enough.
"""

from __future__ import annotations

from pyspark.sql import SparkSession

from clients import mysql
from settings import Settings

COLUMNS = ("patientid", "patientname", "patientaddress", "phone_number", "admitted_ward", "age", "other_details",
           "updated_at")
SCHEMA = ("patientid bigint, patientname string, patientaddress string, phone_number string, admitted_ward string, "
          "age int, other_details string, updated_at timestamp")


def import_patients(spark: SparkSession, settings: Settings) -> int:
    """Replace health.patients with the current RDS rows; return how many."""
    connection = mysql.connect(settings)
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM patients_information ORDER BY patientid")
        rows = cursor.fetchall()
    finally:
        connection.close()
    frame = spark.createDataFrame(rows, SCHEMA)
    frame.write.insertInto(f"{settings.hive_database}.patients", overwrite=True)
    return len(rows)
