"""The demo's steps, one function each; later pieces of the pipeline add theirs here."""

from __future__ import annotations

import datetime as dt
import re
import signal
import threading
import time
from collections.abc import Callable

from kafka.errors import TopicAuthorizationFailedError

from batch.reconcile import reconcile
from batch.reconcile import report as reconciliation_report
from clients import aws, hbase, hdfs, hive, kafka, kafka_acls, mysql
from clients.spark import rds_query, session
from contract.alerts import NotificationKind
from demo import alarm_walkthrough
from hbase_setup import verify
from hbase_setup.load import load as load_thresholds
from hive_ddl.apply import apply as apply_hive_ddl
from local_stack import airflow_home, secret_scan, stack
from local_stack.servers import monitoring
from notifier import sns_setup
from notifier.service import Notifier
from producers import producer
from producers.replay import replay
from producers.rows import RowSelection
from rds_schema import grants, migrate
from runtime.waiting import wait_until
from settings import KafkaPrincipal, RdsAccount, Settings, StackSettings
from simulation.rds_devices import simulate
from sqoop import pipeline_jobs
from sqoop.jobs import JobStore
from sqoop.pipeline_jobs import capstone_import
from sqoop.tools import run_tool
from streaming.app import StreamingApp
from streaming.landing import LandingQuery
from streaming.listener import ProgressListener
from testkit import inbox, metrics, notebooks
from testkit.load import measure, percentiles_ms
from testkit.services import start_service
from testkit.ward import WardPlan, run_ward

DEMO_SPAN_S = 180  # simulated seconds of bedside readings per demo run
LIVE_RATE, LIVE_SECONDS = 200, 10  # the live part of the streaming step
NOTEBOOK_HTML_DIR = notebooks.NOTEBOOKS_DIR / "html"  # the executed notebooks, for a browser (not committed)
WARD = WardPlan(patients=100, seconds=120, seed=11, episodes_per_patient_hour=12)  # scored for alert quality


def bring_up_stack(settings: Settings) -> None:
    stack.up(settings)


def apply_hive_schema(settings: Settings) -> None:
    tables = apply_hive_ddl(settings)
    print(f"Hive database {settings.names.hive_database}: {', '.join(tables)}")


def load_threshold_rules(settings: Settings) -> None:
    changes = load_thresholds(settings)
    print(changes.describe().splitlines()[-1])
    connection = hbase.connect(settings.hbase)
    try:
        rows = list(connection.table(settings.names.threshold_table).scan())
        sample_key, sample = rows[0]
    finally:
        connection.close()
    print(
        f"HBase {settings.names.threshold_table}: {len(rows)} rows; row {sample_key.decode()} read back via happybase:"
    )
    for column, value in sorted(sample.items()):
        print(f"    {column.decode():<24} {value.decode()}")
    # rules fail closed: the stream takes only audited-or-reported rules that cover what the rules in force cover
    print("\n".join(verify.verify(settings, RdsAccount.RULES).describe()))


def simulate_bedside_readings(settings: Settings) -> None:
    migrate.apply(settings)
    run = simulate(
        settings, patients=300, rate_hz=1.0, seed=7, duration_s=DEMO_SPAN_S, bad_share=0.01, episodes_per_patient_hour=6
    )
    print(
        f"RDS {settings.names.vitals_table}: {run.readings:,} readings of {run.patients} patients "
        f"({DEMO_SPAN_S // 60} simulated minutes), {len(run.episodes)} labelled deterioration episodes, "
        f"{run.rows_per_s:,.0f} rows/s"
    )


def publish_readings_to_kafka(settings: Settings) -> None:
    run = producer.run(settings)
    print(
        f"Kafka {settings.names.topic_vitals}: {run.published:,} published, {run.dead_lettered} dead-lettered, "
        f"watermark at id {run.last_id} ({run.rows_per_s:,.0f} rows/s)"
    )


def _run_dag(settings: Settings, dag_id: str, **test_arguments) -> None:
    """Run one DAG whole through Airflow (dag.test, local metadata database under the stack's data dir)."""
    dag_run = airflow_home.dag_bag(airflow_home.local_home(settings)).get_dag(dag_id).test(**test_arguments)
    if dag_run.state != "success":
        failed = [ti.task_id for ti in dag_run.get_task_instances() if ti.state != "success"]
        raise RuntimeError(f"Airflow DAG {dag_id} ended {dag_run.state}; tasks not successful: {failed}")


