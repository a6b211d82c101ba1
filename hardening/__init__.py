"""How much the test suite and the parsers can be trusted: mutation testing (does a planted fault fail a test?)
and fuzzing (does hostile input ever crash a parser?)."""
