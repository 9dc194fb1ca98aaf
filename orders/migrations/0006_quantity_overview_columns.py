# Each quantity keeps its call-off's plant and supplier, its line's buyer part and whether
# the line is still in force ("open"), and each ASN line its ASN's supplier, plant and date
# of arrival (else shipping), so the live overview counts firm quantities per plant and
# matches their ASNs from two indexes (hub/overview.py, bench/overview.py). Existing rows
# are filled here; 0007 then makes plant and supplier required and adds the indexes (a
# separate migration: on PostgreSQL the new foreign keys' deferred checks must fire before
# the tables are altered again).

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE orders_schedulequantity
SET plant_id = s.plant_id,
    supplier_id = s.supplier_id,
    buyer_part = l.buyer_part,
    "open" = (l.superseded_by_id IS NULL AND s.status = 'current')
FROM orders_scheduleline l JOIN orders_deliveryschedule s ON s.id = l.schedule_id
WHERE l.id = orders_schedulequantity.line_id
"""

FILL_DESPATCH_LINES = """
UPDATE orders_despatchline
SET plant_id = a.plant_id,
    supplier_id = a.supplier_id,
    arrives = COALESCE(a.arrival_date, a.ship_date)
FROM orders_despatchadvice a
WHERE a.id = orders_despatchline.despatch_advice_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('hub', '0001_initial'),
        ('suppliers', '0001_initial'),
        ('orders', '0005_search_trigram_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='schedulequantity',
            name='firm_quantity_date_line',
        ),
        migrations.AddField(
            model_name='schedulequantity',
            name='plant',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.plant'),
        ),
        migrations.AddField(
            model_name='schedulequantity',
            name='supplier',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='suppliers.supplier'),
        ),
        migrations.AddField(
            model_name='schedulequantity',
            name='buyer_part',
            field=models.CharField(default='', max_length=80, verbose_name='buyer part'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='schedulequantity',
            name='open',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='despatchline',
            name='plant',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.plant'),
        ),
        migrations.AddField(
            model_name='despatchline',
            name='supplier',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='suppliers.supplier'),
        ),
        migrations.AddField(
            model_name='despatchline',
            name='arrives',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_DESPATCH_LINES, migrations.RunSQL.noop),
    ]
