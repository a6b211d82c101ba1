"""Sqoop's command line for ``import`` and ``export``: the flags data engineers know, checked like Sqoop checks them.

Parsing and validation live here and nowhere else, so the CLI, saved jobs and
Airflow tasks all reject the same mistakes with the same messages. Defaults for
the connection come from settings, so ``--connect`` and ``--username`` may be
left out on this platform.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
from dataclasses import dataclass, field
from typing import NoReturn

from clients import mysql
from clients.jdbc import jdbc_options
from settings import Names, RdsAccount, RdsSettings, Settings

log = logging.getLogger(__name__)


class SqoopError(Exception):
    """A job that cannot run as asked; the message says what to change."""


def required(value: str | None, flag: str) -> str:
    """A flag the chosen mode needs (checked when the options were parsed); a missing one is a SqoopError."""
    if not value:
        raise SqoopError(f"this import or export needs {flag}.")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse that raises Sqoop-like errors instead of exiting the process."""

    def error(self, message: str) -> NoReturn:  # argparse's hook
        unknown = re.match(r"unrecognized arguments: (.*)", message)
        if unknown:
            raise SqoopError(
                f"Error parsing arguments for {self.prog}: Unrecognized argument: {unknown.group(1)}\n"
                f"Try --help for usage instructions."
            )
        raise SqoopError(f"Error parsing arguments for {self.prog}: {message}")


@dataclass(frozen=True)
class Connection:
    """Where RDS is and who connects; the password never appears in ``repr`` or logs."""

    url: str
    username: str
    password: str = field(repr=False)

    def spark_options(self, settings: Settings) -> dict[str, str]:
        """The url, driver, user and password options of Spark's JDBC source and sink."""
        return jdbc_options(settings, self.url, self.username, self.password)

    def mysql_options(self, rds: RdsSettings) -> dict[str, object]:
        """mysql-connector arguments for the statements Spark JDBC cannot run (upserts, DDL, bounds)."""
        match = re.match(r"jdbc:(?:mysql|mariadb)://([^:/?]+)(?::(\d+))?/([^?]+)", self.url)
        if not match:
            raise SqoopError(f"--connect {self.url}: expected jdbc:mysql://HOST[:PORT]/DATABASE")
        host, port, database = match.groups()
        return dict(
            host=host,
            port=int(port or 3306),
            database=database,
            user=self.username,
            password=self.password,
            **mysql.tls_options(rds),
        )


@dataclass(frozen=True)
class ImportOptions:
    connection: Connection
    table: str | None
    query: str | None
    columns: tuple[str, ...]
    where: str | None
    split_by: str | None
    num_mappers: int
    fetch_size: int
    target_dir: str | None
    delete_target_dir: bool
    hive_import: bool
    hive_table: str | None
    hive_overwrite: bool
    create_hive_table: bool
    incremental: str | None
    check_column: str | None
    last_value: str | None
    merge_key: str | None
    append: bool
    file_format: str | None  # "text" or "parquet" as asked; None: an existing Hive table's, else text (Sqoop's)
    text: TextOptions
    compression_codec: str | None  # Spark's name of the Hadoop codec; None: uncompressed
    boundary_query: str | None
    map_column_java: tuple[tuple[str, str], ...]
    map_column_hive: tuple[tuple[str, str], ...]

    @property
    def source_name(self) -> str:
        return self.table or "query"


@dataclass(frozen=True)
class TextOptions:
    """The text format's flags as given (unescaped later by sqoop.text_format, where their defaults live)."""

    fields_terminated_by: str | None = None
    lines_terminated_by: str | None = None
    escaped_by: str | None = None
    enclosed_by: str | None = None
    optionally_enclosed_by: str | None = None
    null_string: str | None = None
    null_non_string: str | None = None

    def given(self) -> list[str]:
        """The flags given, as typed."""
        return [f"--{name.replace('_', '-')}" for name, value in vars(self).items() if value is not None]


