-- Alerts per ward, day and kind: what the sqoop export sends to RDS for the hospital's reporting.
CREATE VIEW IF NOT EXISTS ${database}.ward_daily_alert_counts AS
SELECT COALESCE(admitted_ward, '(unknown)') AS ward,
       alert_date,
       kind,
       COUNT(*) AS alert_count,
       COUNT(DISTINCT patient_id) AS patients
FROM ${database}.alerts
GROUP BY COALESCE(admitted_ward, '(unknown)'), alert_date, kind;
