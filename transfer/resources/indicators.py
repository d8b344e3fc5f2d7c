"""Resources for a plan's indicators (with their kind of target) and measured values."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from goals.models import Scope
from indicators.colour import Bands, Colour, TargetKind
from indicators.links import CODES, LinkField, LinkSource, link_fields
from indicators.models import Gender, Indicator, Measurement, Origin, Result
from indicators.targets import (
    BAND_ONLY,
    KIND_FIELDS,
    WITHOUT_TARGET_VALUE,
    DirectionChoice,
    KindChoice,
    ReferenceKind,
    Target,
)
from indicators.thresholds import FindingCode, ThresholdReading, thresholds_read
from transfer.resources import vocabulary as words
from transfer.resources.base import PlanResource, RowNote
from transfer.resources.goals import save_new_sub_goal
from transfer.resources.records import PeriodRecordResource
from transfer.resources.widgets import (
    BaselineWidget,
    ChoiceWidget,
    GoalChildWidget,
    GoalWidget,
    JSONWidget,
    NumberWidget,
    PeriodWidget,
    PerspectiveWidget,
    SubGoalWidget,
    TextWidget,
    UnitWidget,
    UserWidget,
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
# Other words for the references a gap is measured to.
REFERENCE_WORDS = {
    "riket": ReferenceKind.NATIONAL,
    "hela riket": ReferenceKind.NATIONAL,
    "landet": ReferenceKind.NATIONAL,
    "hela landet": ReferenceKind.NATIONAL,
    "hele landet": ReferenceKind.NATIONAL,
    "heile landet": ReferenceKind.NATIONAL,
    "nationellt": ReferenceKind.NATIONAL,
    "rikssnitt": ReferenceKind.NATIONAL,
    "riksgenomsnitt": ReferenceKind.NATIONAL,
    "landsgjennomsnitt": ReferenceKind.NATIONAL,
    "national": ReferenceKind.NATIONAL,
    "national average": ReferenceKind.NATIONAL,
    "the whole country": ReferenceKind.NATIONAL,
    "kommungruppen": ReferenceKind.GROUP_MEAN,
    "kommungrupp": ReferenceKind.GROUP_MEAN,
    "jämförelsegruppen": ReferenceKind.GROUP_MEAN,
    "liknande kommuner": ReferenceKind.GROUP_MEAN,
    "kostragruppe": ReferenceKind.GROUP_MEAN,
    "kommunegruppe": ReferenceKind.GROUP_MEAN,
    "comparison group": ReferenceKind.GROUP_MEAN,
    "municipality group": ReferenceKind.GROUP_MEAN,
    "angivet": ReferenceKind.ENTERED,
    "inskrivet": ReferenceKind.ENTERED,
    "oppgitt": ReferenceKind.ENTERED,
    "entered": ReferenceKind.ENTERED,
}
TEXT_FIELDS = frozenset({"reference_kind", "reference_label"})
# How often a measure is taken, as plans write it besides the choices' labels.
FREQUENCY_WORDS = {
    "årligen": Indicator.Frequency.YEARLY,
    "årlig": Indicator.Frequency.YEARLY,
    "årleg": Indicator.Frequency.YEARLY,
    "varje år": Indicator.Frequency.YEARLY,
    "hvert år": Indicator.Frequency.YEARLY,
    "kvart år": Indicator.Frequency.YEARLY,
    "per år": Indicator.Frequency.YEARLY,
    "yearly": Indicator.Frequency.YEARLY,
    "annually": Indicator.Frequency.YEARLY,
    "annual": Indicator.Frequency.YEARLY,
    "vartannat år": Indicator.Frequency.EVERY_SECOND_YEAR,
    "annethvert år": Indicator.Frequency.EVERY_SECOND_YEAR,
    "kvart andre år": Indicator.Frequency.EVERY_SECOND_YEAR,
    "vart tredje år": Indicator.Frequency.EVERY_THIRD_YEAR,
    "hvert tredje år": Indicator.Frequency.EVERY_THIRD_YEAR,
    "kvart tredje år": Indicator.Frequency.EVERY_THIRD_YEAR,
    "månadsvis": Indicator.Frequency.MONTHLY,
    "månedlig": Indicator.Frequency.MONTHLY,
    "månadleg": Indicator.Frequency.MONTHLY,
    "hittills i år": Indicator.Frequency.YEAR_TO_DATE,
    "hittills under året": Indicator.Frequency.YEAR_TO_DATE,
    "ackumulerat": Indicator.Frequency.YEAR_TO_DATE,
    "ackumulerad": Indicator.Frequency.YEAR_TO_DATE,
    "ackumulerat hittills i år": Indicator.Frequency.YEAR_TO_DATE,
    "hittil i år": Indicator.Frequency.YEAR_TO_DATE,
    "så langt i år": Indicator.Frequency.YEAR_TO_DATE,
    "akkumulert": Indicator.Frequency.YEAR_TO_DATE,
    "akkumulert hittil i år": Indicator.Frequency.YEAR_TO_DATE,
    "year to date": Indicator.Frequency.YEAR_TO_DATE,
    "year-to-date": Indicator.Frequency.YEAR_TO_DATE,
    "ytd": Indicator.Frequency.YEAR_TO_DATE,
    "cumulative": Indicator.Frequency.YEAR_TO_DATE,
}
DIRECTION_WORDS = {
    "högre": DirectionChoice.HIGHER,
    "högre är bättre": DirectionChoice.HIGHER,
    "høyere": DirectionChoice.HIGHER,
    "høgare": DirectionChoice.HIGHER,
    "higher": DirectionChoice.HIGHER,
    "lägre": DirectionChoice.LOWER,
    "lägre är bättre": DirectionChoice.LOWER,
    "lavere": DirectionChoice.LOWER,
    "lågare": DirectionChoice.LOWER,
    "lower": DirectionChoice.LOWER,
}


def _is_number(text: str) -> bool:
    try:
        return parse_decimal(text) is not None
    except ValueError:
        return False


def band_texts(indicator: Indicator) -> dict[str, str]:
    """The indicator's bands as written in a file: {"red": "< 70", "yellow": "70–80", ...};
    none for a kind without bands of its own."""
    if indicator.target_kind != TargetKind.BANDS or indicator.green_bound is None:
        return {}
    with translation.override(BANDS_LANGUAGE):
        texts = indicator.band_texts()
    return {column: texts.get(colour, "") for colour, column in BAND_COLUMNS.items()}


def _compact(text: str) -> str:
    return "".join(text.split()).replace("–", "-")


class IndicatorResource(PlanResource):
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

    # --- the kind, the target and the bands -------------------------------------------------------

    def import_columns(self, instance: Indicator, row: dict, note: RowNote) -> None:
        errors: dict[str, list[str]] = {}
        kind, direction, year = self._kind(row, instance, errors)
        if year is not None and not cell_text(row.get("baseline")):
            period = self.lookups.period_of(words.YEAR_END_KIND, year)
            if period is None:
                errors.setdefault("target_value", []).append(
                    _(
                        "%(organisation)s has no follow-up period for %(year)s, the baseline "
                        "the target names. Add the year's periods first."
                    )
                    % {"organisation": self.lookups.organisation, "year": year}
                )
            instance.baseline_period = period
        instance.target_kind = kind
        if kind == TargetKind.BANDS:
            self._bands(instance, row, note, errors)
        else:
            self._without_bands(instance, row, errors)
        if direction is not None:
            if kind == TargetKind.BANDS and "direction" in row and instance.direction != direction:
                errors.setdefault("direction", []).append(
                    _("The bands say “%(bands)s”, the column says “%(column)s”: make them agree.")
                    % {
                        "bands": words.choice_label(
                            DirectionChoice, instance.direction, self.language
                        ),
                        "column": words.choice_label(DirectionChoice, direction, self.language),
                    }
                )
            elif kind != TargetKind.BANDS:
                instance.direction = direction
        self._clear_other_kinds(instance, row, kind)
        if errors:
            raise ValidationError(errors)

    def _kind(
        self, row: dict, instance: Indicator, errors: dict
    ) -> tuple[TargetKind, str | None, int | None]:
        """The row's kind of target, the direction it implies (or the direction column's) and
        the baseline year its words name ("Ska öka jämfört med 2024").

        The kind column says it, by its label or a plan's words ("Följs"). Without one, band
        cells make it bands; empty band cells (or an empty kind column) leave the target's own
        words to say it: a plan's words for a kind, else a target in words. A file without
        band or kind columns keeps the indicator's kind."""
        direction = None
        if cell_text(row.get("direction")):
            try:
                direction = self.direction_widget.clean(row["direction"])
            except ValueError as error:
                errors.setdefault("direction", []).append(str(error))
        written = cell_text(row.get("target_kind"))
        if written:
            said = words.kind_of_words(written)
            if said is not None:
                kind, implied, year = said
                return TargetKind(kind), implied or direction, year
            try:
                return TargetKind(self.kind_widget.clean(written)), direction, None
            except ValueError as error:
                errors.setdefault("target_kind", []).append(str(error))
                return TargetKind(instance.target_kind or TargetKind.BANDS), direction, None
        if any(cell_text(row.get(column)) for column in BAND_COLUMNS.values()):
            return TargetKind.BANDS, direction, None
        columns = ("target_kind", *BAND_COLUMNS.values())
        if not any(column in row for column in columns):
            return TargetKind(instance.target_kind or TargetKind.BANDS), direction, None
        for column in ("target_value", "target_text"):
            said = words.kind_of_words(cell_text(row.get(column)))
            if said is not None:
                kind, implied, year = said
                return TargetKind(kind), implied or direction, year
        target = cell_text(row.get("target_value")) or cell_text(row.get("target_text"))
        if target and not _is_number(target):
            return TargetKind.TEXT, direction, None
        return TargetKind.BANDS, direction, None

    def _bands(self, instance: Indicator, row: dict, note: RowNote, errors: dict) -> None:
        bands_given = any(column in row for column in BAND_COLUMNS.values())
        target_given = "target_value" in row
        texts = band_texts(instance)
        texts.update({c: cell_text(row[c]) for c in BAND_COLUMNS.values() if c in row})
        if not any(texts.values()):
            errors.setdefault(BANDS, []).append(
                _(
                    "The target has bands, and no band is written: write the red, yellow and "
                    "green bands, or choose another kind of target."
                )
            )
            return
        if not (bands_given or target_given):
            return
        target_written, target_number = self._target(row, instance, target_given)
        reading = thresholds_read(
            red=texts.get("red", ""),
            yellow=texts.get("yellow", ""),
            green=texts.get("green", ""),
            target=target_written,
        )
        if reading.errors:
            for column, messages in self._finding_errors(reading).items():
                errors.setdefault(column, []).extend(messages)
            return
        self._set_bands(instance, reading.bands)
        if target_given:
            instance.target_value = target_number if target_number is not None else reading.target
            if target_number is None and target_written and not instance.target_text:
                instance.target_text = target_written
        if reading.scale_max is not None and instance.scale_max is None:
            instance.scale_max = reading.scale_max
        note.notices.extend(self._notices(reading, texts, instance))

    def _without_bands(self, instance: Indicator, row: dict, errors: dict) -> None:
        """A kind without bands: its band cells must be empty; its target is a number (or, in
        words, the target as written)."""
        filled = [
            words.column_label(column, self.language)
            for column in BAND_COLUMNS.values()
            if cell_text(row.get(column))
        ]
        if filled:
            errors.setdefault(BANDS, []).append(
                _(
                    "A target of the kind “%(kind)s” has no bands: leave %(columns)s empty, or "
                    "choose the kind “%(bands)s”."
                )
                % {
                    "kind": KindChoice(instance.target_kind).label,
                    "columns": ", ".join(f"“{label}”" for label in filled),
                    "bands": KindChoice.BANDS.label,
                }
            )
        instance.green_bound = instance.red_bound = None
        instance.green_bound_inclusive = instance.red_bound_inclusive = True
        if "target_value" in row:
            written = cell_text(row["target_value"])
            try:
                instance.target_value = parse_decimal(row["target_value"])
            except ValueError:
                instance.target_value = None
                if words.kind_of_words(written) is None or not instance.target_text:
                    instance.target_text = instance.target_text or written

    def _clear_other_kinds(self, instance: Indicator, row: dict, kind: TargetKind) -> None:
        """Empty the fields of other kinds that the row does not write (an indicator whose kind
        the file changes keeps nothing of its old kind); those it writes are checked by the
        model, which names their columns."""
        own = set(KIND_FIELDS[kind])
        for names in KIND_FIELDS.values():
            for name in names:
                if name in own or name in BAND_ONLY or self.field_columns[name] in row:
                    continue
                setattr(instance, name, "" if name in TEXT_FIELDS else None)
        if kind in WITHOUT_TARGET_VALUE and "target_value" not in row:
            instance.target_value = None

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
        save_new_sub_goal(self, instance)

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
RESULT_WORDS = {
    "uppfyllt": Result.FULFILLED,
    "uppfylld": Result.FULFILLED,
    "oppfylt": Result.FULFILLED,
    "nått": Result.FULFILLED,
    "nådd": Result.FULFILLED,
    "delvis": Result.PARTLY,
    "delvis uppfyllt": Result.PARTLY,
    "delvis oppfylt": Result.PARTLY,
    "ej uppfyllt": Result.NOT_FULFILLED,
    "inte uppfyllt": Result.NOT_FULFILLED,
    "ikke oppfylt": Result.NOT_FULFILLED,
    "ikkje oppfylt": Result.NOT_FULFILLED,
    "kan ej bedömas": Result.NOT_ASSESSABLE,
    "kan inte bedömas": Result.NOT_ASSESSABLE,
    "kan ikke vurderes": Result.NOT_ASSESSABLE,
    "kan ikkje vurderast": Result.NOT_ASSESSABLE,
    "ej bedömbar": Result.NOT_ASSESSABLE,
    "se bilaga": Result.SEE_ATTACHMENT,
    "se vedlegg": Result.SEE_ATTACHMENT,
}
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