@dataclass(frozen=True)
class ExportOptions:
    connection: Connection
    table: str
    export_dir: str | None
    hive_table: str | None
    columns: tuple[str, ...]
    update_key: tuple[str, ...]
    update_mode: str
    batch_size: int
    num_mappers: int
    input_null_string: str | None


_LAST_VALUE = re.compile(r"^-?\d+(\.\d+)?$|^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,6})?)?$")


def _add_connection_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (defaults from settings: PA_MYSQL_*)")
    group.add_argument("--connect", help="JDBC URL, jdbc:mysql://HOST:PORT/DATABASE")
    group.add_argument("--username")
    group.add_argument("--password-file", help="file whose first line is the password")
    group.add_argument("--password-env", help="environment variable holding the password")
    group.add_argument("--password", help=argparse.SUPPRESS)
    group.add_argument("-P", dest="prompt_password", action="store_true", help=argparse.SUPPRESS)
    group.add_argument("-m", "--num-mappers", type=int, default=None, help="parallel readers/writers (default 4)")


def _columns(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip()) if value else ()


def import_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="import", description="Import an RDS table or query into Hive or HDFS (Parquet).")
    _add_connection_flags(parser)
    source = parser.add_argument_group("source")
    source.add_argument("--table")
    source.add_argument("--query", "-e", help="free-form query; must contain $CONDITIONS")
    source.add_argument("--columns", help="comma-separated columns to import")
    source.add_argument("--where", help="WHERE clause applied to --table")
    source.add_argument("--split-by", help="column that splits the work between mappers")
    source.add_argument("--boundary-query", help="query returning the split column's MIN and MAX")
    source.add_argument("--fetch-size", type=int)
    target = parser.add_argument_group("target")
    target.add_argument("--target-dir", help="HDFS directory for a plain (non-Hive) import")
    target.add_argument("--delete-target-dir", action="store_true")
    target.add_argument("--as-textfile", action="append_const", const="text", dest="formats", help="delimited text")
    target.add_argument("--as-parquetfile", action="append_const", const="parquet", dest="formats", help="Parquet")
    for unsupported in ("--as-avrodatafile", "--as-sequencefile"):
        target.add_argument(unsupported, action="append_const", const=unsupported, dest="formats", help="refused")
    target.add_argument("-z", "--compress", action="store_true", help="compress the files (gzip unless a codec)")
    target.add_argument("--compression-codec", help="gzip, bzip2, deflate, snappy, lz4, or a Hadoop codec class")
    target.add_argument("--direct", action="store_true", help="accepted: rows are read over JDBC (no mysqldump)")
    target.add_argument("--hive-import", action="store_true")
    target.add_argument("--hive-table", help="DATABASE.TABLE (default: the source table in PA_HIVE_DATABASE)")
    target.add_argument("--hive-overwrite", action="store_true")
    target.add_argument("--create-hive-table", action="store_true", help="fail if the Hive table already exists")
    text = parser.add_argument_group("text output (--as-textfile); Sqoop's escapes such as \\t or \\001 allowed")
    text.add_argument("--fields-terminated-by", help="field separator (default ',', Hive imports \\001)")
    text.add_argument("--lines-terminated-by", help="line terminator (default \\n)")
    text.add_argument("--escaped-by", help="escape character for delimiters inside values")
    text.add_argument("--enclosed-by", help="character enclosing every field")
    text.add_argument("--optionally-enclosed-by", help="character enclosing fields that hold a delimiter")
    text.add_argument("--mysql-delimiters", action="store_true", help="MySQL's: , lines \\n escaped by \\ and '")
    text.add_argument("--null-string", help="written for NULL in string columns (default null)")
    text.add_argument("--null-non-string", help="written for NULL in other columns (default null)")
    types = parser.add_argument_group("types")
    types.add_argument("--map-column-java", help="COLUMN=Type,...: read the column as this Java type")
    types.add_argument("--map-column-hive", help="COLUMN=TYPE,...: the Hive table's type for the column")
    incremental = parser.add_argument_group("incremental import")
    incremental.add_argument("--incremental", choices=("append", "lastmodified"))
    incremental.add_argument("--check-column")
    incremental.add_argument("--last-value")
    incremental.add_argument("--merge-key")
    incremental.add_argument("--append", action="store_true", help="lastmodified: add changed rows as new rows")
    return parser