def import_patients_into_hive(settings: Settings) -> None:
    _run_dag(settings, "sqoop_import_patients")
    job = JobStore(settings).get(pipeline_jobs.import_patients_job(settings.names))
    print(
        f"Airflow DAG sqoop_import_patients: saved job {job.name} imported {job.last_rows} patient row(s) into "
        f"Hive {settings.names.hive_database}.patients; RDS and Hive counts checked; next run starts at "
        f"updated_at {job.last_value}"
    )
    [(infants,)] = hive.query(
        settings.hive, f"SELECT COUNT(date_of_birth) FROM {settings.names.hive_database}.patients WHERE age < 2"
    )
    print(
        f"{infants} children under 2 with a date of birth: their readings are matched in completed months "
        "(the default table splits temperature at 3 months, NICE NG143)"
    )
    # the public versions' own Sqoop command line, unchanged: Hive-ready text, as Apache Sqoop 1.4.7 writes it
    target = f"/tmp/demo-capstone/{settings.names.hive_database}/patients-contact-info"
    hdfs.delete(settings.hdfs, target)
    result = run_tool(
        session(settings, "patient-alert-demo"), settings, "import", capstone_import("patients_information", target)
    )
    first = session(settings, "patient-alert-demo").read.text(f"{settings.hdfs.uri}{target}").first()
    print(
        f"the capstone's sqoop import command line, unchanged: {result.rows} row(s) as text into {target}; "
        f"first line: {first.value if first else '(none)'}"
    )


def aggregate_demo_hours(settings: Settings) -> None:
    database = settings.names.hive_database
    spark = session(settings, "patient-alert-demo")
    spark.catalog.refreshTable(f"{database}.vitals_raw")
    last = spark.sql(f"SELECT MAX(event_time) FROM {database}.vitals_raw").first()[0].replace(tzinfo=dt.UTC)
    hour = (last - dt.timedelta(seconds=DEMO_SPAN_S)).replace(minute=0, second=0, microsecond=0)
    while hour <= last:
        hour += dt.timedelta(hours=1)
        _run_dag(settings, "vitals_batch_aggregates", logical_date=hour)
        print(f"Airflow DAG vitals_batch_aggregates: interval {hour - dt.timedelta(hours=1):%Y-%m-%d %H}:00 done")
    rows = hive.query(
        settings.hive,
        f"SELECT hour_start, patient_id, readings, ROUND(heart_rate_avg, 1), "
        f"ROUND(bp_systolic_avg, 1), alerts_vital_out_of_range, alerts_value_in_gap "
        f"FROM {database}.vitals_hourly ORDER BY alerts_vital_out_of_range DESC, "
        f"patient_id LIMIT 5",
    )
    print(
        f"{database}.vitals_hourly, the patients with the most alerts "
        f"(hour | patient | readings | avg heart rate | avg bp | out-of-range | in-gap alerts):"
    )
    for row in rows:
        print("    " + " | ".join(str(value) for value in row))
    wards = hive.query(
        settings.hive,
        f"SELECT agg_date, ward, patients, readings, alerts_vital_out_of_range "
        f"FROM {database}.ward_daily_vitals ORDER BY agg_date DESC, ward LIMIT 6",
    )
    print(f"{database}.ward_daily_vitals (day | ward | patients | readings | out-of-range alerts):")
    for row in wards:
        print("    " + " | ".join(str(value) for value in row))


def export_ward_alert_counts(settings: Settings) -> None:
    result = pipeline_jobs.export_ward_alert_counts(session(settings, "patient-alert-demo"), settings)
    connection = mysql.connect(settings.rds, RdsAccount.QUALITY)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT ward, alert_date, kind, alert_count, patients FROM ward_daily_alert_counts "
            "ORDER BY alert_count DESC LIMIT 5"
        )
        busiest = cursor.fetchall()
    finally:
        connection.close()
    print(
        f"RDS ward_daily_alert_counts: {result.rows} row(s) upserted by saved job "
        f"{pipeline_jobs.export_ward_alert_counts_job(settings.names)}; the busiest:"
    )
    for row in busiest:
        print("    " + " | ".join(str(value) for value in row))


def _queued(settings: Settings) -> int:
    return kafka.end_offsets(settings.kafka, settings.names.topic_alerts)


def _quiet(settings: Settings, seconds: float) -> bool:
    """No new record arrives on doctors-queue for ``seconds`` (a real-time query still catching up keeps it busy)."""
    before = _queued(settings)
    time.sleep(seconds)
    return _queued(settings) == before


