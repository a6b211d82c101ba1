"""How a setting is declared, read from the environment, checked and documented; no setting lives here.

Settings come in groups, one per concern (:class:`Group`: Kafka, RDS, the
notifier ...), so a function takes the group it uses. A field's variable is
``PA_`` + its group's ``PREFIX`` + its name, in capitals (``KafkaSettings.host``
is ``PA_KAFKA_HOST``), or the ``variable`` it declares when the name it has
kept from before the groups does not follow that rule. Types come from the annotations: ``int``,
``float``, ``bool``, ``str`` and string enums (a choice setting, checked when
the settings load). ``minimum`` and ``duration`` ('10 minutes') are checked
too, so a typo fails at start with the variable's name instead of somewhere
deep in a running job; a ``secret`` never shows in ``repr`` (and so in no log
line or traceback that prints the settings) and may instead be read from a
file named by its variable + ``_FILE`` (a mounted secret: nothing in the
environment, ``ps`` or a process dump).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import ipaddress
import re
import typing
from typing import Any


def setting(
    default: Any,
    doc: str,
    *,
    minimum: float | None = None,
    duration: bool = False,
    secret: bool = False,
    variable: str | None = None,
) -> Any:
    """Declare a settings field with a documented ``default``; ``variable`` when it is not PA_ + prefix + name."""
    return dataclasses.field(
        default=default,
        metadata={"doc": doc, "minimum": minimum, "duration": duration, "variable": variable},
        repr=not secret,
    )


class SettingsError(ValueError):
    """A setting's value is not allowed; the message names the variable, the value and what is allowed."""


class Group:
    """A group of settings for one concern; its fields' variables start with ``PA_`` + ``PREFIX``."""

    PREFIX: typing.ClassVar[str] = ""

    def __post_init__(self) -> None:
        check(self)  # also when a test or tool derives a group with dataclasses.replace


def variable(group: type | object, field: dataclasses.Field) -> str:
    """The environment variable of ``field`` in ``group`` (a group class or instance)."""
    cls = group if isinstance(group, type) else type(group)
    prefix: str = getattr(cls, "PREFIX")  # noqa: B009 - every group class declares it (Group)
    return field.metadata["variable"] or "PA_" + (prefix + field.name).upper()


def variable_of(group: type, name: str) -> str:
    """The environment variable of the field ``name`` of the group class ``group``."""
    return variable(group, next(field for field in dataclasses.fields(group) if field.name == name))


def groups_of(cls: type) -> list[tuple[str, type]]:
    """The groups a settings class is made of, as (attribute, group class)."""
    kinds = field_types(cls)
    return [(field.name, kinds[field.name]) for field in dataclasses.fields(cls)]


def leaves(settings: Any) -> typing.Iterator[tuple[Any, dataclasses.Field]]:
    """Every (group, field) of ``settings``: what its variables are made from."""
    for name, _ in groups_of(type(settings)):
        group = getattr(settings, name)
        for field in dataclasses.fields(group):
            yield group, field