def export_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="export", description="Export a Hive table or HDFS Parquet directory into an RDS table.")
    _add_connection_flags(parser)
    parser.add_argument("--table", help="RDS table to write")
    parser.add_argument("--export-dir", help="HDFS directory of Parquet files")
    parser.add_argument("--hive-table", help="DATABASE.TABLE (or view) to export")
    parser.add_argument("--columns", help="comma-separated columns to export")
    parser.add_argument("--update-key", help="comma-separated key columns: update rows instead of inserting")
    parser.add_argument("--update-mode", choices=("updateonly", "allowinsert"), default="updateonly")
    parser.add_argument("--batch-size", type=int, help="rows per INSERT statement")
    parser.add_argument("--input-null-string", help="string value that means NULL")
    parser.add_argument("--input-null-non-string", help=argparse.SUPPRESS)
    return parser


def eval_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="eval", description="Run one SQL statement in RDS and print its result (no Spark).")
    _add_connection_flags(parser)
    parser.add_argument("--query", "-e", required=True, help="the statement")
    return parser


def listing_parser(tool: str) -> argparse.ArgumentParser:
    what = "tables of the --connect database" if tool == "list-tables" else "databases the account can see"
    parser = _Parser(prog=tool, description=f"List the {what} (no Spark).")
    _add_connection_flags(parser)
    return parser


def parse_connection(parser: argparse.ArgumentParser, argv: list[str], rds: RdsSettings) -> tuple[Connection, str]:
    """The connection of an RDS-only tool (eval, list-tables, list-databases) and its query, if any."""
    args = parser.parse_args(argv)
    return _connection(args, rds), getattr(args, "query", "") or ""


def _connection(args: argparse.Namespace, rds: RdsSettings) -> Connection:
    if args.password is not None:
        raise SqoopError(
            "--password is refused: a password on the command line ends up in shell history, "
            "process lists and logs. Use --password-file FILE, --password-env VARIABLE, "
            "or set PA_MYSQL_SQOOP_PASSWORD."
        )
    if args.prompt_password:
        raise SqoopError("-P (password prompt) needs a terminal; use --password-file or --password-env.")
    if args.password_file and args.password_env:
        raise SqoopError("Use either --password-file or --password-env, not both.")
    if args.password_file:
        try:
            with open(args.password_file, encoding="utf-8") as handle:
                password = handle.readline().rstrip("\n")
        except OSError as error:
            raise SqoopError(f"--password-file {args.password_file}: cannot read it ({error.strerror}).") from None
    elif args.password_env:
        if args.password_env not in os.environ:
            raise SqoopError(f"--password-env {args.password_env}: that environment variable is not set.")
        password = os.environ[args.password_env]
    else:
        password = rds.login(RdsAccount.SQOOP)[1]
    return Connection(url=args.connect or rds.jdbc_url, username=args.username or rds.sqoop_user, password=password)


def _positive(value: int | None, flag: str, default: int) -> int:
    if value is None:
        return default
    if value < 1:
        raise SqoopError(f"{flag} must be at least 1 (got {value}).")
    return value


