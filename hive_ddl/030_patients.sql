-- Patients, imported from RDS patients_information by the Sqoop-style job.
CREATE TABLE IF NOT EXISTS ${database}.patients (
  patientid       BIGINT,
  patientname     STRING,
  patientaddress  STRING,
  phone_number    STRING,
  admitted_ward   STRING,
  age             INT,
  other_details   STRING,
  spo2_scale2     BOOLEAN   COMMENT 'hypercapnic respiratory failure: NEWS2 scores SpO2 on scale 2',
  pregnant        BOOLEAN   COMMENT 'NEWS2 does not apply in pregnancy',
  updated_at      TIMESTAMP COMMENT 'last change in RDS (check column of the incremental import)',
  date_of_birth   DATE      COMMENT 'when recorded, the age at each reading comes from it (months below 2 years)'
)
COMMENT 'Patient details used to enrich alerts'
STORED AS PARQUET;
