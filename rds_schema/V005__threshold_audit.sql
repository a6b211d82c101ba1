-- Who changed the alert thresholds, when, from which file and how: a changed rule changes which patients alert.
-- One row per load that writes to HBase, recorded before the write (applied = 0) and marked once it is done.
CREATE TABLE IF NOT EXISTS threshold_audit (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  changed_at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  changed_by       VARCHAR(200) NOT NULL,   -- user@host of the command, or the Airflow DAG run
  threshold_table  VARCHAR(200) NOT NULL,
  source           VARCHAR(1000) NOT NULL,  -- the CSV or HBase-shell script loaded
  added            INT          NOT NULL,
  changed          INT          NOT NULL,
  removed          INT          NOT NULL,
  diff             MEDIUMTEXT   NOT NULL,   -- every row added, changed (old -> new cells) or removed
  applied          BOOLEAN      NOT NULL DEFAULT FALSE
) ENGINE=InnoDB;
