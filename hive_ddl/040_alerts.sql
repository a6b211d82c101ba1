-- Every alert the stream raised: out-of-range vitals, NEWS2 risks and data-quality alerts alike. Only the
-- minimum a doctor needs: the patient's address and phone number stay in patients.
CREATE TABLE IF NOT EXISTS ${database}.alerts (
  alert_id              STRING    COMMENT 'deterministic: reading id, its source and the rule, so repeats can be dropped',
  reading_id            BIGINT,
  patient_id            BIGINT,
  kind                  STRING    COMMENT 'vital_out_of_range | value_in_gap | no_band_for_age | unknown_patient | news2',
  severity              STRING    COMMENT 'critical | urgent | advisory',
  attribute             STRING    COMMENT 'the vital the rule is about (heartBeat, bp, ...)',
  rule_id               STRING    COMMENT 'threshold_ref row key, empty for data-quality alerts',
  observed_value        DOUBLE,
  patient_name          STRING,
  age                   INT,
  admitted_ward         STRING,
  device_id             STRING    COMMENT 'bed or device that took the reading',
  bp                    DOUBLE    COMMENT 'systolic blood pressure of the reading',
  heart_rate            DOUBLE,
  input_message_time    TIMESTAMP COMMENT 'event time of the reading',
  alert_generated_time  TIMESTAMP,
  alert_message         STRING,
  rule_low_value        DOUBLE    COMMENT 'low end of the matched band',
  rule_high_value       DOUBLE    COMMENT 'high end of the matched band',
  late                  BOOLEAN   COMMENT 'the reading reached Kafka late (old news: see arrival_delay_s)',
  arrival_delay_s       DOUBLE    COMMENT 'seconds from the event time of the reading to the Kafka timestamp',
  age_months            INT       COMMENT 'completed months at the reading (from the date of birth where recorded); age is whole years'
)
COMMENT 'Alerts raised by the stream, partitioned by the event date of the reading'
PARTITIONED BY (alert_date DATE, stream_batch BIGINT)
STORED AS PARQUET;
