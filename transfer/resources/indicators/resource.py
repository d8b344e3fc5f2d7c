"""The resource of the indicator sheet ("Indikatorer")."""

from decimal import Decimal

from django.db.models import QuerySet
from import_export.fields import Field

from goals.models import Scope
from indicators.links import link_fields
from indicators.models import Indicator
from indicators.targets import BAND_ONLY, DirectionChoice, KindChoice, ReferenceKind
from transfer.resources import vocabulary as words
from transfer.resources.base import PlanResource
from transfer.resources.goals import save_new_sub_goal
from transfer.resources.indicators.bands import BANDS, band_texts
from transfer.resources.indicators.links import LinkColumn
from transfer.resources.indicators.targets import IndicatorTargets
from transfer.resources.indicators.wording import (
    DIRECTION_WORDS,
    FREQUENCY_WORDS,
    REFERENCE_WORDS,
)
from transfer.resources.widgets import (
    BaselineWidget,
    ChoiceWidget,
    GoalWidget,
    NumberWidget,
    PerspectiveWidget,
    SubGoalWidget,
    TextWidget,
    UnitWidget,
    UserWidget,
    WholeNumberWidget,
    cell_text,
    goal_number_in,
    plain_number,
)


class IndicatorResource(IndicatorTargets, PlanResource):
    """Sheet "Indikatorer": matched by goal number and indicator name.

    The target has a kind (column "Typ av mål": bands, relative, change, gap, monitored, under
    development, in words), read from its label in any of our languages, or from the words a
    plan writes in its target cell ("Följs", "Ska öka jämfört med 2024", "Under utveckling").
    The bands are three texts read by `indicators.thresholds` (so "<70", "71-79", "≥80" from a
    document work as well as Styrkort's own "< 70", "70–80", "≥ 80"); what the reading found
    odd is shown in the preview. Each kind's other columns are its own (`indicators.targets`):
    a column of another kind that is filled in is refused, saying so.
    """

    structure = True
    kind = words.INDICATORS
    key_columns = ("goal_number", "indicator")
    required_columns = ("goal_number", "indicator")
    field_columns = {
        "goal": "goal_number",
        "sub_goal": "subgoal",
        BANDS: BANDS,
        **dict.fromkeys(BAND_ONLY, BANDS),
        "direction": "direction",
        "target_kind": "target_kind",
        "target_value": "target_value",
        "target_text": "target_text",
        "relative_share": "relative_share",
        "baseline_period": "baseline",
        "baseline_value": "baseline_value",
        "change_tolerance": "tolerance",
        "reference_kind": "reference",
        "reference_value": "reference_value",
        "reference_label": "reference_label",
    }

    goal = Field(attribute="goal", column_name="goal_number", widget=GoalWidget())
    sub_goal = Field(attribute="sub_goal", column_name="subgoal", widget=SubGoalWidget())
    name = Field(attribute="name", column_name="indicator", widget=TextWidget())
    definition = Field(attribute="definition", column_name="definition", widget=TextWidget())
    scope = Field(
        attribute="scope",
        column_name="scope",
        widget=ChoiceWidget(Scope, default=Scope.OPERATION_SPECIFIC),
    )
    perspective = Field(
        attribute="perspective", column_name="perspective", widget=PerspectiveWidget()
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
        widget=ChoiceWidget(
            Indicator.Frequency, default=Indicator.Frequency.EVERY_PERIOD, aliases=FREQUENCY_WORDS
        ),
    )
    scale_max = Field(attribute="scale_max", column_name="scale_max", widget=NumberWidget())
    target_kind = Field(column_name="target_kind", dehydrate_method="dehydrate_target_kind")
    direction = Field(column_name="direction", dehydrate_method="dehydrate_direction")
    target_value = Field(column_name="target_value", dehydrate_method="dehydrate_target_value")
    target_text = Field(attribute="target_text", column_name="target_text", widget=TextWidget())
    red = Field(column_name="red", dehydrate_method="dehydrate_red")
    yellow = Field(column_name="yellow", dehydrate_method="dehydrate_yellow")
    green = Field(column_name="green", dehydrate_method="dehydrate_green")
    relative_share = Field(
        attribute="relative_share", column_name="relative_share", widget=NumberWidget()
    )
    baseline = Field(attribute="baseline_period", column_name="baseline", widget=BaselineWidget())
    baseline_value = Field(
        attribute="baseline_value", column_name="baseline_value", widget=NumberWidget()
    )
    tolerance = Field(attribute="change_tolerance", column_name="tolerance", widget=NumberWidget())
    reference = Field(
        attribute="reference_kind",
        column_name="reference",
        widget=ChoiceWidget(ReferenceKind, default="", aliases=REFERENCE_WORDS),
    )
    reference_value = Field(
        attribute="reference_value", column_name="reference_value", widget=NumberWidget()
    )
    reference_label = Field(
        attribute="reference_label", column_name="reference_label", widget=TextWidget()
    )
    responsible_role = Field(
        attribute="responsible_role", column_name="responsible_role", widget=TextWidget()
    )
    responsible_unit = Field(
        attribute="responsible_unit", column_name="responsible_unit", widget=UnitWidget()
    )
    responsible_user = Field(
        attribute="responsible_user", column_name="responsible_user", widget=UserWidget()
    )
    reporting_role = Field(
        attribute="reporting_role", column_name="reporting_role", widget=TextWidget()
    )
    reporting_unit = Field(
        attribute="reporting_unit", column_name="reporting_unit", widget=UnitWidget()
    )
    reporting_user = Field(
        attribute="reporting_user", column_name="reporting_user", widget=UserWidget()
    )
    # After these: a column per open-data link field ("kolada_kpi"...), see `LinkColumn`.

    class Meta(PlanResource.Meta):
        model = Indicator
        fields = export_order = import_order = (
            "goal",
            "sub_goal",
            "name",
            "definition",
            "scope",
            "perspective",
            "unit",
            "unit_label",
            "decimals",
            "source",
            "frequency",
            "scale_max",
            "target_kind",
            "direction",
            "target_value",
            "target_text",
            "red",
            "yellow",
            "green",
            "relative_share",
            "baseline",
            "baseline_value",
            "tolerance",
            "reference",
            "reference_value",
            "reference_label",
            "responsible_role",
            "responsible_unit",
            "responsible_user",
            "reporting_role",
            "reporting_unit",
            "reporting_user",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for key, source, link_field in link_fields():
            self.fields[key] = LinkColumn(source, link_field)
        # The kind and the direction are read in `import_columns`, in the file's language.
        self.kind_widget = ChoiceWidget(KindChoice)
        self.direction_widget = ChoiceWidget(DirectionChoice, aliases=DIRECTION_WORDS)
        self.kind_widget.bind(self)
        self.direction_widget.bind(self)

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
            .select_related(
                "goal",
                "sub_goal",
                "perspective",
                "baseline_period",
                "responsible_unit",
                "responsible_user",
                "reporting_unit",
                "reporting_user",
            )
            .order_by("goal__number", "position", "pk")
        )

    def dehydrate_target_kind(self, indicator: Indicator) -> str:
        return words.choice_label(KindChoice, indicator.target_kind, self.language)

    def dehydrate_direction(self, indicator: Indicator) -> str:
        return words.choice_label(DirectionChoice, indicator.direction, self.language)

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

    def before_save(self, instance: Indicator, is_create: bool) -> None:
        if is_create:
            instance.position = self.lookups.next_position("indicators", instance.goal)
        save_new_sub_goal(self, instance)

    def register(self, instance: Indicator) -> None:
        self.lookups.indicators[instance.goal.number, instance.name] = instance
