# The portal's reads at group size (issue #12, bench/portal_pages.py): a supplier's call-offs by
# status and newest first, a call-off's versions (same supplier and plant), the part filter by supplier part.
# Numbered 0007: the overview's 0006 is merged beside it (a merge migration joins them).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deliveryschedule",
            index=models.Index(fields=["supplier", "status", "-created_at"], name="call_off_supplier_status"),
        ),
        migrations.AddIndex(
            model_name="deliveryschedule",
            index=models.Index(fields=["supplier", "plant", "-issued"], name="call_off_supplier_plant"),
        ),
        migrations.AddIndex(
            model_name="scheduleline",
            index=models.Index(fields=["supplier_part"], name="schedule_line_supplier_part"),
        ),
    ]
