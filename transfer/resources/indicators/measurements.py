"""The resource of the measured values' sheet ("Mätvärden")."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from indicators.models import Gender, Indicator, Measurement, Origin, Result
from transfer.resources import vocabulary as words
from transfer.resources.base import PlanResource, RowNote
from transfer.resources.indicators.bands import _is_number
from transfer.resources.indicators.wording import RESULT_WORDS
from transfer.resources.records import PeriodRecordResource
from transfer.resources.widgets import (
    ChoiceWidget,
    GoalChildWidget,
    PeriodWidget,
    TextWidget,
    UnitWidget,
    cell_text,
    parse_decimal,
    plain_number,
)


def _measured_yearly(resource: "MeasurementResource"):
    """Whether a row's indicator is measured once a year or less often: then a bare year
    ("2025") names the year's last period."""

    def allowed(row: dict) -> bool:
        indicator = resource.item_of(row)
        return indicator is not None and indicator.frequency in YEARLY

    return allowed


YEARLY = frozenset(
    {
        Indicator.Frequency.YEARLY,
        Indicator.Frequency.EVERY_SECOND_YEAR,
        Indicator.Frequency.EVERY_THIRD_YEAR,
    }
)
# "14 dagar", "4,3 %", "12 500 kr/inv": a number and the unit written after it.
VALUE_WITH_UNIT = re.compile(r"^(?P<number>[+\-−]?[\d\s\u00a0\u202f.,]*\d)\s*(?P<unit>\D.*)$")


