# See 0006: plant and supplier are now filled on every quantity and ASN line; the overview's indexes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0006_quantity_overview_columns'),
    ]

    operations = [
        migrations.AlterField(
            model_name='schedulequantity',
            name='plant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.plant'),
        ),
        migrations.AlterField(
            model_name='schedulequantity',
            name='supplier',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='suppliers.supplier'),
        ),
        migrations.AddIndex(
            model_name='schedulequantity',
            index=models.Index(condition=models.Q(('commitment', 'firm'), ('open', True)), fields=['date', 'plant'], include=('supplier', 'buyer_part'), name='open_firm_quantity'),
        ),
        migrations.AlterField(
            model_name='despatchline',
            name='plant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.plant'),
        ),
        migrations.AlterField(
            model_name='despatchline',
            name='supplier',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='suppliers.supplier'),
        ),
        migrations.AddIndex(
            model_name='despatchline',
            index=models.Index(fields=['arrives'], include=('buyer_part', 'supplier', 'plant'), name='despatch_line_arrives'),
        ),
    ]
