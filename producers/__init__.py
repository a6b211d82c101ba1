"""RDS → Kafka: the RDS schema, a device simulator, the resumable producer and ops replay."""
