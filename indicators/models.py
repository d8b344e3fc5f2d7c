"""Indicators (measures) of goals, their thresholds, and measured values per period."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from goals.models import Goal, Responsibility, Scope, SubGoal
from indicators.colour import (
    NO_BASIS,
    Bands,
    Basis,
    Colour,
    Direction,
    TargetKind,
    Verdict,
    judge,
    rule_texts,
)
from indicators.frequency import is_asked
from indicators.links import NAME_LENGTH, clean_open_data, source_choices
from indicators.targets import FIELD_LABELS, DirectionChoice, KindChoice, ReferenceKind, Target
from planning.models import (
    FollowUpPeriod,
    Organisation,
    Perspective,
    Plan,
    Unit,
    year_validators,
)

VALUE_DIGITS = 18
VALUE_PLACES = 4
# What an indicator measures and how it is written, besides its goal, place, target and links:
# the fields the form shows under "What is measured" and that copies of a measure carry.
MEASURE_FIELDS = (
    "sub_goal",
    "name",
    "definition",
    "unit",
    "unit_label",
    "decimals",
    "source",
    "frequency",
    "seasonal",
    "scale_max",
)


# Who does the work and who reports it, besides the sub-goal and perspective.
RESPONSIBILITY_FIELDS = (
    "responsible_user",
    "responsible_unit",
    "responsible_role",
    "reporting_user",
    "reporting_unit",
    "reporting_role",
)


class Indicator(Responsibility, Versioned):
    """A measure of a goal: what is measured, from which source, and its target.

    The target has a kind (`indicators.targets`, `indicators.colour.TargetKind`): bands,
    relative to the target value, change against a baseline, gap to a reference, monitored
    only, under development, or written in words. `green_bound` with its side is the bands'
    (a `red_bound` gives a third, yellow band between the two); each kind has its own fields,
    and the database refuses a kind without what it needs.
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
        YEAR_TO_DATE = "year_to_date", _("Year to date")
        OTHER = "other", _("Other")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope, default=Scope.OPERATION_SPECIFIC
    )
    sub_goal = models.ForeignKey(
        SubGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("sub-goal"),
    )
    perspective = models.ForeignKey(
        Perspective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("perspective"),
        help_text=_("Empty: the goal's perspective."),
    )
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
    seasonal = models.BooleanField(
        _("compare with the same period last year"),
        default=False,
        help_text=_(
            "For a measure that varies with the season, e.g. sick leave in the summer: its trend "
            "compares each period with the same period of the year before."
        ),
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
    target_kind = models.CharField(
        FIELD_LABELS["target_kind"],
        max_length=12,
        choices=KindChoice,
        default=KindChoice.BANDS,
    )
    target_value = models.DecimalField(
        FIELD_LABELS["target_value"],
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    target_text = models.CharField(
        FIELD_LABELS["target_text"],
        max_length=200,
        blank=True,
        help_text=_('e.g. "HME-index >80", "Ska öka jämfört med 2024"'),
    )
    direction = models.CharField(
        FIELD_LABELS["direction"],
        max_length=10,
        choices=DirectionChoice,
        default=Direction.HIGHER_IS_BETTER.value,
    )
    green_bound = models.DecimalField(
        FIELD_LABELS["green_bound"],
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    green_bound_inclusive = models.BooleanField(FIELD_LABELS["green_bound_inclusive"], default=True)
    red_bound = models.DecimalField(
        FIELD_LABELS["red_bound"],
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        help_text=_("Leave empty for an indicator with only red and green."),
    )
    red_bound_inclusive = models.BooleanField(FIELD_LABELS["red_bound_inclusive"], default=True)
    relative_share = models.DecimalField(
        FIELD_LABELS["relative_share"],
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Empty: the organisation's share (e.g. 90 %)."),
    )
    baseline_period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=FIELD_LABELS["baseline_period"],
        help_text=_("For “compared with 2024”, the year-end period of 2024."),
    )
    baseline_value = models.DecimalField(
        FIELD_LABELS["baseline_value"],
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        help_text=_("Only when the baseline's value is not measured in Styrkort."),
    )
    change_tolerance = models.DecimalField(
        FIELD_LABELS["change_tolerance"],
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A change this small or smaller counts as unchanged (yellow); empty: 0."),
    )
    reference_kind = models.CharField(
        FIELD_LABELS["reference_kind"], max_length=12, choices=ReferenceKind, blank=True
    )
    reference_value = models.DecimalField(
        FIELD_LABELS["reference_value"],
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    reference_label = models.CharField(
        FIELD_LABELS["reference_label"],
        max_length=100,
        blank=True,
        help_text=_("e.g. Västerbottens län"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    responsible_role = models.CharField(
        _("responsible (role)"), max_length=200, blank=True, help_text=_("e.g. Verksamhetschef")
    )
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
                | Q(green_bound__isnull=False, direction="higher", red_bound__lt=F("green_bound"))
                | Q(green_bound__isnull=False, direction="lower", red_bound__gt=F("green_bound")),
                name="indicator_red_bound_on_red_side",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind="bands")
                | Q(target_value__isnull=True)
                | Q(direction="higher", target_value__gt=F("green_bound"))
                | Q(direction="lower", target_value__lt=F("green_bound"))
                | Q(target_value=F("green_bound"), green_bound_inclusive=True),
                name="indicator_target_in_green",
            ),
            # Each kind of target has what it needs, and nothing of another kind's.
            models.CheckConstraint(
                condition=Q(target_kind__in=[choice.value for choice in KindChoice]),
                name="indicator_target_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(target_kind="bands", green_bound__isnull=False)
                | (~Q(target_kind="bands") & Q(green_bound__isnull=True, red_bound__isnull=True)),
                name="indicator_bounds_only_for_bands",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind="relative") | Q(target_value__isnull=False),
                name="indicator_relative_has_target",
            ),
            models.CheckConstraint(
                condition=Q(target_kind="relative") | Q(relative_share__isnull=True),
                name="indicator_share_only_for_relative",
            ),
            models.CheckConstraint(
                condition=Q(target_kind__in=["change", "gap"], baseline_period__isnull=False)
                | (
                    ~Q(target_kind__in=["change", "gap"])
                    & Q(
                        baseline_period__isnull=True,
                        baseline_value__isnull=True,
                        change_tolerance__isnull=True,
                    )
                ),
                name="indicator_baseline_only_for_comparisons",
            ),
            models.CheckConstraint(
                condition=(Q(target_kind="gap") & ~Q(reference_kind=""))
                | (
                    ~Q(target_kind="gap")
                    & Q(reference_kind="", reference_value__isnull=True, reference_label="")
                ),
                name="indicator_reference_only_for_gaps",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind="gap")
                | ~Q(reference_kind="entered")
                | Q(reference_value__isnull=False),
                name="indicator_entered_reference_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind__in=["monitor", "developing", "text"])
                | Q(target_value__isnull=True),
                name="indicator_no_target_value_when_uncompared",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind="text") | ~Q(target_text=""),
                name="indicator_text_target_written",
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
    def kind(self) -> TargetKind:
        return TargetKind(self.target_kind)

    @property
    def bands(self) -> Bands | None:
        """The bands that need no comparison (bands, relative); None for other kinds."""
        return self.target.bands

    @property
    def unit_text(self) -> str:
        if self.unit == self.MeasureUnit.OTHER:
            return self.unit_label
        return str(self.MeasureUnit(self.unit).label)

    def is_asked_in(self, period: FollowUpPeriod) -> bool:
        """Whether the indicator's value is asked for in `period`, by how often it is measured
        (see `indicators.frequency`); `goal.plan` should be selected."""
        return is_asked(self.frequency, period, self.goal.plan.start_year)

    def band_texts(self, basis: Basis = NO_BASIS) -> dict[Colour, str]:
        """What is green, yellow and red (or why nothing is coloured), in words."""
        return rule_texts(self.target, self.decimals, basis)

    def verdict(self, value: Decimal | None, basis: Basis = NO_BASIS) -> Verdict:
        """The colour of a value with its reason (see `indicators.colour.judge`)."""
        return judge(self.target, value, basis, self.decimals)

    def colour_of(self, value: Decimal | None, basis: Basis = NO_BASIS) -> Colour:
        return self.verdict(value, basis).colour

    def clean(self) -> None:
        errors = {}
        if self.unit == self.MeasureUnit.OTHER and not self.unit_label.strip():
            errors["unit_label"] = _("Write the unit, or choose one from the list.")
        if self.direction in Direction and self.target_kind in TargetKind:
            errors.update(self.target.problems())
        if self.goal_id:
            plan = self.goal.plan
            if self.sub_goal_id and self.sub_goal.goal_id != self.goal_id:
                errors["sub_goal"] = _("Choose a sub-goal of the indicator's goal.")
            if self.perspective_id and self.perspective.organisation_id != plan.organisation_id:
                errors["perspective"] = _("Choose a perspective of the plan's organisation.")
            if (
                self.baseline_period_id
                and "baseline_period" not in errors
                and self.baseline_period.organisation_id != plan.organisation_id
            ):
                errors["baseline_period"] = _(
                    "Choose a follow-up period of the plan's organisation."
                )
            if (
                self.reference_kind == ReferenceKind.GROUP_MEAN
                and "reference_kind" not in errors
                and not plan.organisation.comparison_group
            ):
                errors["reference_kind"] = _(
                    "%(organisation)s has no comparison group, so the group's mean has no "
                    "data: set the group in the organisation's settings, or choose another "
                    "reference."
                ) % {"organisation": plan.organisation}
            errors.update(
                {
                    name: message
                    for name, message in self.responsibility_problems(
                        plan, "responsible_unit", "reporting_unit"
                    ).items()
                    if name not in errors
                }
            )
        if (
            self.target_kind == TargetKind.GAP
            and self.reference_kind in (ReferenceKind.NATIONAL, ReferenceKind.GROUP_MEAN)
            and "reference_kind" not in errors
            and not any((self.open_data or {}).values())
        ):
            errors["reference_kind"] = _(
                "The reference's values come from open data, and the indicator is linked to no "
                "open-data source: link it (e.g. to a Kolada KPI), or enter the reference."
            )
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


class Result(models.TextChoices):
    """A result written as a judgement rather than a value."""

    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY = "partly", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")
    NOT_ASSESSABLE = "not_assessable", _("Cannot be assessed")
    SEE_ATTACHMENT = "see_attachment", _("See attachment")


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
    result = models.CharField(
        _("result"),
        max_length=20,
        choices=Result,
        blank=True,
        help_text=_("For an indicator followed up in words: how the target stands."),
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
        """The value's colour as far as it needs no comparison (see `Indicator.verdict`)."""
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
        kind = self.indicator.kind
        if self.result and not kind.takes_result:
            errors["result"] = _(
                "%(indicator)s is followed up with a number, not a result in words: write "
                "its value, and any words in the comment."
            ) % {"indicator": self.indicator}
        if self.value is not None and not kind.takes_value:
            errors["value"] = _(
                "%(indicator)s has no measure (%(kind)s): write its result in words instead "
                "of a value."
            ) % {"indicator": self.indicator, "kind": KindChoice(kind).label}
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
