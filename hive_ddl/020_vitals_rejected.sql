-- The dead-letter place of the stream: what could not be used, exactly as received, and why.
CREATE TABLE IF NOT EXISTS ${database}.vitals_rejected (
  raw_payload      STRING    COMMENT 'the Kafka value as received',
  reason           STRING    COMMENT 'why it was rejected (bad JSON, bad type, missing field, impossible value)',
  kafka_topic      STRING,
  kafka_partition  INT,
  kafka_offset     BIGINT,
  kafka_timestamp  TIMESTAMP,
  rejected_at      TIMESTAMP
)
COMMENT 'Rejected readings with their reason and Kafka coordinates'
PARTITIONED BY (rejected_date DATE, stream_batch BIGINT)
STORED AS PARQUET;
