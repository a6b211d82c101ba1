"""OpenLDAP (Debian's slapd): the directory the local HiveServer2 checks logins against (PA_HIVE_SERVER2_AUTH=LDAP).

A hospital's HiveServer2 authenticates analysts against its LDAP or Active
Directory; the local stack does the same with a private slapd on loopback.
The directory holds one person, PA_HIVE_SERVER2_USER, whose password is
PA_HIVE_SERVER2_PASSWORD stored as a salted SHA-1 hash. It is rebuilt from
those settings at every start (slapadd, offline), so a changed password needs
only a restart and the directory has no administrator who could log in over
the network: anyone may bind as a person with that person's password, nobody
may read anything.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from local_stack import probes
from local_stack.errors import StackError
from local_stack.ldap_directory import PEOPLE, SUFFIX, person_dn
from local_stack.spec import ServerSpec, StackContext
from local_stack.system_packages import ensure_command
from settings import StackSettings
from settings.choices import HiveAuth

SCHEMAS = ("core", "cosine", "inetorgperson")
# without this answer the package would set up and start a directory of its own for the whole machine
NO_SYSTEM_DIRECTORY = ("slapd slapd/no_configuration boolean true",)


def hashed_password(password: str, salt: bytes | None = None) -> str:
    """``{SSHA}`` form of ``password`` (slapd's default scheme): the directory never holds the password itself."""
    salt = os.urandom(8) if salt is None else salt
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _entries(settings: StackSettings) -> str:
    user = settings.hive.server2_user
    return (
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: patient-alert\no: Patient Alert ETL\n\n"
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n"
        f"dn: {person_dn(user)}\nobjectClass: inetOrgPerson\nuid: {user}\ncn: {user}\nsn: {user}\n"
        f"userPassword: {hashed_password(settings.hive.server2_password)}\n"
    )


def _slapd_conf(ctx: StackContext) -> str:
    database = ctx.paths.data_dir("ldap") / "db"
    includes = "".join(f"include /etc/ldap/schema/{schema}.schema\n" for schema in SCHEMAS)
    return (
        f"{includes}"
        "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
        f"pidfile {ctx.paths.data_dir('ldap') / 'slapd.pid'}\n"
        f'database mdb\nsuffix "{SUFFIX}"\ndirectory {database}\nmaxsize 10485760\n'
        "access to attrs=userPassword by anonymous auth by * none\n"
        "access to * by * none\n"
    )


def _loaded_directory(ctx: StackContext) -> None:
    """A fresh database holding the settings' person (slapadd, before slapd opens it)."""
    slapadd = ensure_command("slapadd", "slapd", NO_SYSTEM_DIRECTORY)
    folder = ctx.paths.data_dir("ldap")
    database = folder / "db"
    shutil.rmtree(database, ignore_errors=True)
    database.mkdir(parents=True, mode=0o700)
    entries = folder / "entries.ldif"
    entries.unlink(missing_ok=True)
    entries.touch(mode=0o600)
    entries.write_text(_entries(ctx.settings))
    result = subprocess.run([slapadd, "-f", str(_conf_file(ctx)), "-l", str(entries)], capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"slapadd could not load the directory (exit {result.returncode}):\n{result.stderr[-2000:]}")


def _conf_file(ctx: StackContext) -> Path:
    return ctx.paths.conf_dir("ldap") / "slapd.conf"


def _command(ctx: StackContext) -> list[str]:
    _loaded_directory(ctx)
    return [
        ensure_command("slapd", "slapd", NO_SYSTEM_DIRECTORY),
        "-d",
        "0",  # any debug level keeps slapd in the foreground, where the launcher supervises it
        "-f",
        str(_conf_file(ctx)),
        "-h",
        ldap_url(ctx.settings) + "/",
    ]


def ldap_url(settings: StackSettings) -> str:
    """Where slapd listens (loopback by default) and HiveServer2 asks it."""
    return f"ldap://{settings.stack.host}:{settings.stack.ldap_port}"


LDAP = ServerSpec(
    name="ldap",
    summary="OpenLDAP (Debian's slapd), the directory HiveServer2 checks logins against",
    command=_command,
    probe=probes.ldap,
    address=ldap_url,
    ports=lambda s: {"PA_LDAP_PORT": s.stack.ldap_port},
    config_files=lambda ctx: {"slapd.conf": _slapd_conf(ctx)},
    enabled=lambda s: s.hive.server2_auth is HiveAuth.LDAP,
)
