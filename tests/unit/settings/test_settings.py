"""The settings module: strict values that name the variable, secrets kept out of repr, the docs' table."""

from __future__ import annotations

import pytest

import settings
from settings import KafkaPrincipal, RdsAccount, SettingsError
from testkit.repository import REPOSITORY

REAL_RDS_PASSWORDS = {f"PA_MYSQL_{account.upper()}_PASSWORD": "real" for account in RdsAccount}


@pytest.mark.parametrize(
    "name, value, allowed",
    [
        ("PA_STREAM_FAIL_ON_DATA_LOSS", "flase", "expected one of true, false, 1, 0, yes, no, on, off"),
        ("PA_ALERT_PATH", "real-time", "choose one of realtime, microbatch"),
        ("PA_STREAM_STATE_STORE", "RocksDB", "choose one of rocksdb, hdfs"),
        ("PA_MYSQL_PORT", "33o6", "expected a whole number"),
        ("PA_ESCALATE_AFTER_S", "five minutes", "expected a number"),
        ("PA_STREAM_DEDUP_WINDOW", "10 mins", "expected a duration such as '10 minutes'"),
        ("PA_PRODUCER_GAP_TIMEOUT_S", "-1", "it must be at least 0"),
    ],
)
def test_a_bad_value_is_an_error_naming_the_variable_the_value_and_what_is_allowed(name, value, allowed):
    with pytest.raises(SettingsError) as raised:
        settings.load({name: value})
    message = str(raised.value)
    assert message.startswith(f"{name}=") and "is not allowed: " in message and allowed in message


def test_good_values_load_in_every_accepted_spelling():
    loaded = settings.load(
        {
            "PA_STREAM_FAIL_ON_DATA_LOSS": "Off",
            "PA_SPARK_UI": "YES",
            "PA_STREAM_DEDUP_WINDOW": "2 hours",
            "PA_STREAM_MAX_FUTURE_S": "60",
        }
    )
    assert (loaded.stream.fail_on_data_loss, loaded.spark.ui, loaded.stream.dedup_window_s) == (False, True, 7200.0)


def test_the_future_tolerance_may_not_exceed_the_deduplication_window():
    with pytest.raises(
        SettingsError, match="PA_STREAM_MAX_FUTURE_S=900 is not allowed: it must not exceed PA_STREAM_DEDUP_WINDOW"
    ):
        settings.load({"PA_STREAM_MAX_FUTURE_S": "900", "PA_STREAM_DEDUP_WINDOW": "10 minutes"})


def test_secrets_never_show_in_repr():
    loaded = settings.load({"PA_MYSQL_NOTIFIER_PASSWORD": "s3cret-pw", "PA_AWS_SECRET_ACCESS_KEY": "s3cret-key"})
    assert "s3cret" not in repr(loaded) and "s3cret" not in str(loaded)
    assert loaded.rds.login(RdsAccount.NOTIFIER) == ("pa_notifier", "s3cret-pw")


def test_a_secret_is_read_from_the_file_its_file_variable_names(tmp_path):
    secret = tmp_path / "mysql_password"
    secret.write_text("from-a-file\n")
    loaded = settings.load({"PA_MYSQL_PRODUCER_PASSWORD_FILE": str(secret)})
    assert loaded.rds.producer_password == "from-a-file"
    # a child process inherits the file's variable and is passed the value too: the same value is no conflict
    assert (
        settings.load({"PA_MYSQL_PRODUCER_PASSWORD_FILE": str(secret), "PA_MYSQL_PRODUCER_PASSWORD": "from-a-file"})
        == loaded
    )
    with pytest.raises(
        SettingsError, match="PA_MYSQL_PRODUCER_PASSWORD and PA_MYSQL_PRODUCER_PASSWORD_FILE are both set"
    ):
        settings.load({"PA_MYSQL_PRODUCER_PASSWORD_FILE": str(secret), "PA_MYSQL_PRODUCER_PASSWORD": "another"})
    with pytest.raises(SettingsError, match="PA_AWS_SECRET_ACCESS_KEY_FILE=.*: cannot read it"):
        settings.load({"PA_AWS_SECRET_ACCESS_KEY_FILE": str(tmp_path / "missing")})
    assert "from-a-file" not in repr(loaded)


@pytest.mark.parametrize(
    ("environment", "refused"),
    [
        ({"PA_HIVE_SERVER2_HOST": "hs2.hospital.example"}, "PA_HIVE_SERVER2_PASSWORD"),
        ({"PA_SNS_ENDPOINT_URL": ""}, "PA_AWS_SECRET_ACCESS_KEY"),
        ({"PA_SNS_ENDPOINT_URL": "https://sns.eu-west-2.amazonaws.com"}, "PA_AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_a_local_default_secret_is_refused_for_a_server_elsewhere(environment, refused):
    with pytest.raises(SettingsError, match=f"{refused} is the local stack's public default"):
        settings.load(environment)


@pytest.mark.parametrize("account", list(RdsAccount))
def test_with_rds_elsewhere_a_service_needs_only_its_own_accounts_secret(account):
    """Each service's settings alone: its own password set, every other account's left at the public default."""
    own = {"PA_MYSQL_HOST": "rds.hospital.example", f"PA_MYSQL_{account.upper()}_PASSWORD": "real"}
    loaded = settings.load(own)
    assert loaded.rds.login(account)[1] == "real"
    for other in set(RdsAccount) - {account}:
        with pytest.raises(SettingsError, match=f"PA_MYSQL_{other.upper()}_PASSWORD is the local stack's public"):
            loaded.rds.login(other)


def test_with_a_remote_broker_each_kafka_user_needs_its_own_secret():
    loaded = settings.load({"PA_KAFKA_BOOTSTRAP_SERVERS": "b-1.msk:9096", "PA_KAFKA_NOTIFIER_PASSWORD": "real"})
    assert loaded.kafka.login(KafkaPrincipal.NOTIFIER)[1] == "real"
    with pytest.raises(SettingsError, match="PA_KAFKA_PRODUCER_PASSWORD is the local stack's public default"):
        loaded.kafka.login(KafkaPrincipal.PRODUCER)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_local_default_secrets_serve_this_machine(host):
    assert settings.load({"PA_MYSQL_HOST": host}).rds.host == host
    assert settings.load({"PA_MYSQL_HOST": "rds.example"} | REAL_RDS_PASSWORDS).rds.rules_password == "real"
    assert settings.load({"PA_SNS_ENDPOINT_URL": "", "PA_AWS_SECRET_ACCESS_KEY": ""}).sns.aws_secret_access_key == ""
    without_logins = {"PA_HIVE_SERVER2_HOST": "hs2.example", "PA_HIVE_SERVER2_AUTH": "NOSASL"}
    assert settings.load(without_logins).hive.server2_host == "hs2.example"  # no password is sent there


def test_the_docs_settings_table_is_the_modules():
    page = (REPOSITORY / "docs" / "configuration.md").read_text()
    assert settings.variables_table() in page, "run 'make settings-table' (it rewrites docs/configuration.md)"
