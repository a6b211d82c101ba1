"""The producer's durable position in the readings table, stored in RDS beside the data."""

from __future__ import annotations

from clients import mysql
from settings import RdsAccount, RdsSettings


def read(rds: RdsSettings, producer_name: str) -> int:
    """The last id whose batch Kafka acknowledged (0 when the producer never ran)."""
    connection = mysql.connect(rds, RdsAccount.PRODUCER)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT last_id FROM producer_watermarks WHERE producer_name = %s", (producer_name,))
        row = cursor.fetchone()
        return int(row[0]) if row else 0
    finally:
        connection.close()


def advance(rds: RdsSettings, producer_name: str, source_table: str, last_id: int) -> None:
    connection = mysql.connect(rds, RdsAccount.PRODUCER, autocommit=True)
    try:
        connection.cursor().execute(
            "INSERT INTO producer_watermarks (producer_name, source_table, last_id) VALUES (%s, %s, %s) "
            "ON DUPLICATE KEY UPDATE last_id = GREATEST(last_id, VALUES(last_id)), source_table = VALUES(source_table)",
            (producer_name, source_table, last_id),
        )
    finally:
        connection.close()
