-- Sqoop-style saved jobs (the job metastore) and the hospital's reporting table the export fills.

CREATE TABLE IF NOT EXISTS sqoop_jobs (
  job_name            VARCHAR(64)  NOT NULL PRIMARY KEY,
  tool                VARCHAR(16)  NOT NULL,               -- import | export
  arguments           TEXT         NOT NULL,               -- JSON list of the tool's flags
  last_value          VARCHAR(64),                         -- incremental: where the next run starts
  pending_last_value  VARCHAR(64),                         -- set just before a run switches Hive to new data
  pending_location    VARCHAR(1024),                       -- the data location that run switches to
  last_rows           BIGINT,
  last_run_at         TIMESTAMP(3) NULL,
  created_at          TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ward_daily_alert_counts (
  ward         VARCHAR(32)  NOT NULL,
  alert_date   DATE         NOT NULL,
  kind         VARCHAR(32)  NOT NULL,
  alert_count  BIGINT       NOT NULL,
  patients     BIGINT       NOT NULL,
  PRIMARY KEY (ward, alert_date, kind)
) ENGINE=InnoDB;
