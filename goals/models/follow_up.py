"""A goal's follow-up in a period: its assessment and analysis."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from goals.models.goals import Goal
from planning.models import FollowUpPeriod, assessment_levels


class GoalFollowUp(Versioned):
    """The planner's written analysis of a goal in a follow-up period, and the assessment."""

    class Assessment(models.TextChoices):
        """The levels of the default five-level scale (`planning.models.scales`): the keys
        of the assessments written before organisations had scales of their own."""

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
    # A level of the plan's organisation's scale, by its key (`planning.AssessmentLevel`).
    assessment = models.CharField(
        _("assessment"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[-a-z0-9_]*$")],
    )
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
        if self.assessment:
            levels = assessment_levels(self.goal.plan.organisation)
            if self.assessment not in {level.key for level in levels}:
                raise ValidationError(
                    {
                        "assessment": _("Choose one of the levels: %(levels)s.")
                        % {
                            "levels": ", ".join(
                                level.label() for level in levels if level.is_active
                            )
                        }
                    }
                )

    @property
    def level(self):
        """The level of the organisation's scale this assessment is, or None."""
        if not self.assessment:
            return None
        levels = assessment_levels(self.goal.plan.organisation)
        return next((level for level in levels if level.key == self.assessment), None)
