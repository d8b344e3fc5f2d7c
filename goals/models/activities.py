"""The activities that serve a goal, who is responsible for them, and their status per period."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.constraints import ChecksTogether
from core.versioning import Versioned
from goals.deadlines import Precision, is_last_day, overdue_text, timing_text
from goals.evaluation import ALL_MONTHS, YEAR_END, is_evaluated_in
from goals.models.goals import Goal, SubGoal
from planning.models import FollowUpPeriod, Plan, Unit


class Responsibility(models.Model):
    """Who is responsible for doing and who for reporting, each a person, a unit and/or a
    role in words; for indicators and activities alike."""

    reporting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person who reports"),
    )
    reporting_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit that reports"),
    )
    reporting_role = models.CharField(
        _("reports (role)"), max_length=200, blank=True, help_text=_("e.g. Kvalitetsstrateg")
    )

    class Meta:
        abstract = True

    def responsibility_problems(self, plan: Plan | None, *names: str) -> dict:
        """Units that do not belong to one of the plan's owners, by field."""
        errors = {}
        for name in names:
            unit = getattr(self, name)
            if unit is not None and plan is not None and not plan.is_owned_by(unit.organisation_id):
                errors[name] = _(
                    "The unit must belong to one of the organisations that own the plan."
                )
        return errors


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


def short_title(title: str) -> str:
    """An activity's title cut to 80 characters: how lists and controls name it."""
    return title if len(title) <= 80 else title[:79] + "…"


class Activity(Responsibility, ChecksTogether, Versioned):
    """Something to do for a goal, with who is responsible, when, and where it is evaluated.

    Done by a deadline in the plan's years, a day or a whole month (`due_on`, the month's last
    day, precision month) or ongoing ("Löpande"). `evaluated_months` says in
    which follow-ups the activity is reported, any set of the periods of the scheme of the
    plan's organisation. It is stored as months, not periods: bit m-1 is set for the last
    month m of each period chosen (Tertial 1 ending in April is bit 3, the year-end bit 11).
    The activity is evaluated in a follow-up period when the months the period adds to the
    year contain a set bit (`evaluated_months & period.months_mask`), so the set survives a
    change of scheme (Tertial 1 becomes Quarter 2) and reads the same for every owner of a
    joint plan whatever their schemes (`goals.evaluation`).
    """

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("goal")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    sub_goal = models.ForeignKey(
        SubGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("sub-goal"),
    )
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
    due_on = models.DateField(_("done by"), null=True, blank=True)
    due_precision = models.CharField(
        _("deadline precision"), max_length=5, choices=Precision, default=Precision.MONTH
    )
    evaluated_months = models.PositiveIntegerField(
        _("evaluated in"),
        default=YEAR_END,
        help_text=_("The follow-ups in which the activity is evaluated."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "position", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(ongoing=True, due_on__isnull=True) | Q(ongoing=False, due_on__isnull=False)
                ),
                name="activity_ongoing_or_deadline",
            ),
            models.CheckConstraint(
                condition=Q(due_precision__in=Precision.values),
                name="activity_deadline_precision",
            ),
            models.CheckConstraint(
                condition=Q(evaluated_months__gt=0, evaluated_months__lt=ALL_MONTHS + 1),
                name="activity_evaluated_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.short_title

    @property
    def short_title(self) -> str:
        """The title cut to 80 characters: how lists and controls name the activity."""
        return short_title(self.title)

    def clean(self) -> None:
        errors = {}
        errors.update(self.deadline_problems())
        if not self.evaluated_months or self.evaluated_months & ~ALL_MONTHS:
            errors["evaluated_months"] = _(
                "Choose at least one period in which the activity is evaluated."
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
        if self.sub_goal_id and self.goal_id and self.sub_goal.goal_id != self.goal_id:
            errors["sub_goal"] = _("Choose a sub-goal of the activity's goal.")
        if self.reporting_unit_id and self.goal_id:
            errors.update(self.responsibility_problems(self.goal.plan, "reporting_unit"))
        if errors:
            raise ValidationError(errors)

    def deadline_problems(self) -> dict:
        """What is wrong with the deadline: both or neither of a deadline and ongoing, a month
        not stored as its last day, a deadline outside the plan's years."""
        if self.ongoing and self.due_on:
            return {"due_on": _("An ongoing activity has no deadline; choose one or the other.")}
        if not self.ongoing and not self.due_on:
            return {"due_on": _("Choose the month or day the activity is done, or ongoing.")}
        if self.ongoing:
            return {}
        if self.due_precision == Precision.MONTH and not is_last_day(self.due_on):
            return {"due_on": _("A deadline of a whole month is stored as the month's last day.")}
        plan = self.goal.plan if self.goal_id else None
        if plan is not None and self.due_on.year not in plan.years:
            return {
                "due_on": _("The deadline must fall within the plan's years (%(years)s).")
                % {"years": plan.period_label}
            }
        return {}

    @property
    def timing_label(self) -> str:
        """ "Ongoing", "maj 2026" or "15 maj 2026", in the active language."""
        return timing_text(self.ongoing, self.due_on, self.due_precision)

    @property
    def overdue_text(self) -> str:
        """ "Overdue since 31 May 2026" when annotated overdue (`goals.selectors.with_overdue`)."""
        return overdue_text(self.due_on) if getattr(self, "overdue", False) else ""

    def is_overdue(self, today, latest_status: str | None) -> bool:
        """Whether the deadline has passed by `today` (a month's after its last day) and the
        latest reported status is neither done nor cancelled. Never when ongoing."""
        return activity_overdue(self.ongoing, self.due_on, today, latest_status)

    def is_evaluated_in(self, period: FollowUpPeriod) -> bool:
        """Whether the activity is evaluated in the period: a month it adds is chosen."""
        return is_evaluated_in(self.evaluated_months, period)

    def is_due_by(self, period: FollowUpPeriod) -> bool:
        """Whether the activity should be done by the end of the period (never, if ongoing)."""
        return not self.ongoing and self.due_on is not None and self.due_on <= period.ends_on


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


def activity_overdue(
    ongoing: bool, due_on: datetime.date | None, today: datetime.date, latest_status: str | None
) -> bool:
    """Whether an activity's deadline has passed by `today` and its latest reported status is
    neither done nor cancelled (`Activity.is_overdue`, for an activity read as plain values)."""
    return (
        not ongoing
        and due_on is not None
        and due_on < today
        and latest_status not in (ActivityStatus.Status.DONE, ActivityStatus.Status.CANCELLED)
    )
