"""Indicators (measures) of goals, their thresholds, and measured values per period."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from goals.models import Goal, Scope
from indicators.colour import Bands, Colour, Direction, band_texts, evaluate, problems
from indicators.links import NAME_LENGTH, clean_open_data, source_choices
from indicators.targets import Target
from planning.models import FollowUpPeriod, Organisation, Plan, Unit, year_validators

VALUE_DIGITS = 18
VALUE_PLACES = 4
# What an indicator measures and how it is written, besides its goal, place, target and links:
# the fields the form shows under "What is measured" and that copies of a measure carry.
MEASURE_FIELDS = (
    "subgoal",
    "name",
    "definition",
    "unit",
    "unit_label",
    "decimals",
    "source",
    "frequency",
    "scale_max",
)


class Indicator(Versioned):
    """A measure of a goal: what is measured, from which source, its target and its bands.

    Bands: see `indicators.colour`. `green_bound` with its side is required; a `red_bound`
    gives a third (yellow) band between the two.
    """

    class MeasureUnit(models.TextChoices):
        PERCENT = "percent", _("%")
        DAYS = "days", _("days")
        INDEX = "index", _("index")
        KR_PER_INHABITANT = "kr_per_inhabitant", _("kr/inhabitant")
        PERSONS = "persons", _("persons")
        NUMBER = "number", _("count")
        OTHER = "other", _("other (write the unit)")

    class Frequency(models.TextChoices):
        EVERY_PERIOD = "every_period", _("Every follow-up period")
        YEARLY = "yearly", _("Once a year")
        EVERY_SECOND_YEAR = "every_second_year", _("Every second year")
        EVERY_THIRD_YEAR = "every_third_year", _("Every third year")
        MONTHLY = "monthly", _("Monthly")
        OTHER = "other", _("Other")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope, default=Scope.OPERATION_SPECIFIC
    )
    subgoal = models.CharField(_("sub-goal"), max_length=500, blank=True)
    name = models.CharField(_("indicator"), max_length=500)
    definition = models.TextField(
        _("definition"), blank=True, help_text=_("What is measured and how.")
    )
    unit = models.CharField(
        _("unit"), max_length=20, choices=MeasureUnit, default=MeasureUnit.NUMBER
    )
    unit_label = models.CharField(
        _("unit (free text)"), max_length=50, blank=True, help_text=_("e.g. tkr/inhabitant 80+")
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals"), default=0, validators=[MaxValueValidator(VALUE_PLACES)]
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    frequency = models.CharField(
        _("measured"), max_length=20, choices=Frequency, default=Frequency.EVERY_PERIOD
    )
    scale_max = models.DecimalField(
        _("scale maximum"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_('For values on a scale, e.g. 10 for "8,0 of 10,0".'),
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    target_text = models.CharField(
        _("target as written"), max_length=200, blank=True, help_text=_('e.g. "HME-index >80"')
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=[
            (Direction.HIGHER_IS_BETTER.value, _("Higher is better")),
            (Direction.LOWER_IS_BETTER.value, _("Lower is better")),
        ],
        default=Direction.HIGHER_IS_BETTER.value,
    )
    green_bound = models.DecimalField(
        _("green from"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    green_bound_inclusive = models.BooleanField(_("the bound itself is green"), default=True)
    red_bound = models.DecimalField(
        _("red from"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        help_text=_("Leave empty for an indicator with only red and green."),
    )
    red_bound_inclusive = models.BooleanField(_("the bound itself is red"), default=True)
    reuses = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reused_by",
        verbose_name=_("reuses measure"),
        help_text=_("The municipality-wide measure this indicator reuses, defined once."),
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("previous period's indicator"),
        help_text=_("The same indicator in the previous plan, so that trends run across years."),
    )
    open_data = models.JSONField(
        _("open data"),
        default=dict,
        blank=True,
        help_text=_("Links to open-data sources, by source, e.g. Kolada's KPI."),
    )  # see indicators.links: {"kolada": {"kpi": "N00090"}, "ssb": {"table": ..., ...}}

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(red_bound__isnull=True)
                | Q(direction="higher", red_bound__lt=models.F("green_bound"))
                | Q(direction="lower", red_bound__gt=models.F("green_bound")),
                name="indicator_red_bound_on_red_side",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True)
                | Q(direction="higher", target_value__gt=models.F("green_bound"))
                | Q(direction="lower", target_value__lt=models.F("green_bound"))
                | Q(target_value=models.F("green_bound"), green_bound_inclusive=True),
                name="indicator_target_in_green",
            ),
            models.CheckConstraint(
                condition=~Q(unit="other") | ~Q(unit_label=""),
                name="indicator_other_unit_named",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["higher", "lower"]), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=VALUE_PLACES), name="indicator_decimals_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target(self) -> Target:
        return Target.from_model(self)

    @property
    def bands(self) -> Bands:
        return self.target.bands

    @property
    def unit_text(self) -> str:
        if self.unit == self.MeasureUnit.OTHER:
            return self.unit_label
        return str(self.MeasureUnit(self.unit).label)

    def band_texts(self) -> dict[Colour, str]:
        return band_texts(self.bands, self.decimals)

    def colour_of(self, value: Decimal | None) -> Colour:
        return evaluate(value, self.bands)

    def clean(self) -> None:
        errors = {}
        if self.unit == self.MeasureUnit.OTHER and not self.unit_label.strip():
            errors["unit_label"] = _("Write the unit, or choose one from the list.")
        if self.green_bound is not None and self.direction in Direction:
            errors.update(problems(self.bands, self.target_value))
        try:
            self.open_data = clean_open_data(self.open_data)
        except ValidationError as error:
            errors["open_data"] = error.messages
        if errors:
            raise ValidationError(errors)


class Gender(models.TextChoices):
    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")


class Origin(models.TextChoices):
    """Where a value came from: a person (MANUAL, IMPORT) or an open-data source.

    `Measurement.origin` takes its choices from `origin_choices`: these two and every
    registered source (`indicators.links`), so a new source needs no migration. KOLADA and SSB
    remain as names for code that uses them; new code asks `links.link_source(origin)`.
    """

    MANUAL = "manual", _("Entered by a person")
    IMPORT = "import", _("Imported from a file")
    KOLADA = "kolada", _("Kolada")
    SSB = "ssb", _("Statistics Norway (SSB)")


PERSON_ORIGINS = (Origin.MANUAL, Origin.IMPORT)


def origin_choices() -> list[tuple[str, str]]:
    """A value's possible origins: a person's, and the registered open-data sources."""
    return [(origin.value, origin.label) for origin in PERSON_ORIGINS] + source_choices()


class Measurement(Versioned):
    """A value of an indicator in a follow-up period, for the whole plan or for one unit.

    The value may be empty: the figure is known to be missing (as Kolada's "Missing").
    """

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("follow-up period"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("unit"),
        help_text=_("Leave empty for the value of the whole plan."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, default=Gender.TOTAL)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    origin = models.CharField(
        _("origin"), max_length=NAME_LENGTH, choices=origin_choices, default=Origin.MANUAL
    )
    fetched_at = models.DateTimeField(
        _("fetched at"),
        null=True,
        blank=True,
        help_text=_("When the value was fetched from open data."),
    )
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period__starts_on"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "gender"],
                condition=Q(unit__isnull=True),
                name="measurement_unique_plan_value",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "unit", "gender"],
                condition=Q(unit__isnull=False),
                name="measurement_unique_unit_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.period}: {self.value}"

    @property
    def colour(self) -> Colour:
        return self.indicator.colour_of(self.value)

    def clean(self) -> None:
        if not (self.indicator_id and self.period_id):
            return
        plan = self.indicator.goal.plan
        errors = {}
        problem = plan.period_problem(self.period)
        if problem:
            errors["period"] = problem
        if self.unit_id and not plan.is_owned_by(self.unit.organisation_id):
            # A joint plan's values may be reported for the units of every owner.
            errors["unit"] = _(
                "The unit must belong to one of the organisations that own the plan."
            )
        if errors:
            raise ValidationError(errors)


class ReferenceValue(models.Model):
    """A value to compare an indicator with in a year: the whole country's or a group's mean.

    Fetched from open data by `opendata.sync`, never typed in: Kolada's national
    value (area 0000) or the mean of the organisation's comparison group's members (Kolada), or
    KOSTRA's national or group figure (SSB). The value may be empty when the source has none.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Whole country")
        GROUP_MEAN = "group_mean", _("Mean of a municipality group")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="reference_values",
        verbose_name=_("indicator"),
    )
    kind = models.CharField(_("compared with"), max_length=20, choices=Kind)
    group = models.CharField(
        _("group"),
        max_length=20,
        blank=True,
        help_text=_("The municipality group's id, e.g. G33; empty for the whole country."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, default=Gender.TOTAL)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year", "kind", "group", "gender"]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "kind", "group", "gender"],
                name="reference_value_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="national", group="") | (Q(kind="group_mean") & ~Q(group="")),
                name="reference_value_group_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["T", "K", "M"]), name="reference_value_gender_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.year} – {self.group or self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == self.Kind.GROUP_MEAN and not self.group:
            raise ValidationError({"group": _("Name the group whose mean this is.")})
        if self.kind == self.Kind.NATIONAL and self.group:
            raise ValidationError({"group": _("A value for the whole country has no group.")})


class SyncRun(models.Model):
    """One open-data sync of a plan: when it ran, whether it worked, and what it changed.

    Written once, when the sync ends. A failed sync changed nothing; `message` says why it
    failed. The counts are of values (measurements and reference values) created, updated and
    left unchanged, and of values entered by a person that the sync kept.
    """

    class Status(models.TextChoices):
        OK = "ok", _("Completed")
        FAILED = "failed", _("Failed")

    # The registered open-data sources (indicators.links): a new one needs no migration.
    source = models.CharField(_("source"), max_length=NAME_LENGTH, choices=source_choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sync_runs",
        verbose_name=_("organisation"),
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sync_runs",
        verbose_name=_("plan"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
        help_text=_("Empty for a scheduled sync."),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    status = models.CharField(_("status"), max_length=10, choices=Status)
    message = models.TextField(_("message"), blank=True)
    created = models.PositiveIntegerField(pgettext_lazy("number of values", "created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_manual = models.PositiveIntegerField(_("kept (entered by a person)"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("open-data sync")
        verbose_name_plural = _("open-data syncs")
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__gte=models.F("started_at")),
                name="sync_run_finished_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="ok") | (Q(status="failed") & ~Q(message="")),
                name="sync_run_failure_explained",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_source_display()} – {self.organisation} – {self.started_at:%Y-%m-%d %H:%M}"
        )

    def clean(self) -> None:
        errors = {}
        if self.started_at and self.finished_at and self.finished_at < self.started_at:
            errors["finished_at"] = _("A sync cannot finish before it starts.")
        if self.status == self.Status.FAILED and not self.message.strip():
            errors["message"] = _("Say why the sync failed.")
        if (
            self.plan_id
            and self.organisation_id
            and self.plan.organisation_id != self.organisation_id
        ):
            errors["plan"] = _("The plan must belong to the organisation.")
        if errors:
            raise ValidationError(errors)