def parse_import(argv: list[str], settings: Settings) -> ImportOptions:
    """Parse and check ``import`` flags; raise :class:`SqoopError` with Sqoop's kind of message."""
    args = import_parser().parse_args(argv)
    file_format = _file_format(args.formats or [])
    text = _text_options(args)
    if file_format == "parquet":
        _warn_inapplicable(text)
    if args.direct:
        log.warning("--direct: rows are read over JDBC in parallel here (no mysqldump); the flag changes nothing.")
    if bool(args.table) == bool(args.query):
        raise SqoopError(
            "Cannot specify --query and --table together."
            if args.table
            else "Must specify --table or --query for import."
        )
    if args.query and "$CONDITIONS" not in args.query:
        raise SqoopError(f"Query [{args.query}] must contain '$CONDITIONS' in WHERE clause.")
    if args.query and args.where:
        raise SqoopError("--where applies to --table; put the condition in --query instead.")
    mappers = _positive(args.num_mappers, "--num-mappers", 4)
    if args.query and mappers > 1 and not args.split_by:
        raise SqoopError("When importing query results in parallel, you must specify --split-by.")
    if args.hive_import == bool(args.target_dir):
        raise SqoopError(
            "Choose one target: --hive-import or --target-dir."
            if args.hive_import
            else "Must specify --hive-import or --target-dir."
        )
    for flag in ("hive_table", "hive_overwrite", "create_hive_table"):
        if getattr(args, flag) and not args.hive_import:
            raise SqoopError(f"--{flag.replace('_', '-')} requires --hive-import.")
    if args.query and args.hive_import and not args.hive_table:
        raise SqoopError("A --query import into Hive needs --hive-table.")
    if args.delete_target_dir and not args.target_dir:
        raise SqoopError("--delete-target-dir requires --target-dir.")
    _check_incremental(args)
    return ImportOptions(
        connection=_connection(args, settings.rds),
        table=args.table,
        query=args.query,
        columns=_columns(args.columns),
        where=args.where,
        split_by=args.split_by,
        num_mappers=mappers,
        fetch_size=_positive(args.fetch_size, "--fetch-size", settings.sqoop.fetch_size),
        target_dir=args.target_dir,
        delete_target_dir=args.delete_target_dir,
        hive_import=args.hive_import,
        hive_table=_hive_table(args.hive_table or args.table, settings.names) if args.hive_import else None,
        hive_overwrite=args.hive_overwrite,
        create_hive_table=args.create_hive_table,
        incremental=args.incremental,
        check_column=args.check_column,
        last_value=args.last_value,
        merge_key=args.merge_key,
        append=args.append,
        file_format=file_format,
        text=text,
        compression_codec=_codec(args.compress, args.compression_codec),
        boundary_query=args.boundary_query,
        map_column_java=_mapping(args.map_column_java, "--map-column-java"),
        map_column_hive=_mapping(args.map_column_hive, "--map-column-hive"),
    )


def _file_format(formats: list[str]) -> str | None:
    """The one format asked for (text or parquet), None when none was; Avro and SequenceFile are refused."""
    if len(set(formats)) > 1:
        raise SqoopError("Choose one file format: " + " or ".join(sorted(set(formats))) + ".")
    if formats and formats[0].startswith("--"):
        raise SqoopError(f"{formats[0]} is not supported here: use --as-textfile (the default) or --as-parquetfile.")
    return formats[0] if formats else None


def _text_options(args: argparse.Namespace) -> TextOptions:
    """The text flags; --mysql-delimiters stands for its four, as in Sqoop."""
    mysql_style = (",", "\\n", "\\", "'") if args.mysql_delimiters else (None, None, None, None)
    return TextOptions(
        fields_terminated_by=args.fields_terminated_by or mysql_style[0],
        lines_terminated_by=args.lines_terminated_by or mysql_style[1],
        escaped_by=args.escaped_by or mysql_style[2],
        enclosed_by=args.enclosed_by,
        optionally_enclosed_by=args.optionally_enclosed_by or mysql_style[3],
        null_string=args.null_string,
        null_non_string=args.null_non_string,
    )


def _warn_inapplicable(text: TextOptions) -> None:
    """Sqoop accepts text flags with Parquet and ignores them; say so in one line instead of refusing."""
    ignored = [flag for flag in text.given() if flag != "--null-string"]
    if ignored:
        log.warning("%s: no meaning for Parquet (typed columns, typed NULLs); ignored.", ", ".join(ignored))


