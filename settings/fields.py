"""How a setting is declared, read from the environment, checked and documented; no setting lives here.

A field's variable is always ``PA_`` + its name in capitals, so code and
documentation use one name. Types come from the annotations: ``int``,
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
import re
import typing
from typing import Any


def setting(
    default: Any, doc: str, *, minimum: float | None = None, duration: bool = False, secret: bool = False
) -> Any:
    """Declare a settings field with a documented ``default``."""
    return dataclasses.field(
        default=default, metadata={"doc": doc, "minimum": minimum, "duration": duration}, repr=not secret
    )


class SettingsError(ValueError):
    """A setting's value is not allowed; the message names the variable, the value and what is allowed."""


def variable(field: dataclasses.Field) -> str:
    return "PA_" + field.name.upper()


def is_secret(field: dataclasses.Field) -> bool:
    return not field.repr


def _secret_from_file(field: dataclasses.Field, environ: typing.Mapping[str, str]) -> str | None:
    """The secret in the file ``PA_<NAME>_FILE`` names (its first line), None when that variable is not set."""
    name = variable(field) + "_FILE"
    if name not in environ:
        return None
    try:
        with open(environ[name], encoding="utf-8") as handle:
            secret = handle.readline().rstrip("\r\n")
    except OSError as error:
        raise SettingsError(f"{name}={environ[name]!r}: cannot read it ({error.strerror})") from None
    # a child process gets both: the file's variable inherited, the value passed on by as_environment
    if environ.get(variable(field), secret) != secret:
        raise SettingsError(f"{variable(field)} and {name} are both set, to different values: set one of them")
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


def cast(raw: str, kind: Any, field: dataclasses.Field) -> Any:
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
    raise SettingsError(f"{variable(field)}={_shown(field, raw)} is not allowed: {expected}")


def check(settings: Any) -> None:
    """Every field's type (a choice given as text becomes its enum member), minimum and duration form."""
    cls: type = type(settings)
    kinds = field_types(cls)
    for field in dataclasses.fields(settings):
        value, kind = getattr(settings, field.name), kinds[field.name]
        if isinstance(kind, type) and issubclass(kind, enum.Enum) and not isinstance(value, kind):
            object.__setattr__(settings, field.name, cast(str(value), kind, field))  # dataclasses.replace(s, x="...")
        minimum = field.metadata["minimum"]
        if minimum is not None and value < minimum:
            raise SettingsError(
                f"{variable(field)}={_shown(field, value)} is not allowed: it must be at least {minimum:g}"
            )
        if field.metadata["duration"]:
            try:
                duration_seconds(value)
            except ValueError:
                raise SettingsError(
                    f"{variable(field)}={_shown(field, value)} is not allowed: expected a duration "
                    f"such as '10 minutes' (seconds, minutes, hours or days)"
                ) from None


def load_from(cls: type, environ: typing.Mapping[str, str]) -> Any:
    """An instance of the settings class ``cls`` from ``environ``; a bad value raises :class:`SettingsError`."""
    kinds = field_types(cls)
    values = {
        field.name: cast(environ[variable(field)], kinds[field.name], field)
        for field in dataclasses.fields(cls)
        if variable(field) in environ
    }
    for field in filter(is_secret, dataclasses.fields(cls)):
        secret = _secret_from_file(field, environ)
        if secret is not None:
            values[field.name] = secret
    return cls(**values)


def as_environment(settings: Any) -> dict[str, str]:
    """``settings`` as the environment variables that would load it (for child processes and Airflow)."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        return value.value if isinstance(value, enum.Enum) else str(value)

    return {variable(field): text(getattr(settings, field.name)) for field in dataclasses.fields(settings)}


def markdown_table(cls: type, fields: typing.Iterable[dataclasses.Field]) -> str:
    """A Markdown table of each field's variable, default and meaning (a choice's values listed from its enum)."""
    kinds = field_types(cls)
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for field in fields:
        default = field.default.value if isinstance(field.default, enum.Enum) else field.default
        meaning = field.metadata["doc"]
        kind = kinds[field.name]
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            meaning += " One of: " + ", ".join(member.value for member in kind) + "."
        if is_secret(field):
            meaning += f" Or `{variable(field)}_FILE`: a file whose first line is it."
        meaning = meaning.replace("|", "\\|")  # a bare | would end the Markdown cell
        lines.append(f"| `{variable(field)}` | `{default if default != '' else '(empty)'}` | {meaning} |")
    return "\n".join(lines)