class MeasurementResource(PeriodRecordResource):
    """Sheet "Mätvärden": matched by indicator (goal number, name), period, unit and gender.

    A value may carry its unit as people write it ("14 dagar", "4,3 %", "12 500"): it is read
    when the unit is the indicator's, and refused, saying which, when it is not. An indicator
    followed up in words takes its result ("Delvis uppfyllt", "Se bilaga") in the result
    column, or in the value's.
    """

    kind = words.MEASUREMENTS
    item = "indicator"
    stamp_fields = ("entered_by", "entered_at")
    key_columns = ("goal_number", "indicator", "period", "unit", "gender")
    required_columns = ("goal_number", "indicator", "period", "value")
    untracked_fields = frozenset(
        {"id", "version", "origin", "fetched_at", "entered_by", "entered_at"}
    )
    found_by_lookups = frozenset({"indicator", "period", "unit", "entered_by"})

    indicator = Field(
        attribute="indicator",
        column_name="indicator",
        widget=GoalChildWidget(
            "indicators",
            gettext_lazy(
                "Goal %(number)s has no indicator “%(name)s”. Write the indicator's name "
                "exactly as on the sheet %(sheet)s."
            ),
        ),
    )
    unit = Field(attribute="unit", column_name="unit", widget=UnitWidget())
    gender = Field(
        attribute="gender",
        column_name="gender",
        widget=ChoiceWidget(Gender, default=Gender.TOTAL),
    )
    value = Field(column_name="value", dehydrate_method="dehydrate_value")
    result = Field(column_name="result", dehydrate_method="dehydrate_result")
    comment = Field(attribute="comment", column_name="comment", widget=TextWidget())
    source = Field(attribute="source", column_name="source", widget=TextWidget())

    class Meta(PlanResource.Meta):
        model = Measurement
        fields = export_order = import_order = (
            "goal_number",
            "indicator",
            "period",
            "unit",
            "gender",
            "value",
            "result",
            "comment",
            "source",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # A bare year is a period only for an indicator measured once a year or less often.
        self.fields["period"] = Field(
            attribute="period",
            column_name="period",
            widget=PeriodWidget(allow_year=_measured_yearly(self)),
        )
        self.fields["period"].widget.bind(self)
        self.result_widget = ChoiceWidget(Result, default="", aliases=RESULT_WORDS)
        self.result_widget.bind(self)
        # The rows whose result is written in the value's column: its problems are that cell's.
        self.results_in_value: set[int] = set()

    def get_queryset(self) -> QuerySet[Measurement]:
        return (
            Measurement.objects.filter(indicator__goal__plan=self.plan)
            .select_related("indicator__goal", "period", "unit")
            .order_by(
                "indicator__goal__number",
                "indicator__position",
                "indicator__pk",
                "period__starts_on",
                "period__pk",
                F("unit__name").asc(nulls_first=True),
                "unit__pk",
                "-gender",
            )
        )

    def dehydrate_value(self, measurement: Measurement) -> Decimal | int | str:
        value = plain_number(measurement.value)
        return "" if value is None else value

    def dehydrate_result(self, measurement: Measurement) -> str:
        if not measurement.result:
            return ""
        return words.choice_label(Result, measurement.result, self.language)

    def import_columns(self, instance: Measurement, row: dict, note: RowNote) -> None:
        """The value (a number, with its unit written or not, or a result in words) and the
        result, checked against the row's indicator."""
        errors: dict[str, list[str]] = {}
        indicator = self.item_of(row)
        written = cell_text(row.get("value"))
        result = ""
        if cell_text(row.get("result")):
            try:
                result = self.result_widget.clean(row["result"])
            except ValueError as error:
                errors["result"] = [str(error)]
        value = None
        if written:
            said = self.result_widget.aliases.get(words.normalised(written)) or words.choice_words(
                Result
            ).get(words.normalised(written))
            if said is not None and not _is_number(written):
                if result and result != said:
                    errors.setdefault("value", []).append(
                        _("The value says “%(value)s”, the result column “%(result)s”.")
                        % {"value": written, "result": cell_text(row.get("result"))}
                    )
                result = said
                self.results_in_value.add(self._current_row)
            else:
                try:
                    value = self._value(written, indicator)
                except ValueError as error:
                    errors.setdefault("value", []).append(str(error))
        instance.value, instance.result = value, result
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance: Measurement, is_create: bool, row: dict, **kwargs) -> None:
        """Saved through the model's checks; what they say of a result written in the value's
        column is said of that column, the cell the person wrote."""
        try:
            super().save_instance(instance, is_create, row, **kwargs)
        except ValidationError as error:
            moved = self._current_row in self.results_in_value and "result" in getattr(
                error, "error_dict", {}
            )
            if moved:
                error.error_dict.setdefault("value", []).extend(error.error_dict.pop("result"))
            raise

    def _value(self, written: str, indicator: Indicator | None) -> Decimal | None:
        """A number as written, with the indicator's unit after it or none."""
        try:
            number = parse_decimal(written.removesuffix("%").strip())
            unit = "%" if written.strip().endswith("%") else ""
        except ValueError:
            match = VALUE_WITH_UNIT.match(written.strip())
            if match is None:
                raise
            number, unit = parse_decimal(match["number"]), match["unit"]
        if not unit or indicator is None:
            return number
        allowed = words.unit_words(indicator.unit, indicator.unit_label)
        if words.normalised(unit) not in allowed:
            raise ValueError(
                _(
                    "“%(value)s” is written in “%(unit)s”, and %(indicator)s is measured in "
                    "%(measured)s: write the value in %(measured)s, or without a unit."
                )
                % {
                    "value": written,
                    "unit": unit.strip(),
                    "indicator": indicator.name,
                    "measured": indicator.unit_text,
                }
            )
        return number

    def find_instance(self, row: dict) -> Measurement | None:
        indicator, key = self.item_of(row), self.cleaned(row, "period", "unit", "gender")
        if indicator is None or key is None:
            return None
        period, unit, gender = key
        unit_id = None if unit is None else unit.pk
        return self.lookups.measurements.get((indicator.pk, period.pk, unit_id, gender))

    def natural_key(self, instance: Measurement) -> tuple:
        return (instance.indicator.pk, instance.period.pk, instance.unit_id, instance.gender)

    def before_save(self, instance: Measurement, is_create: bool) -> None:
        super().before_save(instance, is_create)
        instance.origin = Origin.IMPORT

    def register(self, instance: Measurement) -> None:
        key = (instance.indicator_id, instance.period_id, instance.unit_id, instance.gender)
        self.lookups.measurements[key] = instance

    def unregister(self, instance: Measurement) -> None:
        key = (instance.indicator_id, instance.period_id, instance.unit_id, instance.gender)
        if self.lookups.measurements.get(key) is instance:
            del self.lookups.measurements[key]
