"""Indicators (measures) of goals, their thresholds, and measured values per period."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.models import Goal, Scope
from indicators.colour import Bands, Colour, Direction, band_texts, evaluate, problems
from planning.models import FollowUpPeriod, Unit, Versioned

VALUE_DIGITS = 18
VALUE_PLACES = 4


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
    kolada_kpi = models.CharField(
        _("Kolada KPI"), max_length=20, blank=True, help_text=_("e.g. N00090")
    )
    ssb_table = models.CharField(
        _("SSB table"), max_length=20, blank=True, help_text=_("KOSTRA table id, e.g. 12362")
    )
    ssb_selection = models.JSONField(
        _("SSB selection"),
        default=dict,
        blank=True,
        help_text=_('Value codes per variable, e.g. {"KOKkommuneregion0000": "4631"}.'),
    )

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
    def bands(self) -> Bands:
        return Bands(
            direction=Direction(self.direction),
            green_bound=self.green_bound,
            green_inclusive=self.green_bound_inclusive,
            red_bound=self.red_bound,
            red_inclusive=self.red_bound_inclusive,
        )

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
        if errors:
            raise ValidationError(errors)


class Gender(models.TextChoices):
    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")


class Origin(models.TextChoices):
    MANUAL = "manual", _("Entered by a person")
    IMPORT = "import", _("Imported from a file")
    KOLADA = "kolada", _("Kolada")
    SSB = "ssb", _("Statistics Norway (SSB)")


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
    origin = models.CharField(_("origin"), max_length=10, choices=Origin, default=Origin.MANUAL)
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
        if self.unit_id and self.unit.organisation_id != plan.organisation_id:
            errors["unit"] = _("The unit must belong to the plan's organisation.")
        if errors:
            raise ValidationError(errors)
