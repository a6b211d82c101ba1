-- NEWS2 (RCP 2017) of every landed reading: each parameter's score, the aggregate, the risk and what drove it.
-- Written by the landing query beside vitals_raw, one row per reading; null scores where NEWS2 does not apply.
CREATE TABLE IF NOT EXISTS ${database}.news2_scores (
  reading_id                 BIGINT,
  patient_id                 BIGINT,
  event_time                 TIMESTAMP,
  news2_respiratory_rate     INT,
  news2_spo2                 INT       COMMENT 'scale 1, or scale 2 for patients flagged spo2_scale2',
  news2_supplemental_oxygen  INT,
  news2_bp_systolic          INT,
  news2_heart_rate           INT,
  news2_consciousness        INT,
  news2_body_temperature     INT,
  news2_score                INT       COMMENT 'aggregate, 0-20',
  news2_risk                 STRING    COMMENT 'low | low-medium | medium | high | not applicable | incomplete',
  news2_drivers              STRING    COMMENT 'the parameters that scored, with their scores',
  news2_assumed              STRING    COMMENT 'what was not recorded and assumed (room air, alert)'
)
COMMENT 'NEWS2 early-warning scores, partitioned by the event date of the reading'
PARTITIONED BY (event_date DATE, stream_batch BIGINT)
STORED AS PARQUET;
