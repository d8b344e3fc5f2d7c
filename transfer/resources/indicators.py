"""Resources for a plan's indicators (with target and bands) and measured values."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from goals.models import Scope
from indicators.colour import Bands, Colour
from indicators.links import CODES, LinkField, LinkSource, link_fields
from indicators.models import Gender, Indicator, Measurement, Origin
from indicators.targets import Target
from indicators.thresholds import FindingCode, ThresholdReading, thresholds_read
from transfer.resources import vocabulary as words
from transfer.resources.base import PlanResource, RowNote
from transfer.resources.records import PeriodRecordResource
from transfer.resources.widgets import (
    ChoiceWidget,
    GoalChildWidget,
    GoalWidget,
    JSONWidget,
    NumberWidget,
    TextWidget,
    UnitWidget,
    WholeNumberWidget,
    cell_text,
    goal_number_in,
    parse_decimal,
    plain_number,
)

BAND_COLUMNS = {Colour.RED: "red", Colour.YELLOW: "yellow", Colour.GREEN: "green"}
BANDS = "bands"  # the three band columns, read together
TARGET_FINDINGS = frozenset({FindingCode.TARGET_CONTRADICTS, FindingCode.TARGET_WITHOUT_NUMBER})
# Findings that only describe how Styrkort's own band texts ("70–80" next to "≥ 80") meet.
CANONICAL_FINDINGS = frozenset({FindingCode.OVERLAP, FindingCode.HOLE})
BANDS_LANGUAGE = "sv"  # bands are written as a Swedish user writes them, whatever the language


def band_texts(indicator: Indicator) -> dict[str, str]:
    """The indicator's bands as written in a file: {"red": "< 70", "yellow": "70–80", ...}."""
    if indicator.green_bound is None:
        return {}
    with translation.override(BANDS_LANGUAGE):
        texts = indicator.band_texts()
    return {column: texts.get(colour, "") for colour, column in BAND_COLUMNS.items()}


def _compact(text: str) -> str:
    return "".join(text.split()).replace("–", "-")


