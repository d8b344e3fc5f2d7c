import indicators.links
import indicators.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """The old link columns go (their values are in `open_data` since 0006); a value's origin
    and a sync's source take their choices from the registry of open-data sources
    (`indicators.links`), so a new source needs no migration and no constraint names them."""

    dependencies = [
        ('indicators', '0006_open_data_links'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='syncrun',
            name='sync_run_source_valid',
        ),
        migrations.RemoveField(
            model_name='historicalindicator',
            name='kolada_kpi',
        ),
        migrations.RemoveField(
            model_name='historicalindicator',
            name='ssb_selection',
        ),
        migrations.RemoveField(
            model_name='historicalindicator',
            name='ssb_table',
        ),
        migrations.RemoveField(
            model_name='indicator',
            name='kolada_kpi',
        ),
        migrations.RemoveField(
            model_name='indicator',
            name='ssb_selection',
        ),
        migrations.RemoveField(
            model_name='indicator',
            name='ssb_table',
        ),
        migrations.AlterField(
            model_name='historicalmeasurement',
            name='origin',
            field=models.CharField(choices=indicators.models.origin_choices, default='manual', max_length=10, verbose_name='origin'),
        ),
        migrations.AlterField(
            model_name='measurement',
            name='origin',
            field=models.CharField(choices=indicators.models.origin_choices, default='manual', max_length=10, verbose_name='origin'),
        ),
        migrations.AlterField(
            model_name='syncrun',
            name='source',
            field=models.CharField(choices=indicators.links.source_choices, max_length=10, verbose_name='source'),
        ),
    ]
