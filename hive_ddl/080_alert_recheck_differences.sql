-- Where the batch re-evaluation of a day disagrees with what the stream alerted (alerts_batch_recheck DAG).
CREATE TABLE IF NOT EXISTS ${database}.alert_recheck_differences (
  difference      STRING    COMMENT 'missing_in_stream: the rules raise it now, the stream did not | not_raised_now: the stream raised it, the rules do not now',
  alert_id        STRING,
  reading_id      BIGINT,
  patient_id      BIGINT,
  kind            STRING,
  attribute       STRING,
  rule_id         STRING,
  observed_value  DOUBLE,
  alert_message   STRING,
  checked_at      TIMESTAMP
)
COMMENT 'Parity of the batch rules with the stream, per checked day'
PARTITIONED BY (check_date DATE)
STORED AS PARQUET;
