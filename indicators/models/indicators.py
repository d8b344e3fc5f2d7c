"""Indicators (measures) of goals: what is measured, its target and who reports it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import ChecksTogether
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
    colour_only,
    judge,
    rule_texts,
)
from indicators.frequency import Frequency, is_asked
from indicators.links import clean_open_data
from indicators.targets import FIELD_LABELS, DirectionChoice, KindChoice, ReferenceKind, Target
from planning.models import (
    FollowUpPeriod,
    Perspective,
    Unit,
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


class Indicator(Responsibility, ChecksTogether, Versioned):
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

    Frequency = Frequency

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
        """The colour alone, as `verdict` gives it (without putting its reason into words)."""
        return colour_only(self.target, value, basis)

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
