"""A plan's goals and their sub-goals."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from planning.models import Perspective, Plan


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
    label = models.CharField(
        _("numbered as"),
        max_length=20,
        blank=True,
        help_text=_("As the document writes it, e.g. Mål 4, 1.2 or A. Empty: the goal's number."),
    )
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
    perspective = models.ForeignKey(
        Perspective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("perspective"),
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
        return f"{self.numbering}. {self.title}"

    @property
    def numbering(self) -> str:
        """The goal's number as the document writes it: its label, else its number."""
        return self.label or str(self.number)

    def clean(self) -> None:
        self.label = (self.label or "").strip()
        if (
            self.perspective_id
            and self.plan_id
            and self.perspective.organisation_id != self.plan.organisation_id
        ):
            raise ValidationError(
                {"perspective": _("Choose a perspective of the plan's organisation.")}
            )
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


class SubGoal(Versioned):
    """A sub-goal (delmål, måluppfyllelse) of a goal, which indicators and activities may
    belong to: a plan's "A → indicator A → activity A" chain."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="sub_goals", verbose_name=_("goal")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(
        _("numbered as"), max_length=20, blank=True, help_text=_("e.g. A, 1.1 or 4a")
    )
    title = models.CharField(_("sub-goal"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "position", "id"]
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")

    def __str__(self) -> str:
        return f"{self.label} {self.title}" if self.label else self.title

    def clean(self) -> None:
        self.title = (self.title or "").strip()
        self.label = (self.label or "").strip()
        if not self.title:
            raise ValidationError({"title": _("Write the sub-goal.")})
