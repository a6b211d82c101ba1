-- The notifier's durable memory: what it did with every alert id, and the open episodes.

CREATE TABLE IF NOT EXISTS notifier_alerts (
  alert_id         CHAR(32)     NOT NULL PRIMARY KEY,
  outcome          VARCHAR(16)  NOT NULL,   -- notified | suppressed | dead_lettered
  notification     VARCHAR(16),             -- opened | reminder | worse | data_quality
  sns_message_id   VARCHAR(100),
  handled_at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS notifier_episodes (
  notifier         VARCHAR(64)  NOT NULL,               -- the consumer group, so notifiers never share state
  episode_key      VARCHAR(100) NOT NULL,               -- patient id / vital or data-quality kind
  state            TEXT         NOT NULL,               -- JSON of notifier.episodes.Episode
  updated_at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (notifier, episode_key)
) ENGINE=InnoDB;
