"""Drills: the pipeline run through what production will do to it (servers killed under load, Apache Sqoop 1.4.7
beside ``python -m sqoop``), each a pass-or-fail run of minutes, apart from the benchmarks' measurements."""
