-- RDS (MySQL) system of record: patients, their vital-sign readings, labelled
-- deterioration episodes (to score alert quality), and the producer's watermark.

CREATE TABLE IF NOT EXISTS patients_information (
  patientid       BIGINT       NOT NULL PRIMARY KEY,
  patientname     VARCHAR(100) NOT NULL,
  patientaddress  VARCHAR(255),
  phone_number    VARCHAR(32),
  admitted_ward   VARCHAR(32),
  age             INT,
  other_details   TEXT,
  updated_at      TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  KEY idx_patients_updated_at (updated_at)
) ENGINE=InnoDB;

-- No foreign key on patient_id: readings from unknown beds must be stored and flagged, not refused.
CREATE TABLE IF NOT EXISTS patients_vital_info (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id        BIGINT,
  device_id         VARCHAR(64),
  event_time        DATETIME(3),
  heart_rate        DOUBLE,
  bp_systolic       DOUBLE,
  bp_diastolic      DOUBLE,
  spo2              DOUBLE,
  body_temperature  DOUBLE,
  respiratory_rate  DOUBLE,
  ingest_time       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY idx_vitals_event_time (event_time, id),
  KEY idx_vitals_patient_time (patient_id, event_time)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS deterioration_episodes (
  id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id  BIGINT      NOT NULL,
  kind        VARCHAR(32) NOT NULL,
  started_at  DATETIME(3) NOT NULL,
  ended_at    DATETIME(3) NOT NULL,
  KEY idx_episodes_patient (patient_id, started_at)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS producer_watermarks (
  producer_name  VARCHAR(64)  NOT NULL PRIMARY KEY,
  source_table   VARCHAR(64)  NOT NULL,
  last_id        BIGINT       NOT NULL,
  updated_at     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
