"""What the sheets of reported records share: activity statuses and measured values are each
a record of a goal's item (an activity, an indicator) in a follow-up period, matched by the
goal's number, the item's name and the period, and stamped with who imported it and when."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export.fields import Field

from transfer.resources.base import PlanResource
from transfer.resources.widgets import PeriodWidget, WholeNumberWidget


class PeriodRecordResource(PlanResource):
    """A sheet of records per goal item and period. Subclasses name `item` (the record's
    field that points at the activity or indicator, also its column), declare that field with
    a `GoalChildWidget`, and say which of the row's other columns belong to the key."""

    item: str  # "activity" or "indicator"
    stamp_fields: tuple[str, str]  # who recorded it, when
    # New records are inserted in batches (nothing in an import refers to a record).
    batched = True

    goal_number = Field(
        attribute="_goal_number",
        column_name="goal_number",
        widget=WholeNumberWidget(required=True),
        dehydrate_method="dehydrate_goal_number",
    )
    period = Field(attribute="period", column_name="period", widget=PeriodWidget())

    def dehydrate_goal_number(self, record) -> int:
        return getattr(record, self.item).goal.number

    def item_of(self, row: dict):
        """The activity or indicator the row is about, or None if the file names none."""
        return self.fields[self.item].widget.find(row)

    def cleaned(self, row: dict, *columns: str) -> tuple | None:
        """The row's key columns read by their widgets, or None when one cannot be read
        (its own column then says what is wrong)."""
        try:
            return tuple(self.fields[column].widget.clean(row.get(column)) for column in columns)
        except ValueError:
            return None

    def save_instance(self, instance, is_create: bool, row: dict, **kwargs) -> None:
        """Written only in a period open for reporting whose report is not published, as
        on the reporting page; rows left as they are pass whatever their period."""
        refusal = self.lookups.period_refusal(instance.period)
        if refusal is not None:
            raise ValidationError({"period": [refusal]})
        super().save_instance(instance, is_create, row, **kwargs)

    def before_save(self, instance, is_create: bool) -> None:
        who, when = self.stamp_fields
        setattr(
            instance, who, self.actor if getattr(self.actor, "is_authenticated", False) else None
        )
        setattr(instance, when, timezone.now())
