"""How a plan comes to be decided: the steps of its decision process, in order.

A plan may be prepared in a working committee or a steering group ("AU § 109, left open"), sent
out for consultation (samråd, høyring) and decided by one or more bodies (KS → KF); a joint plan
is decided by each organisation that owns it. Each step is recorded as it happened, so that a
preparing body's paragraph never reads as the decision. The plan's life cycle follows from the
steps (`planning.services.decisions`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planning.models.organisations import Organisation
from planning.models.plans import Plan


class DecisionStep(models.Model):
    """One step of a plan's decision process: a preparation, a consultation or a decision."""

    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Preparation (working committee, steering group)")
        CONSULTATION = "consultation", _("Consultation")
        DECISION = "decision", _("Decision")

    class Outcome(models.TextChoices):
        PROPOSES = "proposes", _("proposes that it be decided")
        LEFT_OPEN = "left_open", _("left open")
        RETURNED = "returned", _("sent back for more work")
        DECIDED = "decided", _("decided")
        REJECTED = "rejected", _("rejected")

    # The outcomes each kind of step may have (a consultation has none).
    OUTCOMES = {
        Kind.PREPARATION: (Outcome.PROPOSES, Outcome.LEFT_OPEN, Outcome.RETURNED),
        Kind.DECISION: (Outcome.DECIDED, Outcome.REJECTED, Outcome.RETURNED),
        Kind.CONSULTATION: (),
    }

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="decision_steps", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("step"), max_length=20, choices=Kind)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("For a joint plan: whose step it is. Empty: the lead organisation."),
        null=True,
        blank=True,
    )
    body = models.CharField(
        _("body"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Arbetsutskottet, Kommunstyrelsen, Kommunfullmäktige"),
    )
    held_on = models.DateField(
        _("date"), help_text=_("The meeting's date, or the day the consultation opened.")
    )
    ends_on = models.DateField(
        _("consultation closes"),
        null=True,
        blank=True,
        help_text=_("The last day for responses."),
    )
    paragraph = models.CharField(_("paragraph"), max_length=50, blank=True, help_text=_("§ 109"))
    registration_number = models.CharField(
        _("registration number"), max_length=100, blank=True, help_text=_("e.g. 2024/455-012")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    consultees = models.TextField(
        _("consultees"), blank=True, help_text=_("Who was asked, one per line.")
    )
    responses = models.PositiveIntegerField(_("number of responses"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("held_on")),
                name="decision_step_consultation_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def owner(self) -> Organisation:
        """The organisation whose step it is."""
        return self.organisation if self.organisation_id else self.plan.organisation

    def previous(self) -> "DecisionStep | None":
        """The step recorded before this one."""
        steps = DecisionStep.objects.filter(plan_id=self.plan_id)
        if self.pk is not None:
            steps = steps.filter(
                Q(position__lt=self.position) | Q(position=self.position, pk__lt=self.pk)
            )
        return steps.order_by("-position", "-pk").first()

    def clean(self) -> None:
        self.body = (self.body or "").strip()
        errors: dict[str, str] = {}
        kind = self.Kind(self.kind) if self.kind in self.Kind.values else None
        if kind is None:
            raise ValidationError({"kind": _("Choose preparation, consultation or decision.")})
        if kind == self.Kind.CONSULTATION:
            if not self.ends_on:
                errors["ends_on"] = _("Write the last day for responses.")
            elif self.held_on and self.ends_on < self.held_on:
                errors["ends_on"] = _("The consultation cannot close before it opens.")
            if self.outcome:
                errors["outcome"] = _("A consultation has no outcome: write its summary.")
        else:
            if not self.body:
                errors["body"] = _("Write which body met, e.g. Kommunstyrelsen.")
            if self.outcome not in self.OUTCOMES[kind]:
                errors["outcome"] = _("Choose one of: %(outcomes)s.") % {
                    "outcomes": ", ".join(str(self.Outcome(o).label) for o in self.OUTCOMES[kind])
                }
            for name in ("ends_on", "consultees", "responses", "summary"):
                if getattr(self, name) not in (None, ""):
                    errors[name] = _("Only a consultation has this.")
        if (
            self.plan_id
            and self.organisation_id
            and not self.plan.is_owned_by(self.organisation_id)
        ):
            errors["organisation"] = _("Choose one of the organisations that own the plan.")
        previous = self.previous() if self.plan_id else None
        if previous is not None and self.held_on and self.held_on < previous.held_on:
            errors["held_on"] = _(
                "The step is dated before the previous one (%(step)s, %(date)s): steps are "
                "recorded in the order they happened."
            ) % {
                "step": previous.get_kind_display().lower(),
                "date": date_format(previous.held_on, "SHORT_DATE_FORMAT"),
            }
        if errors:
            raise ValidationError(errors)
