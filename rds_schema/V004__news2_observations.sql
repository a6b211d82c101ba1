-- NEWS2 needs two observations besides the measured vitals, and two facts about the patient.
-- Absent observations mean room air and alert (as NEWS2 assumes); the patient flags default to false.
ALTER TABLE patients_vital_info
  ADD COLUMN IF NOT EXISTS supplemental_oxygen BOOLEAN NULL,
  ADD COLUMN IF NOT EXISTS consciousness CHAR(1) NULL;

ALTER TABLE patients_information
  ADD COLUMN IF NOT EXISTS spo2_scale2 BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN IF NOT EXISTS pregnant BOOLEAN NOT NULL DEFAULT FALSE;
