-- Every audited load records the rules it left in the table (their content fingerprint, and the rows as JSON), so
-- rules changed outside hbase_setup (hbase shell, happybase) are told apart from audited ones, with the difference.
ALTER TABLE threshold_audit
  ADD COLUMN IF NOT EXISTS rules_fingerprint CHAR(64) NULL,
  ADD COLUMN IF NOT EXISTS rules_after MEDIUMTEXT NULL,
  ADD INDEX IF NOT EXISTS threshold_audit_fingerprint (threshold_table, rules_fingerprint);
