-- Per ward and day, rolled up from vitals_hourly by the vitals_batch_aggregates DAG (the day is rewritten each run).
CREATE TABLE IF NOT EXISTS ${database}.ward_daily_vitals (
  ward                      STRING    COMMENT 'admitted ward of the patient, (unknown) for unknown patients',
  patients                  BIGINT,
  readings                  BIGINT,
  heart_rate_avg            DOUBLE,
  bp_systolic_avg           DOUBLE,
  bp_diastolic_avg          DOUBLE,
  spo2_avg                  DOUBLE,
  body_temperature_avg      DOUBLE,
  respiratory_rate_avg      DOUBLE,
  alerts_vital_out_of_range BIGINT,
  alerts_value_in_gap       BIGINT,
  alerts_no_band_for_age    BIGINT,
  alerts_unknown_patient    BIGINT,
  alerts_news2              BIGINT,
  computed_at               TIMESTAMP
)
COMMENT 'Daily vital-sign and alert rollup per ward'
PARTITIONED BY (agg_date DATE)
STORED AS PARQUET;
