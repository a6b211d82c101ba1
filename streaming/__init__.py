"""The Spark Structured Streaming job: Kafka → Hive on HDFS, threshold alerts → Hive and doctors-queue."""
