"""YARN is opt-in: the default stack stays small, PA_STACK_YARN=1 adds the ResourceManager and NodeManager; the LDAP
directory runs when HiveServer2 checks logins (PA_HIVE_SERVER2_AUTH=LDAP, the default)."""

from __future__ import annotations

import base64
import hashlib

import settings
from local_stack.servers import of_stack
from local_stack.servers.hive import HIVE_SERVER2
from local_stack.servers.ldap import hashed_password
from local_stack.stack import context, selected


def test_the_default_stack_runs_no_yarn_and_the_setting_adds_it_after_hdfs():
    default = [spec.name for spec in of_stack(settings.load_stack({}))]
    assert "yarn-rm" not in default and "yarn-nm" not in default
    with_yarn = [spec.name for spec in of_stack(settings.load_stack({"PA_STACK_YARN": "1"}))]
    assert with_yarn[with_yarn.index("hdfs-datanode") + 1 : with_yarn.index("hdfs-datanode") + 3] == [
        "yarn-rm",
        "yarn-nm",
    ]


def test_the_ldap_directory_runs_when_hiveserver2_checks_logins_against_it():
    with_logins = settings.load_stack({})
    assert with_logins.hive.server2_auth == "LDAP"
    assert [spec.name for spec in selected(with_logins, ["hive-server2"])][-2:] == ["ldap", "hive-server2"]
    hiveconf = " ".join(HIVE_SERVER2.command(context(with_logins)))
    assert f"hive.server2.authentication.ldap.url=ldap://127.0.0.1:{with_logins.stack.ldap_port}" in hiveconf
    assert "hive.server2.authentication.ldap.baseDN=ou=people,dc=patient-alert,dc=local" in hiveconf
    without = settings.load_stack({"PA_HIVE_SERVER2_AUTH": "NOSASL"})
    assert "ldap" not in [spec.name for spec in of_stack(without)]
    assert "ldap" not in [spec.name for spec in selected(without, ["hive-server2"])]
    assert "ldap.url" not in " ".join(HIVE_SERVER2.command(context(without)))


def test_the_directory_stores_a_salted_hash_slapd_can_check():
    stored = hashed_password("analyst-local-only", salt=b"12345678")
    digest_and_salt = base64.b64decode(stored.removeprefix("{SSHA}"))
    assert digest_and_salt == hashlib.sha1(b"analyst-local-only12345678").digest() + b"12345678"
    assert hashed_password("same") != hashed_password("same"), "a fresh salt each time"