def refuse_public_default(group: Any, name: str, host: str) -> None:
    """A local default secret is public (it is in this repository): it may only reach a server on this machine,
    so a forgotten secret fails at start instead of trying a known password on a real server."""
    field = next(field for field in dataclasses.fields(group) if field.name == name)
    if getattr(group, name) == field.default and not is_loopback(host):
        name = variable(group, field)
        raise SettingsError(
            f"{name} is the local stack's public default, and {host or 'AWS'} is not this machine: "
            f"set {name} (or {name}_FILE) to the real secret"
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine by a loopback address or 'localhost' (no name is resolved)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secret(field: dataclasses.Field) -> bool:
    return not field.repr


def _secret_from_file(cls: type, field: dataclasses.Field, environ: typing.Mapping[str, str]) -> str | None:
    """The secret in the file ``PA_<NAME>_FILE`` names (its first line), None when that variable is not set."""
    name = variable(cls, field) + "_FILE"
    if name not in environ:
        return None
    try:
        with open(environ[name], encoding="utf-8") as handle:
            secret = handle.readline().rstrip("\r\n")
    except OSError as error:
        raise SettingsError(f"{name}={environ[name]!r}: cannot read it ({error.strerror})") from None
    # a child process gets both: the file's variable inherited, the value passed on by as_environment
    if environ.get(variable(cls, field), secret) != secret:
        raise SettingsError(f"{variable(cls, field)} and {name} are both set, to different values: set one of them")
    return secret


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_SECONDS_PER = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def duration_seconds(text: str) -> float:
    """'10 minutes' -> 600.0: the interval form Spark's watermark takes."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration like '10 minutes'")
    return float(match.group(1)) * _SECONDS_PER[match.group(2).lower()]


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """Each field's annotated type, resolved (the modules use ``from __future__ import annotations``)."""
    return typing.get_type_hints(cls)


def _shown(field: dataclasses.Field, value: Any) -> str:
    return "(hidden)" if is_secret(field) else repr(str(value) if isinstance(value, enum.Enum) else value)


def cast(raw: str, kind: Any, cls: type, field: dataclasses.Field) -> Any:
    """An environment string as the field's type; an error names the variable and what is allowed."""
    expected = ""
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        if raw in {member.value for member in kind}:
            return kind(raw)
        expected = "choose one of " + ", ".join(member.value for member in kind)
    elif kind is bool:
        if raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        expected = "expected one of true, false, 1, 0, yes, no, on, off"
    elif kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            expected = "expected a whole number" if kind is int else "expected a number"
    else:
        return raw
    raise SettingsError(f"{variable(cls, field)}={_shown(field, raw)} is not allowed: {expected}")


def check(group: Any) -> None:
    """Every field's type (a choice given as text becomes its enum member), minimum and duration form."""
    cls: type = type(group)
    kinds = field_types(cls)
    for field in dataclasses.fields(group):
        value, kind = getattr(group, field.name), kinds[field.name]
        if isinstance(kind, type) and issubclass(kind, enum.Enum) and not isinstance(value, kind):
            object.__setattr__(group, field.name, cast(str(value), kind, cls, field))  # dataclasses.replace(g, x="...")
        minimum = field.metadata["minimum"]
        if minimum is not None and value < minimum:
            raise SettingsError(
                f"{variable(cls, field)}={_shown(field, value)} is not allowed: it must be at least {minimum:g}"
            )
        if field.metadata["duration"]:
            try:
                duration_seconds(value)
            except ValueError:
                raise SettingsError(
                    f"{variable(cls, field)}={_shown(field, value)} is not allowed: expected a duration "
                    f"such as '10 minutes' (seconds, minutes, hours or days)"
                ) from None


def load_group(cls: type, environ: typing.Mapping[str, str]) -> Any:
    """An instance of the group class ``cls`` from ``environ``; a bad value raises :class:`SettingsError`."""
    kinds = field_types(cls)
    values = {
        field.name: cast(environ[variable(cls, field)], kinds[field.name], cls, field)
        for field in dataclasses.fields(cls)
        if variable(cls, field) in environ
    }
    for field in filter(is_secret, dataclasses.fields(cls)):
        secret = _secret_from_file(cls, field, environ)
        if secret is not None:
            values[field.name] = secret
    return cls(**values)


def load_from(cls: type, environ: typing.Mapping[str, str]) -> Any:
    """An instance of the settings class ``cls`` (made of groups) from ``environ``."""
    return cls(**{name: load_group(kind, environ) for name, kind in groups_of(cls)})


def as_environment(settings: Any) -> dict[str, str]:
    """``settings`` as the environment variables that would load it (for child processes and Airflow)."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        return value.value if isinstance(value, enum.Enum) else str(value)

    return {variable(group, field): text(getattr(group, field.name)) for group, field in leaves(settings)}


def markdown_table(groups_: typing.Iterable[tuple[str, type]]) -> str:
    """A Markdown table of each field's variable, default and meaning (a choice's values listed from its enum),
    a heading row per group naming the attribute code reads it by."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, cls in groups_:
        kinds = field_types(cls)
        lines.append(f"| **`settings.{name}`** | | {cls.__doc__} |")
        for field in dataclasses.fields(cls):
            default = field.default.value if isinstance(field.default, enum.Enum) else field.default
            meaning = field.metadata["doc"]
            kind = kinds[field.name]
            if isinstance(kind, type) and issubclass(kind, enum.Enum):
                meaning += " One of: " + ", ".join(member.value for member in kind) + "."
            if is_secret(field):
                meaning += f" Or `{variable(cls, field)}_FILE`: a file whose first line is it."
            meaning = meaning.replace("|", "\\|")  # a bare | would end the Markdown cell
            lines.append(f"| `{variable(cls, field)}` | `{default if default != '' else '(empty)'}` | {meaning} |")
    return "\n".join(lines)
