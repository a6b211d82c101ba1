-- Patients, imported from RDS patients_information by the Sqoop-style job.
CREATE TABLE IF NOT EXISTS ${database}.patients (
  patientid       BIGINT,
  patientname     STRING,
  patientaddress  STRING,
  phone_number    STRING,
  admitted_ward   STRING,
  age             INT,
  other_details   STRING,
  updated_at      TIMESTAMP COMMENT 'last change in RDS (check column of the incremental import)'
)
COMMENT 'Patient details used to enrich alerts'
STORED AS PARQUET;
