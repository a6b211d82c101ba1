-- Alarms a ward can trust: one episode per patient, acknowledged by a person, escalated when nobody does.

-- The former notifier kept one episode per vital ('patient/vital'); the new one keeps one per patient. Those rows
-- cannot be carried over: the first alerts after the upgrade open each patient's episode again (one email).
DELETE FROM notifier_episodes WHERE episode_key LIKE '%/%';
ALTER TABLE notifier_episodes
  MODIFY state MEDIUMTEXT NOT NULL,                  -- JSON of notifier.episodes.Bed
  ADD COLUMN ack_code CHAR(10) NULL,                 -- the code its emails carry
  ADD COLUMN is_open BOOLEAN NOT NULL DEFAULT FALSE, -- told and not yet all clear, or monitoring lost
  ADD INDEX notifier_episodes_ack (ack_code);

-- A suppressed alert names the episode it was folded into (patient id and when the episode was told)
ALTER TABLE notifier_alerts
  MODIFY notification VARCHAR(24),
  ADD COLUMN episode VARCHAR(64) NULL;

-- Who acknowledged which episode, when and how (dashboard or command line); the notifier applies them in order
CREATE TABLE IF NOT EXISTS alarm_acknowledgements (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ack_code         CHAR(10)     NOT NULL,
  acknowledged_by  VARCHAR(100) NOT NULL,
  via              VARCHAR(16)  NOT NULL,   -- dashboard | cli
  acknowledged_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  INDEX alarm_acknowledgements_code (ack_code)
) ENGINE=InnoDB;

-- Every escalation to another tier, and every reminder at the last, as SNS accepted it
CREATE TABLE IF NOT EXISTS alarm_escalations (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  notifier         VARCHAR(64)  NOT NULL,
  patient_id       VARCHAR(32)  NOT NULL,
  ack_code         CHAR(10)     NOT NULL,
  notification     VARCHAR(24)  NOT NULL,   -- escalation | reminder
  tier             INT          NOT NULL,   -- 0 = the ward team (PA_SNS_TOPIC)
  tier_name        VARCHAR(100) NOT NULL,
  sns_topic        VARCHAR(256) NOT NULL,
  severity         VARCHAR(16)  NOT NULL,
  sns_message_id   VARCHAR(100) NOT NULL,
  escalated_at     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
