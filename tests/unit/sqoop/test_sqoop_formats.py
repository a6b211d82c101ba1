"""Sqoop's file formats and the rest of its common import surface: users' command lines run unchanged."""

from __future__ import annotations

import logging

import pytest

from sqoop.__main__ import main as sqoop_main
from sqoop.options import SqoopError, parse_import
from sqoop.text_format import HIVE_FIELD_DELIMITER, delimiter, text_format, unescape
from tests.sqoop_fixtures import capstone


@pytest.mark.parametrize(
    "typed, meant",
    [("\\t", "\t"), ("\\001", "\x01"), ("\\0x01", "\x01"), ("|", "|"), ("\\\\", "\\"), ("\\n", "\n")],
)
def test_delimiters_take_sqoops_escapes(typed, meant):
    assert delimiter(typed, "--fields-terminated-by", ",") == meant


def test_a_null_string_is_unescaped_once_as_sqoops_generated_java_does():
    # the shell's '\\N' reaches Sqoop as \\N, which its generated Java source turns into \N (Hive's NULL)
    assert unescape("\\\\N", "--null-string") == "\\N"
    with pytest.raises(SqoopError, match="a delimiter is one character"):
        delimiter("ab", "--fields-terminated-by", ",")


def test_the_capstone_command_line_parses_as_text_with_hives_null(settings):
    options = parse_import(capstone("patients_information", "/user/x/patients-contact-info"), settings)
    text = text_format(options.text, options.hive_import)
    assert options.file_format is None  # text, Sqoop's default, unless an existing Hive table says otherwise
    assert (text.fields, text.lines, text.null_string, text.null_non_string) == (",", "\n", "\\N", "\\N")
    hive = parse_import(["--table", "t", "--hive-import"], settings)
    assert text_format(hive.text, hive.hive_import).fields == HIVE_FIELD_DELIMITER


def test_text_flags_with_parquet_are_a_one_line_warning_not_a_refusal(settings, caplog):
    with caplog.at_level(logging.WARNING, logger="sqoop.options"):
        options = parse_import(
            ["--table", "t", "--hive-import", "--as-parquetfile", "--null-non-string", "\\\\N", "--direct"], settings
        )
    assert options.file_format == "parquet"
    warnings = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("--null-non-string: no meaning for Parquet") for message in warnings)
    assert any(message.startswith("--direct:") for message in warnings)
    assert all("\n" not in message for message in warnings)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--as-avrodatafile"], "--as-avrodatafile is not supported here"),
        (["--as-textfile", "--as-parquetfile"], "Choose one file format"),
        (["--enclosed-by", '"', "--optionally-enclosed-by", "'"], "either --enclosed-by or --optionally-enclosed-by"),
        (["--compression-codec", "zstd-ish"], "--compression-codec zstd-ish: expected one of"),
        (["--map-column-java", "age"], "expected COLUMN=Type"),
    ],
)
def test_format_flags_that_cannot_work_are_refused_with_what_to_do(settings, argv, message):
    with pytest.raises(SqoopError, match=message):
        options = parse_import(["--table", "t", "--target-dir", "/x", *argv], settings)
        text_format(options.text, options.hive_import)


@pytest.mark.parametrize(
    "argv, codec",
    [(["-z"], "gzip"), (["--compression-codec", "org.apache.hadoop.io.compress.SnappyCodec"], "snappy"), ([], None)],
)
def test_compression_flags_name_spark_codecs(settings, argv, codec):
    assert parse_import(["--table", "t", "--target-dir", "/x", *argv], settings).compression_codec == codec


def test_each_tool_has_its_own_help(capsys):
    for tool in ("import", "export", "eval", "list-tables"):
        with pytest.raises(SystemExit) as ended:
            sqoop_main([tool, "--help"])
        assert ended.value.code == 0
        assert f"usage: {tool}" in capsys.readouterr().out
