-- NEWS2 (RCP 2017) of every scored reading: each parameter's score, the aggregate, the risk and what drove it.
-- The scores are columns of vitals_raw, written with the reading (one write per micro-batch, not two); this view
-- names them and adds the text, with the same SQL the alerts' messages use (thresholds/news2.py, TEXT_SQL).
-- Scores are null where NEWS2 does not apply; readings landed with PA_NEWS2_SCORING off are not in the view.
CREATE OR REPLACE VIEW ${database}.news2_scores
COMMENT 'NEWS2 early-warning scores of the landed readings (from vitals_raw)'
AS SELECT
  reading_id,
  patient_id,
  event_time,
  news2_respiratory_rate,
  news2_spo2,
  news2_supplemental_oxygen,
  news2_bp_systolic,
  news2_heart_rate,
  news2_consciousness,
  news2_body_temperature,
  news2_score,
  news2_risk,
  ${news2_drivers} AS news2_drivers,
  ${news2_assumed} AS news2_assumed,
  event_date,
  stream_batch
FROM ${database}.vitals_raw
WHERE news2_risk IS NOT NULL;