_CODECS = {
    "gzip": "gzip",
    "bzip2": "bzip2",
    "deflate": "deflate",
    "default": "deflate",
    "snappy": "snappy",
    "lz4": "lz4",
}


def _codec(compress: bool, codec: str | None) -> str | None:
    """Spark's name for the codec Sqoop's -z/--compression-codec names (short name or Hadoop class)."""
    if codec is None:
        return "gzip" if compress else None
    short = codec.rsplit(".", 1)[-1].lower().removesuffix("codec")
    if short not in _CODECS:
        raise SqoopError(f"--compression-codec {codec}: expected one of {', '.join(sorted(_CODECS))}.")
    return _CODECS[short]


def _mapping(text: str | None, flag: str) -> tuple[tuple[str, str], ...]:
    """COLUMN=Type pairs of --map-column-java/--map-column-hive."""
    pairs = []
    for part in _columns(text):
        column, _, kind = part.partition("=")
        if not column or not kind:
            raise SqoopError(f"{flag} {text}: expected COLUMN=Type[,COLUMN=Type...].")
        pairs.append((column.strip(), kind.strip()))
    return tuple(pairs)


def _check_incremental(args: argparse.Namespace) -> None:
    if not args.incremental:
        for flag in ("check_column", "last_value", "merge_key"):
            if getattr(args, flag):
                raise SqoopError(f"--{flag.replace('_', '-')} requires --incremental.")
        return
    if not args.check_column:
        raise SqoopError("For an incremental import, the check column must be specified with --check-column.")
    if args.last_value is not None and not _LAST_VALUE.match(args.last_value):
        raise SqoopError(f"--last-value {args.last_value!r}: expected a number or a 'YYYY-MM-DD hh:mm:ss' timestamp.")
    if args.hive_overwrite:
        raise SqoopError("--hive-overwrite replaces the table, which defeats --incremental; use one or the other.")
    if args.delete_target_dir:
        raise SqoopError("--delete-target-dir cannot be used with --incremental.")
    if args.incremental == "append" and (args.merge_key or args.append):
        raise SqoopError("--merge-key and --append belong to --incremental lastmodified.")
    if args.merge_key and args.append:
        raise SqoopError("--merge-key and --append are exclusive: update changed rows, or add them as new rows.")
    if args.merge_key and not args.hive_import:
        raise SqoopError("--merge-key needs --hive-import here (merging a plain --target-dir is not supported).")


def _hive_table(name: str, names: Names) -> str:
    return name if "." in name else f"{names.hive_database}.{name}"


def parse_export(argv: list[str], settings: Settings) -> ExportOptions:
    """Parse and check ``export`` flags."""
    args = export_parser().parse_args(argv)
    if not args.table:
        raise SqoopError("Export requires a --table argument.")
    if bool(args.export_dir) == bool(args.hive_table):
        raise SqoopError(
            "Choose one source: --export-dir or --hive-table."
            if args.export_dir
            else "Export requires an --export-dir or --hive-table argument."
        )
    if args.input_null_non_string is not None:
        raise SqoopError("--input-null-non-string has no meaning for Parquet: non-string columns keep typed NULLs.")
    update_key = _columns(args.update_key)
    if args.update_mode == "allowinsert" and not update_key:
        raise SqoopError("--update-mode allowinsert requires --update-key.")
    return ExportOptions(
        connection=_connection(args, settings.rds),
        table=args.table,
        export_dir=args.export_dir,
        hive_table=_hive_table(args.hive_table, settings.names) if args.hive_table else None,
        columns=_columns(args.columns),
        update_key=update_key,
        update_mode=args.update_mode,
        batch_size=_positive(args.batch_size, "--batch-size", settings.sqoop.batch_size),
        num_mappers=_positive(args.num_mappers, "--num-mappers", 4),
        input_null_string=args.input_null_string,
    )