def _wait(condition: Callable[[], bool], app: StreamingApp, what: str, timeout_s: float = 300) -> None:
    if not wait_until(condition, timeout_s, every_s=1, between=app.tick):
        raise TimeoutError(
            f"the streaming application did not {what} within {timeout_s:.0f} s; see its query progress above"
        )


def _caught_up(listener: ProgressListener, query_name: str) -> bool:
    progress = listener.latest_of(query_name)
    return progress is not None and progress.kafka_lag == 0


def run_streaming_job(settings: Settings) -> None:
    spark = session(settings, "patient-alert-demo")
    listener = ProgressListener()
    spark.streams.addListener(listener)
    queued_before = _queued(settings)
    app = StreamingApp(spark, settings)
    app.start()
    job = app.landing
    try:
        _wait(
            lambda: job.landed > 0 and _caught_up(listener, settings.names.stream_checkpoint_name),
            app,
            "catch up with Kafka",
        )
        _wait(
            lambda: _queued(settings) - queued_before >= sum(job.outcomes.values()) and _quiet(settings, seconds=3),
            app,
            "publish every alert to doctors-queue",
        )
        print(
            f"landing (micro-batch): {job.landed:,} readings into {settings.names.hive_database}.vitals_raw, "
            f"{job.rejected:,} rejected into vitals_rejected"
        )
        print("alerts by outcome: " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(job.outcomes.items())))
        print(
            f"alerting ({settings.stream.alert_path}): {_queued(settings) - queued_before:,} alerts on "
            f"{settings.names.topic_alerts}"
        )
        database = settings.names.hive_database
        newest = hive.query(
            settings.hive,
            f"SELECT input_message_time, patient_name, age, admitted_ward, kind, "
            f"alert_message FROM {database}.alerts ORDER BY input_message_time DESC LIMIT 5",
        )
        risks = hive.query(
            settings.hive,
            f"SELECT news2_risk, COUNT(*) FROM {database}.news2_scores GROUP BY news2_risk ORDER BY COUNT(*) DESC",
        )
        print("NEWS2 risk of the landed readings (news2_scores): " + ", ".join(f"{risk} {n:,}" for risk, n in risks))
        print("newest alerts, queried through HiveServer2 (pyhive):")
        for row in newest:
            print("    " + " | ".join(str(value) for value in row))
        patients = tuple(row.patientid for row in spark.table(f"{database}.patients").select("patientid").collect())
        latencies = measure(
            settings, LIVE_RATE, LIVE_SECONDS, first_id=int(time.time() * 1000) * 100, patient_ids=patients
        )
        print(
            f"live: {LIVE_RATE}/s readings for {LIVE_SECONDS} s straight into Kafka; alert latency from reading "
            f"time to doctors-queue on the {settings.stream.alert_path} path: {percentiles_ms(latencies)}"
        )
    finally:
        app.stop()
        spark.streams.removeListener(listener)


def notify_doctors(settings: Settings) -> None:
    subscriptions = sns_setup.setup(settings)
    print(
        f"SNS topic {settings.names.sns_topic}: {len(subscriptions)} subscription(s) "
        f"({', '.join(sub['Endpoint'] for sub in subscriptions)})"
    )
    url = inbox.subscribe(settings, "demo-inbox")
    aws.client(settings.sns, "sqs").purge_queue(QueueUrl=url)  # what an interrupted earlier run left behind
    emails: list[dict] = []
    notifying = threading.Event()
    notifying.set()

    def drain() -> None:  # keeps the inbox short while the notifier runs (moto slows down with a long queue)
        while notifying.is_set():
            emails.extend(inbox.read_all(settings, url))

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        counts = Notifier(settings).run(until_idle_s=3)
    finally:
        notifying.clear()
        reader.join()
    emails.extend(inbox.read_all(settings, url))
    emails.sort(key=lambda envelope: envelope["Timestamp"])
    sent = {kind.value: counts[kind.value] for kind in NotificationKind if counts[kind.value]}
    notified = sum(sent.values())
    print(
        f"{counts['alerts']:,} alerts and {counts['observations']:,} readings -> {notified:,} notifications, one "
        f"episode per patient ({counts['alerts'] / max(notified, 1):,.0f} alerts per notification; "
        f"{counts['suppressed']:,} folded into open episodes): {sent}"
    )
    if sent.get(NotificationKind.MONITORING_LOST.value):
        print(
            "monitoring lost: the demo's simulated readings ended minutes ago, so the beds still in an episode "
            "went quiet; a technical alarm, never an all-clear"
        )
    infants = [email for email in emails if re.search(r"^Age: +\d+ months?$", email["Message"], re.MULTILINE)]
    print(f"{len(emails)} emails delivered; the first three, and the first about a child under 2, as read:")
    for email in [*emails[:3], *infants[:1]]:
        print(f"\n  Subject: {email['Subject']}\n" + "\n".join(f"  {line}" for line in email["Message"].splitlines()))


