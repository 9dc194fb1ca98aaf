"""Partition interchanges, deliveries and attempts by month on PostgreSQL (hub/partitions.py); nothing on SQLite.

Rewrites the three tables under an exclusive lock, keeping every row: on a large
database run it in a maintenance window (docs/deployment.md).
"""

from django.db import migrations


def forward(apps, schema_editor):
    from hub.partitions import tables_partition

    tables_partition(schema_editor, months_ahead=3)


def backward(apps, schema_editor):
    from hub.partitions import tables_unpartition

    tables_unpartition(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0015_retention_days_and_loose_foreign_keys"),
        ("orders", "0006_interchange_foreign_keys_without_constraint"),
        ("suppliers", "0012_retention_days"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
