"""Goals of a plan, the activities that serve them and the activities' status per period."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from planning.models import FollowUpPeriod, Plan, Unit


class Scope(models.TextChoices):
    MUNICIPALITY_WIDE = "municipality_wide", _("Municipality-wide")
    OPERATION_SPECIFIC = "operation_specific", _("Operation-specific")


class Goal(Versioned):
    """A numbered goal of a plan ("1. Digitalisera verksamheterna").

    It may contribute to a goal of the parent plan, one level up the governance chain.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope, default=Scope.OPERATION_SPECIFIC
    )
    contributes_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributing_goals",
        verbose_name=_("contributes to"),
        help_text=_("A goal of the parent plan that this goal contributes to."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="goal_unique_number_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def clean(self) -> None:
        if self.contributes_to_id and self.plan_id:
            parent_plan_id = self.plan.parent_id
            if parent_plan_id is None:
                raise ValidationError(
                    {"contributes_to": _("The plan has no parent plan whose goals it could serve.")}
                )
            if self.contributes_to.plan_id != parent_plan_id:
                raise ValidationError(
                    {
                        "contributes_to": _("Choose a goal of the parent plan, %(plan)s.")
                        % {"plan": self.plan.parent}
                    }
                )


class Month(models.IntegerChoices):
    JANUARY = 1, pgettext_lazy("month name", "January")
    FEBRUARY = 2, pgettext_lazy("month name", "February")
    MARCH = 3, pgettext_lazy("month name", "March")
    APRIL = 4, pgettext_lazy("month name", "April")
    MAY = 5, pgettext_lazy("month name", "May")
    JUNE = 6, pgettext_lazy("month name", "June")
    JULY = 7, pgettext_lazy("month name", "July")
    AUGUST = 8, pgettext_lazy("month name", "August")
    SEPTEMBER = 9, pgettext_lazy("month name", "September")
    OCTOBER = 10, pgettext_lazy("month name", "October")
    NOVEMBER = 11, pgettext_lazy("month name", "November")
    DECEMBER = 12, pgettext_lazy("month name", "December")


class Activity(Versioned):
    """Something to do for a goal, with who is responsible, when, and where it is evaluated.

    Done by a month of the plan's year, or ongoing ("Löpande"). The evaluation flags say in
    which follow-ups the activity is reported: the first interim report (T1), the second (T2)
    and the year-end report. Under half-year or quarter schemes, the first interim period maps
    to T1 and later interim periods to T2.
    """

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("goal")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.TextField(_("activity"))
    responsible_role = models.CharField(
        _("responsible"), max_length=200, blank=True, help_text=_("A role, e.g. Verksamhetschef")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("unit"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("responsible person"),
    )
    ongoing = models.BooleanField(_("ongoing"), default=False)
    due_month = models.PositiveSmallIntegerField(
        _("done by (month)"),
        choices=Month,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    evaluated_t1 = models.BooleanField(_("evaluated in T1"), default=False)
    evaluated_t2 = models.BooleanField(_("evaluated in T2"), default=False)
    evaluated_year_end = models.BooleanField(_("evaluated at year-end"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "position", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(ongoing=True, due_month__isnull=True)
                    | Q(ongoing=False, due_month__isnull=False, due_month__gte=1, due_month__lte=12)
                ),
                name="activity_ongoing_or_month",
            ),
            models.CheckConstraint(
                condition=Q(evaluated_t1=True) | Q(evaluated_t2=True) | Q(evaluated_year_end=True),
                name="activity_evaluated_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.title if len(self.title) <= 80 else self.title[:79] + "…"

    def clean(self) -> None:
        errors = {}
        if self.ongoing and self.due_month:
            errors["due_month"] = _("An ongoing activity has no month; choose one or the other.")
        if not self.ongoing and not self.due_month:
            errors["due_month"] = _("Choose the month the activity is done, or mark it ongoing.")
        if not (self.evaluated_t1 or self.evaluated_t2 or self.evaluated_year_end):
            errors["evaluated_year_end"] = _(
                "Choose at least one follow-up in which the activity is evaluated."
            )
        if (
            self.unit_id
            and self.goal_id
            and not self.goal.plan.is_owned_by(self.unit.organisation_id)
        ):
            # A joint plan's activities may be owned by the units of every owner.
            errors["unit"] = _(
                "The unit must belong to one of the organisations that own the plan."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def timing_label(self) -> str:
        return str(_("Ongoing")) if self.ongoing else str(Month(self.due_month).label)

    def is_evaluated_in(self, period: FollowUpPeriod) -> bool:
        if period.is_year_end:
            return self.evaluated_year_end
        if period.ordinal == 1:
            return self.evaluated_t1
        return self.evaluated_t2

    def is_due_by(self, period: FollowUpPeriod) -> bool:
        """Whether the activity should be done by the end of the period (never, if ongoing)."""
        return not self.ongoing and self.due_month <= period.ends_on.month


class ActivityStatus(Versioned):
    """How an activity stands in a follow-up period, with a short comment."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("activity")
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.PROTECT,
        related_name="activity_statuses",
        verbose_name=_("follow-up period"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    comment = models.TextField(_("comment"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "period__starts_on"]
        verbose_name = _("activity status")
        verbose_name_plural = _("activity statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "period"], name="activity_status_unique_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} – {self.period}: {self.get_status_display()}"

    def clean(self) -> None:
        if not (self.activity_id and self.period_id):
            return
        problem = self.activity.goal.plan.period_problem(self.period)
        if problem:
            raise ValidationError({"period": problem})


class GoalFollowUp(Versioned):
    """The planner's written analysis of a goal in a follow-up period, and the assessment."""

    class Assessment(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        EXPECTED = "expected", _("Expected to be achieved")
        UNCERTAIN = "uncertain", _("Uncertain")
        NOT_EXPECTED = "not_expected", _("Not expected to be achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("goal")
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.PROTECT,
        related_name="goal_follow_ups",
        verbose_name=_("follow-up period"),
    )
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment, blank=True)
    analysis = models.TextField(
        _("analysis"),
        blank=True,
        help_text=_("What went well, what did not, and what we do now."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("updated at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "period__starts_on"]
        verbose_name = _("goal follow-up")
        verbose_name_plural = _("goal follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["goal", "period"], name="goal_follow_up_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} – {self.period}"

    def clean(self) -> None:
        if not (self.goal_id and self.period_id):
            return
        problem = self.goal.plan.period_problem(self.period)
        if problem:
            raise ValidationError({"period": problem})