def show_operators_view(settings: StackSettings) -> None:
    """The notifier as a service: its metrics endpoint, Prometheus scraping it, and the operators' alerts firing
    (the producer and the stream ran inside the demo, not as services: Prometheus finds them down)."""
    service = start_service(settings, "notifier", "run")
    try:
        notifier_down = 'ALERTS{alertname="PatientAlertServiceDown", job="notifier", alertstate="firing"}'
        # scraped, and the rules evaluated since: the notifier's "down" alert has cleared
        scraped = wait_until(
            lambda: (
                service.poll() is not None
                or (metrics.query(settings, 'up{job="notifier"} == 1') and not metrics.query(settings, notifier_down))
            ),
            120,
            every_s=1,
        )
        if not scraped or service.poll() is not None:
            raise RuntimeError(f"Prometheus never scraped the notifier: {service.stderr.read()[-500:]}")
        served = metrics.scrape(settings.metrics.metrics_host, settings.metrics.notifier_metrics_port)
        silent = sum(value for (name, _), value in served.items() if name == "pa_notifier_silent_beds")
        print(
            f"notifier metrics on http://{settings.metrics.metrics_host}:{settings.metrics.notifier_metrics_port}"
            f"/metrics: "
            f"{metrics.value(served, 'pa_notifier_open_episodes'):.0f} open episodes "
            f"({metrics.value(served, 'pa_notifier_unacknowledged_episodes'):.0f} unacknowledged), {silent:.0f} beds "
            "silent (the demo's devices stopped: monitoring lost)"
        )
        print(f"Prometheus {monitoring.prometheus_url(settings)} scrapes:")
        for answer in metrics.query(settings, "up"):
            print(f"    {answer['metric']['job']:<10} {'up' if answer['value'][1] == '1' else 'down'}")
        print(
            f"firing, told by Alertmanager {monitoring.alertmanager_url(settings)} to "
            f"{settings.names.sns_operations_topic}:"
        )
        for alert in metrics.firing(settings):
            print(f"    {alert['labels']['alertname']}: {alert['annotations']['summary']}")
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=60)


def score_a_live_ward(settings: Settings) -> None:
    for text in run_ward(session(settings, "patient-alert-demo"), settings, WARD).lines():
        print(text)


def run_analysts_notebooks(settings: Settings) -> None:
    for path in notebooks.notebooks():
        run = notebooks.execute(path)
        html = notebooks.to_html(run, NOTEBOOK_HTML_DIR / f"{path.stem}.html")
        print(f"{path.name}: {notebooks.images(run)} plot(s) -> {html}")


