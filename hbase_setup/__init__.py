"""The age-banded alert thresholds in HBase (table threshold_ref) and the repository that reads them."""
