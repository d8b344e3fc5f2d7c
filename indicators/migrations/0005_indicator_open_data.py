from django.db import migrations, models


class Migration(migrations.Migration):
    """An indicator's links to open data in one JSON field; 0006 moves the old columns' values
    in, 0007 drops the columns."""

    dependencies = [
        ('indicators', '0004_reference_values_and_sync_runs'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalindicator',
            name='open_data',
            field=models.JSONField(blank=True, default=dict, help_text="Links to open-data sources, by source, e.g. Kolada's KPI.", verbose_name='open data'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='open_data',
            field=models.JSONField(blank=True, default=dict, help_text="Links to open-data sources, by source, e.g. Kolada's KPI.", verbose_name='open data'),
        ),
    ]
