"""An activity's deadline becomes a date: `due_on` with `due_precision` (day or month).

The old `due_month` meant a month of the plan's year: it becomes the last day of that month in
the plan's first year, with the precision month. The history is moved the same way.

When merged after 0004_activity_evaluated_months (branch sched-a), this migration's
dependency on 0003 is re-pointed to 0004.
"""

import calendar
import datetime

from django.conf import settings
from django.db import migrations, models


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_to_date(apps, schema_editor):
    """due_month m -> the last day of month m in the plan's first year, precision month."""
    Activity = apps.get_model("goals", "Activity")
    HistoricalActivity = apps.get_model("goals", "HistoricalActivity")
    Goal = apps.get_model("goals", "Goal")
    first_years = dict(Goal.objects.values_list("pk", "plan__start_year"))
    for model in (Activity, HistoricalActivity):
        changed = []
        for record in model.objects.filter(due_month__isnull=False).only(
            "pk", "goal_id", "due_month", "ongoing"
        ):
            if record.ongoing:
                continue
            year = first_years.get(record.goal_id)
            if year is None:  # a deleted goal's history: the year it was recorded in
                year = record.history_date.year
            record.due_on = _last_day(year, record.due_month)
            record.due_precision = "month"
            changed.append(record)
        key = "history_id" if model is HistoricalActivity else "pk"
        for record in changed:
            model.objects.filter(**{key: getattr(record, key)}).update(
                due_on=record.due_on, due_precision="month"
            )


def date_to_month(apps, schema_editor):
    """Back: the deadline's month (its day and year are lost)."""
    for name in ("Activity", "HistoricalActivity"):
        model = apps.get_model("goals", name)
        key = "history_id" if name == "HistoricalActivity" else "pk"
        for record in model.objects.filter(due_on__isnull=False).only(key, "due_on"):
            model.objects.filter(**{key: getattr(record, key)}).update(
                due_month=record.due_on.month
            )


PRECISION = models.CharField(
    choices=[("day", "Day"), ("month", "Month")],
    default="month",
    max_length=5,
    verbose_name="deadline precision",
)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0004_activity_evaluated_months"),
        ("planning", "0009_follow_up_schemes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="activity", name="activity_ongoing_or_month"),
        migrations.AddField(
            model_name="activity",
            name="due_on",
            field=models.DateField(blank=True, null=True, verbose_name="done by"),
        ),
        migrations.AddField(model_name="activity", name="due_precision", field=PRECISION),
        migrations.AddField(
            model_name="historicalactivity",
            name="due_on",
            field=models.DateField(blank=True, null=True, verbose_name="done by"),
        ),
        migrations.AddField(model_name="historicalactivity", name="due_precision", field=PRECISION),
        migrations.RunPython(month_to_date, date_to_month),
        migrations.RemoveField(model_name="activity", name="due_month"),
        migrations.RemoveField(model_name="historicalactivity", name="due_month"),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("due_on__isnull", True), ("ongoing", True)),
                    models.Q(("due_on__isnull", False), ("ongoing", False)),
                    _connector="OR",
                ),
                name="activity_ongoing_or_deadline",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_precision__in", ["day", "month"])),
                name="activity_deadline_precision",
            ),
        ),
    ]