class IndicatorResource(PlanResource):
    """Sheet "Indikatorer": matched by goal number and indicator name.

    The bands are three texts read by `indicators.thresholds` (so "<70", "71-79", "≥80" from a
    document work as well as Styrkort's own "< 70", "70–80", "≥ 80"); what the reading found
    odd is shown in the preview.
    """

    structure = True
    kind = words.INDICATORS
    key_columns = ("goal_number", "indicator")
    required_columns = ("goal_number", "indicator", "red", "yellow", "green")
    field_columns = {
        "goal": "goal_number",
        BANDS: BANDS,
        **dict.fromkeys(Target.BAND_FIELDS, BANDS),
        "target_value": "target_value",
    }

    goal = Field(attribute="goal", column_name="goal_number", widget=GoalWidget())
    subgoal = Field(attribute="subgoal", column_name="subgoal", widget=TextWidget())
    name = Field(attribute="name", column_name="indicator", widget=TextWidget())
    definition = Field(attribute="definition", column_name="definition", widget=TextWidget())
    scope = Field(
        attribute="scope",
        column_name="scope",
        widget=ChoiceWidget(Scope, default=Scope.OPERATION_SPECIFIC),
    )
    unit = Field(
        attribute="unit",
        column_name="measure_unit",
        widget=ChoiceWidget(Indicator.MeasureUnit, default=Indicator.MeasureUnit.NUMBER),
    )
    unit_label = Field(attribute="unit_label", column_name="unit_label", widget=TextWidget())
    decimals = Field(
        attribute="decimals", column_name="decimals", widget=WholeNumberWidget(default=0)
    )
    source = Field(attribute="source", column_name="source", widget=TextWidget())
    frequency = Field(
        attribute="frequency",
        column_name="frequency",
        widget=ChoiceWidget(Indicator.Frequency, default=Indicator.Frequency.EVERY_PERIOD),
    )
    scale_max = Field(attribute="scale_max", column_name="scale_max", widget=NumberWidget())
    target_value = Field(column_name="target_value", dehydrate_method="dehydrate_target_value")
    target_text = Field(attribute="target_text", column_name="target_text", widget=TextWidget())
    red = Field(column_name="red", dehydrate_method="dehydrate_red")
    yellow = Field(column_name="yellow", dehydrate_method="dehydrate_yellow")
    green = Field(column_name="green", dehydrate_method="dehydrate_green")
    # After these: a column per open-data link field ("kolada_kpi"...), see `LinkColumn`.

    class Meta(PlanResource.Meta):
        model = Indicator
        fields = export_order = import_order = (
            "goal",
            "subgoal",
            "name",
            "definition",
            "scope",
            "unit",
            "unit_label",
            "decimals",
            "source",
            "frequency",
            "scale_max",
            "target_value",
            "target_text",
            "red",
            "yellow",
            "green",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for key, source, link_field in link_fields():
            self.fields[key] = LinkColumn(source, link_field)

    @classmethod
    def column_keys(cls) -> list[str]:
        return [*super().column_keys(), *(key for key, _source, _field in link_fields())]

    def _tracked(self, instance: Indicator) -> dict[str, object]:
        """The links by column, so that a changed link is noted in its own column."""
        tracked = super()._tracked(instance)
        open_data = tracked.pop("open_data", None)
        for key, source, link_field in link_fields():
            tracked[key] = source.links(open_data).get(link_field.name)
        return tracked

    def get_queryset(self) -> QuerySet[Indicator]:
        return (
            Indicator.objects.filter(goal__plan=self.plan)
            .select_related("goal")
            .order_by("goal__number", "position", "pk")
        )

    def dehydrate_target_value(self, indicator: Indicator) -> Decimal | int | str:
        value = plain_number(indicator.target_value)
        return "" if value is None else value

    def dehydrate_red(self, indicator: Indicator) -> str:
        return band_texts(indicator).get("red", "")

    def dehydrate_yellow(self, indicator: Indicator) -> str:
        return band_texts(indicator).get("yellow", "")

    def dehydrate_green(self, indicator: Indicator) -> str:
        return band_texts(indicator).get("green", "")

    def render_column(self, key: str, instance: Indicator) -> object:
        if key == BANDS:
            return " / ".join(filter(None, band_texts(instance).values()))
        return super().render_column(key, instance)

    def find_instance(self, row: dict) -> Indicator | None:
        return self.lookups.indicators.get((goal_number_in(row), cell_text(row.get("indicator"))))

    def natural_key(self, instance: Indicator) -> tuple:
        return (instance.goal.number, instance.name)

    # --- target and bands -------------------------------------------------------------------------

    def import_columns(self, instance: Indicator, row: dict, note: RowNote) -> None:
        bands_given = any(column in row for column in BAND_COLUMNS.values())
        target_given = "target_value" in row
        if not (bands_given or target_given):
            return
        texts = band_texts(instance)
        texts.update({c: cell_text(row[c]) for c in BAND_COLUMNS.values() if c in row})
        target_written, target_number = self._target(row, instance, target_given)
        reading = thresholds_read(
            red=texts.get("red", ""),
            yellow=texts.get("yellow", ""),
            green=texts.get("green", ""),
            target=target_written,
        )
        if reading.errors:
            raise ValidationError(self._finding_errors(reading))
        self._set_bands(instance, reading.bands)
        if target_given:
            instance.target_value = target_number if target_number is not None else reading.target
            if target_number is None and target_written and not instance.target_text:
                instance.target_text = target_written
        if reading.scale_max is not None and instance.scale_max is None:
            instance.scale_max = reading.scale_max
        note.notices.extend(self._notices(reading, texts, instance))

    @staticmethod
    def _target(row: dict, instance: Indicator, given: bool) -> tuple[str, Decimal | None]:
        """The target as text for the reader, and as a number if the cell holds one."""
        if not given:
            current = instance.target_value
            return ("" if current is None else format(current, "f")), current
        try:
            number = parse_decimal(row["target_value"])
        except ValueError:
            return cell_text(row["target_value"]), None
        return ("" if number is None else format(number, "f")), number

    @staticmethod
    def _set_bands(instance: Indicator, bands: Bands) -> None:
        values = Target.from_bands(bands).as_fields()
        for name in Target.BAND_FIELDS:
            setattr(instance, name, values[name])

    @staticmethod
    def _finding_errors(reading: ThresholdReading) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for finding in reading.errors:
            column = "target_value" if finding.code in TARGET_FINDINGS else BANDS
            errors.setdefault(column, []).append(f"{finding.message} {finding.resolution}")
        return errors

    @staticmethod
    def _notices(reading: ThresholdReading, texts: dict, instance: Indicator) -> list[str]:
        """What the reading resolved by itself, except how Styrkort's own texts meet."""
        written = {column: _compact(text) for column, text in texts.items()}
        canonical = written == {c: _compact(t) for c, t in band_texts(instance).items()}
        return [
            f"{finding.message} {finding.resolution}"
            for finding in reading.findings
            if not (canonical and finding.code in CANONICAL_FINDINGS)
        ]

    def before_save(self, instance: Indicator, is_create: bool) -> None:
        if is_create:
            instance.position = self.lookups.next_position("indicators", instance.goal)

    def register(self, instance: Indicator) -> None:
        self.lookups.indicators[instance.goal.number, instance.name] = instance


# --- Links to open data --------------------------------------------------------------------------


class LinkColumn(Field):
    """The column of an open-data link field (`indicators.links`), e.g. "Kolada KPI": read
    from and written into the indicator's `open_data`. An SSB selection is written as JSON
    and read as JSON or as typed in the form (`Var=a,b; Other=c`)."""

    def __init__(self, source: LinkSource, link_field: LinkField) -> None:
        self.source, self.link_field = source, link_field
        key = source.key(link_field)
        widget = JSONWidget() if link_field.kind == CODES else TextWidget()
        super().__init__(attribute=key, column_name=key, widget=widget)

    def get_value(self, instance: Indicator) -> object:
        return self.source.links(instance.open_data).get(self.link_field.name)

    def clean(self, row: dict, **kwargs) -> object:
        try:
            return self.link_field.clean(
                self.link_field.from_text(cell_text(row[self.column_name]))
            )
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error

    def save(self, instance: Indicator, row: dict, is_m2m: bool = False, **kwargs) -> None:
        value = self.clean(row, **kwargs)
        open_data = dict(instance.open_data or {})
        links = dict(self.source.links(open_data))
        if value is None:
            links.pop(self.link_field.name, None)
        else:
            links[self.link_field.name] = value
        if links:
            open_data[self.source.name] = links
        else:
            open_data.pop(self.source.name, None)
        instance.open_data = open_data


# --- Measurements ---------------------------------------------------------------------------------


class MeasurementResource(PeriodRecordResource):
    """Sheet "Mätvärden": matched by indicator (goal number, name), period, unit and gender."""

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
    value = Field(attribute="value", column_name="value", widget=NumberWidget())
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
            "comment",
            "source",
        )

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
