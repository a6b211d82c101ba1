"""Sqoop's delimited text files (``--as-textfile``, Sqoop's default format): what each value looks like, how fields
are separated, escaped and enclosed, and what NULL is written as.

Data engineers' existing command lines and the Hive tables built over their
output expect exactly Sqoop 1.4.7's text, so values are written as its generated
record classes write them (``java.sql.Timestamp.toString``: ``2026-11-24
10:00:00.0``; doubles as Java prints them; booleans ``true``/``false``), NULL
as ``null`` unless ``--null-string``/``--null-non-string`` say otherwise, and the
delimiter flags take Sqoop's escapes (``\\t``, ``\\001``, ``\\0x01``). A plain
import separates fields with ``,``; a Hive import with Hive's own ``\\001``,
as Sqoop does, so the table reads the files without any other setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DateType, StringType, TimestampNTZType, TimestampType

from sqoop.options import SqoopError, TextOptions

HIVE_FIELD_DELIMITER = "\x01"  # Hive's default (^A), Sqoop's for --hive-import

_JAVA_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"'}


def unescape(text: str, flag: str) -> str:
    """A delimiter or null string as Sqoop reads it: Java escapes (``\\t``, ``\\\\``), octal ``\\0ooo`` and hex
    ``\\0xhh``; a delimiter must come out as one character."""
    hex_char = re.fullmatch(r"\\0x([0-9a-fA-F]{1,2})", text)
    if hex_char:
        return chr(int(hex_char.group(1), 16))

    def one(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0].isdigit():
            return chr(int(escape, 8))
        if escape in _JAVA_ESCAPES:
            return _JAVA_ESCAPES[escape]
        raise SqoopError(f"{flag} {text!r}: unknown escape \\{escape}")

    return re.sub(r"\\([0-7]{1,3}|.)", one, text)


def delimiter(text: str | None, flag: str, default: str | None) -> str | None:
    """One character from a delimiter flag (Sqoop's escapes allowed), or ``default``."""
    if text is None:
        return default
    character = unescape(text, flag)
    if len(character) != 1:
        raise SqoopError(f"{flag} {text!r}: a delimiter is one character (escapes such as \\t or \\001 allowed).")
    return character


@dataclass(frozen=True)
class TextFormat:
    """How rows become lines; ``enclose_always`` is ``--enclosed-by``, otherwise ``--optionally-enclosed-by``
    encloses only fields that hold a delimiter."""

    fields: str = ","
    lines: str = "\n"
    escaped_by: str | None = None
    enclosed_by: str | None = None
    enclose_always: bool = False
    null_string: str = "null"
    null_non_string: str = "null"

    @property
    def delimiters(self) -> tuple[str, str]:
        return self.fields, self.lines

    def lines_of(self, frame: DataFrame, non_string: frozenset[str]) -> DataFrame:
        """One ``value`` column: each row as its line (without the terminator, which the writer adds). NULL is
        ``null_non_string`` in the ``non_string`` columns (lower-case names: RDS's type, which Sqoop's record class
        has, even where the column is already text) and in any column not of string type."""
        fields = [
            self._field(
                frame, field.name, isinstance(field.dataType, StringType) and field.name.lower() not in non_string
            )
            for field in frame.schema
        ]
        return frame.select(F.concat_ws(self.fields, *fields).alias("value"))

    def write(self, frame: DataFrame, path: str, mode: str, codec: str | None, non_string: frozenset[str]) -> None:
        """Write ``frame`` as text files under ``path`` (``codec``: Spark's name of a Hadoop codec, or None)."""
        writer = self.lines_of(frame, non_string).write.mode(mode).option("lineSep", self.lines)
        if codec:
            writer = writer.option("compression", codec)
        writer.text(path)

    def _field(self, frame: DataFrame, name: str, is_string: bool) -> Column:
        """One field as Sqoop's ``FieldFormatter.escapeAndEnclose`` writes it; NULL's text goes through it too,
        as in Sqoop's generated record classes."""
        null = self.null_string if is_string else self.null_non_string
        original = F.coalesce(_as_text(frame, name), F.lit(null))
        text = original
        if self.escaped_by:
            # inside enclosing only the enclosing and escape characters need escaping; without, the delimiters do
            escaped = {self.escaped_by, self.enclosed_by} if self.enclosed_by else {self.escaped_by, *self.delimiters}
            text = F.regexp_replace(text, _any_of(escaped), re.sub(r"([\\$])", r"\\\1", self.escaped_by) + "$0")
        if self.enclosed_by:
            enclosed = F.concat(F.lit(self.enclosed_by), text, F.lit(self.enclosed_by))
            if self.enclose_always:
                return enclosed
            return F.when(original.rlike(_any_of(self.delimiters)), enclosed).otherwise(text)
        return text


def _any_of(characters: Iterable[str | None]) -> str:
    """A regular expression matching any one of ``characters``."""
    return "[" + "".join(re.escape(character) for character in sorted(c for c in characters if c)) + "]"


def text_format(options: TextOptions, hive_import: bool) -> TextFormat:
    """The format the text flags describe; fields end with ``,`` in files and Hive's ^A in Hive imports."""
    enclosed_by = delimiter(options.enclosed_by, "--enclosed-by", None)
    optionally = delimiter(options.optionally_enclosed_by, "--optionally-enclosed-by", None)
    if enclosed_by and optionally:
        raise SqoopError("Use either --enclosed-by or --optionally-enclosed-by, not both.")
    default_fields = HIVE_FIELD_DELIMITER if hive_import else ","
    return TextFormat(
        fields=delimiter(options.fields_terminated_by, "--fields-terminated-by", default_fields) or default_fields,
        lines=delimiter(options.lines_terminated_by, "--lines-terminated-by", "\n") or "\n",
        escaped_by=delimiter(options.escaped_by, "--escaped-by", None),
        enclosed_by=enclosed_by or optionally,
        enclose_always=enclosed_by is not None,
        null_string="null" if options.null_string is None else unescape(options.null_string, "--null-string"),
        null_non_string=(
            "null" if options.null_non_string is None else unescape(options.null_non_string, "--null-non-string")
        ),
    )


def non_string_columns(frame: DataFrame) -> frozenset[str]:
    """The lower-case names of ``frame``'s columns that are not text (where NULL is ``--null-non-string``)."""
    return frozenset(field.name.lower() for field in frame.schema if not isinstance(field.dataType, StringType))


def sqoop_strings(frame: DataFrame) -> DataFrame:
    """Date and time columns as the strings Sqoop writes for them: its Hive text tables keep them as STRING."""
    return frame.select(
        [
            _as_text(frame, field.name).alias(field.name)
            if isinstance(field.dataType, DateType | TimestampType | TimestampNTZType)
            else frame[f"`{field.name}`"]
            for field in frame.schema
        ]
    )


def _as_text(frame: DataFrame, name: str) -> Column:
    """The value as Sqoop's record class prints it (``toString`` of its Java type)."""
    column = frame[f"`{name}`"]
    kind = frame.schema[name].dataType
    if isinstance(kind, TimestampType | TimestampNTZType):
        # java.sql.Timestamp: the fraction without trailing zeros, but at least one digit
        fraction = F.regexp_replace(F.date_format(column, "SSSSSS"), "(?<=.)0+$", "")
        return F.concat(F.date_format(column, "yyyy-MM-dd HH:mm:ss."), fraction)
    if isinstance(kind, DateType):
        return F.date_format(column, "yyyy-MM-dd")
    return column.cast("string")
