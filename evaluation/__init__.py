"""The Spark evaluation of readings against the threshold rules and NEWS2: one package, so the streaming queries
and the batch re-check (and the benchmarks) judge a reading with the same expressions."""
