"""Move the links to Kolada and SSB from their three columns into `open_data`, and back.

Forward: kolada_kpi -> {"kolada": {"kpi": ...}}, ssb_table and ssb_selection -> {"ssb": {"table":
..., "selection": ...}}, for indicators and their history. Backward: the same the other way;
links to any other source have no column to go back to and are dropped.
"""

from django.db import migrations

BATCH = 500
MODELS = ("Indicator", "HistoricalIndicator")


def _rows(apps, schema_editor, name):
    model = apps.get_model("indicators", name)
    return model, model.objects.using(schema_editor.connection.alias).order_by("pk")


def links_in(apps, schema_editor):
    for name in MODELS:
        model, rows = _rows(apps, schema_editor, name)
        changed = []
        for row in rows.iterator(chunk_size=BATCH):
            open_data = {}
            if row.kolada_kpi:
                open_data["kolada"] = {"kpi": row.kolada_kpi}
            ssb = {}
            if row.ssb_table:
                ssb["table"] = row.ssb_table
            if row.ssb_selection not in (None, {}, [], ""):
                ssb["selection"] = row.ssb_selection
            if ssb:
                open_data["ssb"] = ssb
            if open_data:
                row.open_data = open_data
                changed.append(row)
        model.objects.using(schema_editor.connection.alias).bulk_update(
            changed, ["open_data"], batch_size=BATCH
        )


def links_out(apps, schema_editor):
    for name in MODELS:
        model, rows = _rows(apps, schema_editor, name)
        changed = []
        for row in rows.iterator(chunk_size=BATCH):
            open_data = row.open_data if isinstance(row.open_data, dict) else {}
            kolada = open_data.get("kolada") if isinstance(open_data.get("kolada"), dict) else {}
            ssb = open_data.get("ssb") if isinstance(open_data.get("ssb"), dict) else {}
            row.kolada_kpi = str(kolada.get("kpi") or "")[:20]
            row.ssb_table = str(ssb.get("table") or "")[:20]
            selection = ssb.get("selection")
            row.ssb_selection = {} if selection is None else selection
            if row.kolada_kpi or row.ssb_table or row.ssb_selection:
                changed.append(row)
        model.objects.using(schema_editor.connection.alias).bulk_update(
            changed, ["kolada_kpi", "ssb_table", "ssb_selection"], batch_size=BATCH
        )


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0005_indicator_open_data'),
    ]

    operations = [
        migrations.RunPython(links_in, links_out, elidable=False),
    ]
