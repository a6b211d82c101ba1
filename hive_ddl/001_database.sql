-- The pipeline's database; its tables live on HDFS under the warehouse.
CREATE DATABASE IF NOT EXISTS ${database}
COMMENT 'Patient Alert ETL: vital signs, rejected readings, patients and alerts'
LOCATION '${warehouse}/${database}.db';
