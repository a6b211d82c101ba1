"""Render the config file formats the Apache servers read."""

from __future__ import annotations

from xml.sax.saxutils import escape


def hadoop_xml(properties: dict[str, object]) -> str:
    """A Hadoop-style ``*-site.xml`` (core, hdfs, hbase, hive)."""
    rows = "\n".join(
        f"  <property><name>{escape(name)}</name><value>{escape(str(value))}</value></property>"
        for name, value in properties.items()
    )
    return f'<?xml version="1.0"?>\n<configuration>\n{rows}\n</configuration>\n'


def java_properties(properties: dict[str, object]) -> str:
    """A ``key=value`` properties file (Kafka's server.properties)."""
    return "".join(f"{name}={value}\n" for name, value in properties.items())


LOG4J2_PROPERTIES = """\
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p [%t] %c{1}: %m%n
rootLogger = INFO,console
"""

LOG4J1_PROPERTIES = """\
log4j.rootLogger=INFO,console
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{1}: %m%n
"""