def _demo_hours(spark, settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    """The whole hours (naive UTC) that hold this demo run's simulated readings."""
    newest = rds_query(
        spark, settings, RdsAccount.QUALITY, f"SELECT MAX(event_time) AS newest FROM {settings.names.vitals_table}"
    ).first()[0]
    start = (newest - dt.timedelta(seconds=DEMO_SPAN_S)).replace(minute=0, second=0, microsecond=0)
    return start, newest.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def replay_and_reconcile(settings: Settings) -> None:
    spark = session(settings, "patient-alert-demo")
    start, end = _demo_hours(spark, settings)
    hours = reconcile(spark, settings, start, end)
    print(f"every RDS reading of {start:%Y-%m-%d %H}:00-{end:%H}:00 UTC, looked up on Kafka and in Hive:")
    print(reconciliation_report(hours))
    replayed = replay(settings, RowSelection(start_time=start, end_time=end))
    job = LandingQuery(spark, settings, available_now=True)
    job.start().awaitTermination()
    print(
        f"\noperator replay of that range from RDS: {replayed.published:,} readings published again; the landing "
        f"query caught up ({job.landed:,} landed: the live test's last readings, which never pass through RDS; "
        f"{job.rejected:,} rejected again), then:"
    )
    hours = reconcile(spark, settings, start, end)
    print(reconciliation_report(hours))
    if not all(hour.accounted for hour in hours):
        raise RuntimeError("readings missing, doubled or altered: see the ids above, and 'python -m batch reconcile'")


def show_status(settings: StackSettings) -> None:
    report = stack.status(settings)
    print(stack.status_table(report))
    failing = [row.name for row in report if not row.healthy]
    if failing:
        raise RuntimeError(f"unhealthy: {failing}; see 'python -m local_stack logs <server>'")
    scanned = secret_scan.log_files(settings)
    found = secret_scan.leaks(settings, scanned)
    if found:
        raise RuntimeError(f"a secret leaked: {'; '.join(found)}")
    print(
        f"secrets ({', '.join(secret_scan.secrets(settings))}): in none of the {len(scanned)} log files of this "
        "run, nor in any process's command line"
    )
    print(f"RDS connections: {grants.transport(settings.rds)}, verified against {settings.rds.tls_ca or 'nothing'}")
    users = ", ".join(settings.kafka.login(principal)[0] for principal in KafkaPrincipal)
    print(
        f"Kafka: {settings.kafka.security_protocol}, each service its own user ({users}), "
        f"{len(kafka_acls.pipeline_grants(settings.names))} ACLs; a reading forged with the notifier's login: "
        f"{_forged_reading(settings)}"
    )
    (session_user,) = hive.query(settings.hive, "SELECT current_user()")[0]
    print(f"HiveServer2 logins: {settings.hive.server2_auth}, this run's sessions ran as {session_user}")
    for account, shown in grants.held(settings.rds).items():
        tables = [grant.split(" ON ")[1].split(" TO ")[0] for grant in shown if " ON `" in grant]
        print(f"    account {settings.rds.login(account)[0]}: {', '.join(tables)}")


def _forged_reading(settings: StackSettings) -> str:
    """What the broker answers a reading published to the readings' topic by another service than the producer."""
    producer = kafka.producer(settings.kafka, KafkaPrincipal.NOTIFIER, max_block_ms=10_000)
    try:
        producer.send(settings.names.topic_vitals, b'{"forged": true}').get(timeout=10)
    except TopicAuthorizationFailedError:
        return "refused by the broker (only the producer writes readings)"
    finally:
        producer.close()
    raise RuntimeError(f"the broker accepted a reading on {settings.names.topic_vitals} from the notifier's user")


STEPS: list[tuple[str, Callable[[StackSettings], None]]] = [
    ("Start the local stack (real servers)", bring_up_stack),
    ("Apply the Hive schema through HiveServer2", apply_hive_schema),
    ("Load the age-banded alert thresholds into HBase", load_threshold_rules),
    ("Simulate bedside devices writing readings into RDS", simulate_bedside_readings),
    ("Publish new readings from RDS to Kafka (resumable producer)", publish_readings_to_kafka),
    (
        "Import patients from RDS into Hive: Airflow DAG sqoop_import_patients (saved incremental job)",
        import_patients_into_hive,
    ),
    (
        "Stream: landing Kafka -> Hive on HDFS (micro-batch), alerts -> doctors-queue (Real-time Mode), then live",
        run_streaming_job,
    ),
    ("Hourly aggregates of the demo's readings: Airflow DAG vitals_batch_aggregates", aggregate_demo_hours),
    ("Export daily alert counts per ward from Hive to RDS (Sqoop-style upsert)", export_ward_alert_counts),
    ("Notify doctors through SNS: one email per episode, not per alert", notify_doctors),
    (
        "An alarm nobody acknowledges escalates to the ward doctor; acknowledging it (its code) stops it",
        alarm_walkthrough.walk_through,
    ),
    ("What operators see: the notifier's metrics, Prometheus, the alerts Alertmanager sends", show_operators_view),
    (
        f"A live ward: {WARD.patients} patients for {WARD.seconds / 60:.0f} minutes, devices to email with the default "
        "thresholds and NEWS2, scored against its labelled episodes",
        score_a_live_ward,
    ),
    (
        "Analysts' notebooks (pyhive -> pandas -> matplotlib) run on the demo's data, written as HTML",
        run_analysts_notebooks,
    ),
    (
        "Account for every reading: reconcile RDS vs Kafka vs Hive, replay the hour as after an outage, "
        "reconcile again",
        replay_and_reconcile,
    ),
    (
        "Stack status, RDS over TLS and Kafka over SASL_SSL with one account per service, Hive logins through LDAP, "
        "no secret in a log",
        show_status,
    ),
]
