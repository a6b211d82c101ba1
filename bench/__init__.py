"""``make bench``: throughput and latency measurements, printed, never asserted in tests."""
