-- Per patient and hour: reading counts, min/avg/max of each vital and alert counts by kind.
-- Written by the vitals_batch_aggregates DAG; a re-run of an hour replaces that hour's partition.
CREATE TABLE IF NOT EXISTS ${database}.vitals_hourly (
  patient_id                BIGINT,
  hour_start                TIMESTAMP,
  readings                  BIGINT,
  heart_rate_min            DOUBLE, heart_rate_avg        DOUBLE, heart_rate_max        DOUBLE,
  bp_systolic_min           DOUBLE, bp_systolic_avg       DOUBLE, bp_systolic_max       DOUBLE,
  bp_diastolic_min          DOUBLE, bp_diastolic_avg      DOUBLE, bp_diastolic_max      DOUBLE,
  spo2_min                  DOUBLE, spo2_avg              DOUBLE, spo2_max              DOUBLE,
  body_temperature_min      DOUBLE, body_temperature_avg  DOUBLE, body_temperature_max  DOUBLE,
  respiratory_rate_min      DOUBLE, respiratory_rate_avg  DOUBLE, respiratory_rate_max  DOUBLE,
  alerts_vital_out_of_range BIGINT,
  alerts_value_in_gap       BIGINT,
  alerts_no_band_for_age    BIGINT,
  alerts_unknown_patient    BIGINT,
  alerts_news2              BIGINT,
  computed_at               TIMESTAMP
)
COMMENT 'Hourly vital-sign aggregates per patient'
PARTITIONED BY (agg_date DATE, agg_hour INT)
STORED AS PARQUET;
