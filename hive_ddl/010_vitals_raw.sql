-- Every valid reading, as landed by the streaming job (one row per reading id).
CREATE TABLE IF NOT EXISTS ${database}.vitals_raw (
  reading_id        BIGINT    COMMENT 'RDS primary key of the reading (with source, the deduplication key)',
  patient_id        BIGINT,
  device_id         STRING,
  event_time        TIMESTAMP COMMENT 'when the device took the reading (UTC)',
  heart_rate        DOUBLE    COMMENT 'beats per minute',
  bp_systolic       DOUBLE    COMMENT 'mmHg',
  bp_diastolic      DOUBLE    COMMENT 'mmHg',
  spo2              DOUBLE    COMMENT 'percent',
  body_temperature  DOUBLE    COMMENT 'degrees Celsius',
  respiratory_rate  DOUBLE    COMMENT 'breaths per minute',
  supplemental_oxygen BOOLEAN COMMENT 'on supplemental oxygen (null: not recorded, NEWS2 assumes room air)',
  consciousness     STRING    COMMENT 'ACVPU: A, C, V, P or U (null: not recorded, NEWS2 assumes alert)',
  rejected_fields   STRING    COMMENT 'vitals rejected on their own, with the reason (their column is null; the others were kept and checked)',
  source            STRING    COMMENT 'device or feed that sent the reading',
  ingest_time       TIMESTAMP COMMENT 'when RDS stored the reading',
  kafka_partition   INT,
  kafka_offset      BIGINT,
  landed_at         TIMESTAMP COMMENT 'when the streaming job wrote the row',
  late              BOOLEAN   COMMENT 'reached Kafka more than PA_STREAM_DEDUP_WINDOW after it was measured (replay, buffered upload)',
  arrival_delay_s   DOUBLE    COMMENT 'seconds from event time to the Kafka timestamp',
  news2_respiratory_rate    INT COMMENT 'NEWS2 component scores (null where NEWS2 does not apply); view news2_scores',
  news2_spo2                INT COMMENT 'scale 1, or scale 2 for patients flagged spo2_scale2',
  news2_supplemental_oxygen INT,
  news2_bp_systolic         INT,
  news2_heart_rate          INT,
  news2_consciousness       INT,
  news2_body_temperature    INT,
  news2_score               INT    COMMENT 'NEWS2 aggregate, 0-20',
  news2_risk                STRING COMMENT 'low | low-medium | medium | high | not applicable | incomplete; null: not scored'
)
COMMENT 'Valid vital-sign readings, partitioned by event date'
PARTITIONED BY (event_date DATE, stream_batch BIGINT)
STORED AS PARQUET;
