"""The notifier against moto's SNS server, reading deliveries back from a subscribed SQS queue."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time

import boto3
import pytest

from clients import aws, kafka, mysql
from notifier.__main__ import status
from notifier.service import Notifier, backoff_for
from runtime.waiting import wait_until
from settings import KafkaPrincipal, RdsAccount
from testkit.sockets import free_port
from tests.notifier_fixtures import alert, committed, delivered, inbox, observation, queue, received_alert

OPENED_2001 = "URGENT ICU: A.F. (2001) Heart rate 60 beats/min (urgent)"


OPENED_2002 = "URGENT ICU: A.F. (2002) Heart rate 60 beats/min (urgent)"


def subjects(messages: list[dict]) -> list[str]:
    return [message["Subject"] for message in messages]


def test_a_notification_carries_what_a_doctor_needs(notify_settings):
    url = inbox(notify_settings)
    item = alert(2001, 0)
    queue(notify_settings, [item])
    Notifier(notify_settings).run(until_idle_s=2)
    [message] = delivered(notify_settings, url)
    assert message["Subject"] == OPENED_2001  # initials by default
    for text in (
        "URGENT: Heart rate 60 beats/min (urgent)",
        "  - Heart rate 60 beats/min (urgent), reading at 2026-11-24 10:00:00 GMT: Low Heart Rate than Normal",
        "Patient id:             2001",
        "Patient:                A.F.",
        "Ward:                   ICU",
        "Bed / device:           bed-2001",
        "Age:                    40",
        "Severity:               urgent",
        "Vital:                  Heart rate",
        "Value (or NEWS2 score): 60.0",
        "Rule:                   1",
        "Reading time:           2026-11-24 10:00:00 GMT",
        f"Alert id:               {item['alert_id']}",
        "Told:                   ward team (tier 1 of 3)",
        "Acknowledgement code:   ",
    ):
        assert text in message["Message"]
    # the minimum necessary: no full name, address or phone number in the email
    assert "Ana Forty" not in message["Message"] + message["Subject"]
    assert not {"patient_address", "phone_number"} & set(item), "not alert fields at all"
    attributes = {name: value["Value"] for name, value in message["MessageAttributes"].items()}
    assert attributes == {
        "ward": "ICU",
        "kind": "vital_out_of_range",
        "severity": "urgent",
        "notification": "opened",
        "alarm": "physiological",
    }


def test_three_hundred_abnormal_readings_give_one_opening_not_a_storm(notify_settings):
    url = inbox(notify_settings)
    alerts = [alert(2001, second) for second in range(300)]
    queue(notify_settings, alerts)
    counts = Notifier(notify_settings).run(until_idle_s=2)
    assert subjects(delivered(notify_settings, url)) == [OPENED_2001]
    connection = mysql.connect(notify_settings.rds, RdsAccount.MIGRATION)
    cursor = connection.cursor()
    cursor.execute(
        f"SELECT outcome, COUNT(*), COUNT(DISTINCT episode) FROM notifier_alerts WHERE alert_id IN "
        f"({', '.join(['%s'] * 300)}) GROUP BY outcome",
        [a["alert_id"] for a in alerts],
    )
    outcomes = {outcome: (count, episodes) for outcome, count, episodes in cursor.fetchall()}
    connection.close()
    assert outcomes == {"notified": (1, 1), "suppressed": (299, 1)}  # every suppressed alert names its episode
    assert counts["alerts"] == 300


def test_getting_worse_notifies_once_more_and_only_normal_readings_send_all_clear(notify_settings):
    url = inbox(notify_settings)
    critical = dict(severity="critical", value=35.0)
    queue(
        notify_settings,
        [alert(2001, 0), alert(2001, 10, value=55), alert(2001, 20, **critical), alert(2001, 30, **critical)],
        [observation(2001, second, ["heartBeat"]) for second in (0, 10, 20, 30)]
        + [observation(2001, second) for second in (40, 50, 60)],  # three normal readings
    )
    Notifier(notify_settings).run(until_idle_s=2)
    assert [subject.split(":")[0] for subject in subjects(delivered(notify_settings, url))] == [
        "URGENT ICU",
        "WORSE ICU",
        "ALL CLEAR ICU",
    ]


def test_data_quality_alerts_go_out_clearly_marked(notify_settings):
    url = inbox(notify_settings)
    queue(
        notify_settings,
        [
            alert(990001, 0, kind="unknown_patient", attribute=None),
            alert(990001, 5, kind="unknown_patient", attribute=None),
        ],
    )
    Notifier(notify_settings).run(until_idle_s=2)
    [message] = delivered(notify_settings, url)
    assert message["Subject"].startswith("DATA QUALITY ICU:")
    assert message["MessageAttributes"]["severity"]["Value"] == "advisory"


def test_a_crash_between_publish_and_offset_commit_sends_nothing_twice(notify_settings):
    url = inbox(notify_settings)
    queue(notify_settings, [alert(2001, 0), alert(2002, 0), alert(2003, 0)])
    first = Notifier(notify_settings)

    def opened_all_three() -> bool:
        first.poll_and_handle()
        return first.counts["opened"] >= 3

    wait_until(opened_all_three, 30, every_s=0)
    first.close()  # dies here: published and recorded, offsets never committed
    restarted = Notifier(notify_settings)
    counts = restarted.run(until_idle_s=2)
    assert counts["repeat"] == 3 and counts["opened"] == 0
    assert len(delivered(notify_settings, url)) == 3


LOOPBACK = "127.0.0.1"  # the tests' own moto servers listen here only


def dead_lettered(settings) -> list[dict]:
    consumer = kafka.consumer(
        settings.kafka, KafkaPrincipal.ADMIN, settings.names.topic_notify_dead_letter, consumer_timeout_ms=5000
    )
    records = [json.loads(message.value) for message in consumer]
    consumer.close()
    return records


def in_background(notifier: Notifier) -> threading.Thread:
    thread = threading.Thread(target=notifier.run, kwargs={"until_idle_s": 2})
    thread.start()
    return thread


def test_poison_records_are_set_aside_with_their_reason_and_the_alerts_after_them_notified(notify_settings):
    s = notify_settings
    url = inbox(s)
    unknown_kind = {**alert(2003, 0), "kind": "gossip"}
    producer = kafka.producer(s.kafka, KafkaPrincipal.ADMIN)
    for value in (
        json.dumps(alert(2001, 0)).encode(),
        b"x",
        json.dumps({"patient_id": 1}).encode(),
        json.dumps(unknown_kind).encode(),
        b"[1, 2]",
        b"[" * 100_000 + b"]" * 100_000,  # past Python's recursion limit in json.loads
        json.dumps({**alert(2004, 0), "severity": ["critical"]}).encode(),  # would crash the subject line
        json.dumps({**alert(2005, 0), "patient_name": {"first": "A"}}).encode(),
        json.dumps({**alert(2006, 0), "alert_id": "f" * 33}).encode(),  # longer than notifier_alerts.alert_id
        json.dumps({**alert(2007, 0), "observed_value": "NaN"}).encode(),
        json.dumps({**alert(2008, 0), "admitted_ward": "W" * 33}).encode(),
        b"\xff\xfe not utf-8",
        json.dumps(alert(2002, 0)).encode(),
    ):
        producer.send(s.names.topic_alerts, value=value)
    producer.flush()
    producer.close()
    counts = Notifier(s).run(until_idle_s=2)

    assert sorted(subjects(delivered(s, url))) == [
        OPENED_2001,
        OPENED_2002,
    ]
    dead = dead_lettered(s)
    assert [(record["kind"], record["offset"], record["reason"].split(":")[0]) for record in dead] == [
        ("poison", 1, "not JSON"),
        ("poison", 2, "alert_id None is not 32 lower-case hex digits"),
        ("poison", 3, "unknown kind 'gossip' (known"),
        ("poison", 4, "not a JSON object but list"),
        ("poison", 5, "not JSON the notifier reads"),
        ("poison", 6, "severity ['critical'] is not text"),
        ("poison", 7, "patient_name {'first'"),
        ("poison", 8, "alert_id 'fffffffffffffffffffffffffffffffff' is not 32 lower-case hex digits"),
        ("poison", 9, "observed_value 'NaN' is not a finite number"),
        ("poison", 10, "admitted_ward is 33 characters, more than the 32 its column holds"),
        ("poison", 11, "not JSON"),
    ]
    assert dead[0]["raw"] == "x" and dead[0]["topic"] == s.names.topic_alerts and dead[0]["partition"] == 0
    assert dead[4]["raw_bytes"] == 200_000 and len(dead[4]["raw"]) == 65_536  # the start kept, the size said
    assert counts["poison"] == 11 and committed(s) == 13  # committed past them: a restart does not stop on them
    report = status(s)
    assert "13 alert records, 13 handled by group" in report and ", 0 behind" in report
    assert f"{s.names.topic_notify_dead_letter}: 11 record(s) set aside" in report


def test_an_sns_endpoint_down_for_30_s_delays_delivery_and_loses_nothing(notify_settings, caplog):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)  # the OS picks a free port
    server.start()
    port = server.get_host_and_port()[1]
    own = notify_settings.changed(sns={"endpoint_url": f"http://{LOOPBACK}:{port}"})
    url = inbox(own)
    notifier = Notifier(own)
    server.stop()  # the endpoint goes away; moto keeps the topic and queue in memory
    queue(own, [alert(2001, 0), alert(2002, 0)])
    with caplog.at_level(logging.ERROR, logger="notifier.service"):
        running = in_background(notifier)
        time.sleep(30)
        offsets_while_down = committed(own)
        comeback = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)
        comeback.start()
        try:
            running.join(timeout=120)
            emails = subjects(delivered(own, url))
        finally:
            comeback.stop()
    assert not running.is_alive()
    assert offsets_while_down == 0 and committed(own) == 2
    assert notifier.counts["opened"] == 2 and notifier.counts["dead_lettered"] == 0
    assert sorted(emails) == [
        OPENED_2001,
        OPENED_2002,
    ]
    failures = [record.getMessage() for record in caplog.records if "SNS publish" in record.getMessage()]
    assert len(failures) >= 5 and "EndpointConnectionError" in failures[0]  # it failed, and said why, each time


def test_a_missing_topic_is_waited_for_with_nothing_committed_then_delivered(notify_settings, caplog):
    s = notify_settings
    notifier = Notifier(s)
    aws.client(s.sns, "sns").delete_topic(TopicArn=notifier.topic_arns[0])  # misconfigured: every publish fails alike
    queue(s, [alert(2001, 0)])
    with caplog.at_level(logging.ERROR, logger="notifier.service"):
        running = in_background(notifier)
        time.sleep(5)
        offsets_while_failing = committed(s)
        url = inbox(s)  # the topic is created again (same name, same ARN) and subscribed
        running.join(timeout=60)
    assert offsets_while_failing == 0 and committed(s) == 1
    assert subjects(delivered(s, url)) == [OPENED_2001]
    assert notifier.counts["dead_lettered"] == 0 and dead_lettered(s) == []
    assert any("NotFound" in record.getMessage() for record in caplog.records)


def _moto_with_credentials_checked() -> tuple[subprocess.Popen, int, dict]:
    """A moto server that checks IAM credentials (after three unauthenticated set-up calls), its port, and a
    valid key. A port taken between choosing and binding it makes the server exit: then another is tried."""
    for _ in range(3):
        port = free_port(LOOPBACK)
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
            env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda server=server, port=port: server.poll() is not None or _accepts(port), 30, every_s=0.2)
        if server.poll() is None:
            break
    else:
        raise RuntimeError("no moto server came up on a free port")
    iam = boto3.client(
        "iam",
        endpoint_url=f"http://{LOOPBACK}:{port}",
        region_name="us-east-1",
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
    )
    iam.create_user(UserName="notifier")
    iam.put_user_policy(
        UserName="notifier",
        PolicyName="sns-and-sqs",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sns:*", "sqs:*"], "Resource": "*"}]}
        ),
    )
    return server, port, iam.create_access_key(UserName="notifier")["AccessKey"]


def test_invalid_sns_credentials_commit_nothing_say_so_and_deliver_once_fixed(notify_settings, caplog):
    from runtime.backoff import Stopped

    server, port, key = _moto_with_credentials_checked()
    try:
        good = notify_settings.changed(
            sns={
                "endpoint_url": f"http://{LOOPBACK}:{port}",
                "aws_access_key_id": key["AccessKeyId"],
                "aws_secret_access_key": key["SecretAccessKey"],
            }
        )
        bad = good.changed(
            sns={"aws_access_key_id": "AKIAWRONGWRONGWRONG1", "aws_secret_access_key": "not-the-secret-key"}
        )  # e.g. the local keys left in place
        url = inbox(good)
        queue(good, [alert(2001, 0)])
        stopping = threading.Event()

        def with_bad_keys() -> None:
            try:
                Notifier(bad, stopping).run(until_idle_s=2)
            except Stopped:  # stopped while still waiting for SNS to accept the keys
                pass

        with caplog.at_level(logging.ERROR, logger="notifier.service"):
            failing = threading.Thread(target=with_bad_keys)
            failing.start()
            time.sleep(6)
            committed_with_bad_keys = committed(good)
            stopping.set()  # the operator stops it to fix the keys
            failing.join(timeout=30)
        counts = Notifier(good).run(until_idle_s=2)
        emails = subjects(delivered(good, url))
    finally:
        server.terminate()
        server.wait()
    errors = [record.getMessage() for record in caplog.records if record.name == "notifier.service"]
    assert committed_with_bad_keys == 0 and not failing.is_alive()
    assert errors and all("InvalidClientTokenId" in message for message in errors)
    assert not any("not-the-secret-key" in message for message in errors)
    assert counts["opened"] == 1 and committed(good) == 1 and counts["dead_lettered"] == 0
    assert emails == [OPENED_2001]


def test_a_message_sns_refuses_for_its_content_alone_is_dead_lettered_and_the_service_goes_on(
    notify_settings, monkeypatch
):
    from notifier import alert_record

    s = notify_settings
    url = inbox(s)
    # a record within the contract never reaches SNS's 256 KiB, so the contract's text limit is widened here to
    # reach SNS's own refusal: the path any message SNS refuses for its content takes
    monkeypatch.setattr(alert_record, "TEXT_LIMIT", 400_000)
    too_long = {**alert(2001, 0), "alert_message": "x" * 300_000}
    notifier = Notifier(s)
    queue(s, [too_long])
    wait_until(notifier.poll_and_handle, 60, every_s=0)  # the consumer joins its group on the first polls
    notifier.commit()
    assert notifier.counts["dead_lettered"] == 1 and dead_lettered(s) != []
    queue(s, [alert(2002, 0), alert(2001, 5)])  # the same service goes on: another patient, the refused episode
    counts = notifier.run(until_idle_s=2)

    [dead] = dead_lettered(s)
    assert dead["kind"] == "notification" and dead["notification"]["alert_id"] == too_long["alert_id"]
    assert dead["reason"].startswith("InvalidParameter") and "too long" in dead["reason"]
    # the refused opening did not count as notified: patient 2001's next alert opens the episode
    assert sorted(subject.split(":")[0] + str("2001" in subject) for subject in subjects(delivered(s, url))) == [
        "URGENT ICUFalse",
        "URGENT ICUTrue",
    ]
    assert counts["dead_lettered"] == 1 and committed(s) == 3


def test_redrive_sends_each_dead_lettered_notification_once(notify_settings):
    from contract.alerts import NotificationKind, Severity
    from notifier import dead_letters
    from notifier.episodes import Notification
    from notifier.redrive import redrive

    s = notify_settings
    url = inbox(s)
    # dead-lettered while SNS refused it, as an older notifier did after N attempts
    refused = received_alert(alert(2001, 0))
    letters = dead_letters.DeadLetters(s, backoff_for(s.notifier, "test", threading.Event()))
    note = Notification(
        NotificationKind.OPENED,
        "2001",
        Severity.URGENT,
        refused,
        refused.context,
        (refused,),
        0.0,
        0,
        "K7Q2M9XP4T",
        refused.alert_id,
    )
    for reason in ("Throttling: Rate exceeded", "Throttling: Rate exceeded"):  # dead-lettered twice
        letters.send(dead_letters.refused(note, reason))
    letters.close()

    dry = redrive(s, dry_run=True)
    first = redrive(s)
    second = redrive(s)
    assert dry["would send"] == 1 and first["sent"] == 1 and first["already notified"] == 1
    assert second["sent"] == 0
    assert subjects(delivered(s, url)) == [OPENED_2001]
    connection = mysql.connect(s.rds, RdsAccount.MIGRATION)
    cursor = connection.cursor()
    cursor.execute("SELECT outcome, notification FROM notifier_alerts WHERE alert_id = %s", (refused.alert_id,))
    assert cursor.fetchall() == [("notified", "opened")]
    connection.close()


def test_a_crash_between_sns_accepting_and_recording_repeats_at_most_the_batch_in_flight(notify_settings, monkeypatch):
    from notifier.store import NotifierStore

    s = notify_settings
    url = inbox(s)
    queue(s, [alert(patient, 0) for patient in range(3001, 3013)])  # 12 notifications: batches of 10 and 2
    original = NotifierStore.record_delivered
    calls = []

    def dies_after_the_second_batch(self, outcomes):
        calls.append(len(outcomes))
        if len(calls) == 2:
            raise SystemExit("killed between SNS accepting batch 2 and recording it")
        original(self, outcomes)

    monkeypatch.setattr(NotifierStore, "record_delivered", dies_after_the_second_batch)
    with pytest.raises(SystemExit):
        Notifier(s).run(until_idle_s=2)
    monkeypatch.setattr(NotifierStore, "record_delivered", original)
    restarted = Notifier(s).run(until_idle_s=2)

    emails = subjects(delivered(s, url))
    per_patient = {patient: sum(f"({patient})" in subject for subject in emails) for patient in range(3001, 3013)}
    assert calls[:2] == [10, 2]
    assert restarted["repeat"] == 10 and restarted["opened"] == 2  # the recorded batch is not sent again
    assert sorted(per_patient.values()) == [1] * 10 + [2] * 2  # only the 2 in flight went out twice


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((LOOPBACK, port)) == 0
