"""Plans (steering documents) and the units' statements that their part of a follow-up is ready."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import ChecksTogether
from core.versioning import Versioned
from planning.models.organisations import Organisation, Unit, year_validators
from planning.models.periods import FollowUpPeriod


class Plan(ChecksTogether, Versioned):
    """A steering document: strategy, community plan, operational plan, action plan...

    Owned by one unit of one organisation; a joint plan has a lead organisation and partner
    organisations and may have no owner unit.
    """

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        COMMUNITY_PLAN = "community_plan", _("Community plan")
        SECTOR_PLAN = "sector_plan", _("Municipal sector plan")
        OPERATIONAL_PLAN = "operational_plan", _("Operational plan")
        ACTION_PLAN = "action_plan", _("Action plan")
        ACTIVITY_PLAN = "activity_plan", _("Activity plan")
        PLANNING_PROGRAMME = "planning_programme", _("Planning programme")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("Consultation")
        DECIDED = "decided", _("Decided")
        ARCHIVED = "archived", _("Archived")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("organisation"),
        help_text=_("For a joint plan: the lead organisation."),
    )
    partner_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="joint_plans",
        verbose_name=_("partner organisations"),
        help_text=_("Other organisations that own a joint plan."),
    )
    owner_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("owner unit"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent plan"),
        help_text=_("The plan above this one in the governance chain."),
    )
    rolled_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rolled_over_to",
        verbose_name=_("copied from"),
        help_text=_("The previous period's plan this plan was copied from."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=year_validators)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=year_validators)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)

    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, help_text=_("e.g. Kommunstyrelsen")
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decided_at = models.DateTimeField(
        _("locked at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the plan was marked decided; its content as of then is what was decided."
        ),
    )
    decision_paragraph = models.CharField(
        _("paragraph"), max_length=50, blank=True, help_text=_("e.g. § 190")
    )
    registration_number = models.CharField(
        _("registration number"), max_length=100, blank=True, help_text=_("e.g. 2022/455-012")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    responsible = models.CharField(
        _("responsible"), max_length=200, blank=True, help_text=_("e.g. Omsorgschef Sara Johansson")
    )

    vision = models.TextField(_("vision"), blank=True)
    core_values = models.TextField(_("core values"), blank=True)
    steering_documents = models.TextField(_("other steering documents"), blank=True)
    gender_equality = models.TextField(_("gender equality"), blank=True)
    child_rights = models.TextField(_("the child's rights"), blank=True)
    sustainability = models.TextField(_("sustainability"), blank=True)

    history = HistoricalRecords()

    # The plan's texts of several paragraphs, which lists of plans leave unread (`defer`).
    LONG_TEXTS = (
        "vision",
        "core_values",
        "steering_documents",
        "gender_equality",
        "child_rights",
        "sustainability",
    )

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_years_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decision_date__isnull=False),
                name="plan_decided_has_decision_date",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="plan_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot be before the first year.")
        if (
            self.owner_unit_id
            and self.organisation_id
            and self.owner_unit.organisation_id != self.organisation_id
        ):
            errors["owner_unit"] = _("The owner unit must belong to the plan's organisation.")
        if self.status == self.Status.DECIDED and not self.decision_date:
            errors["decision_date"] = _("A decided plan needs its decision date.")
        if self.parent_id:
            node = self.parent
            while node is not None:
                if self.pk is not None and node.pk == self.pk:
                    errors["parent"] = _("A plan cannot be placed below itself.")
                    break
                node = node.parent
        if errors:
            raise ValidationError(errors)

    def period_problem(self, period: "FollowUpPeriod") -> str | None:
        """Why a follow-up period cannot be used for this plan, or None if it can."""
        if period.organisation_id != self.organisation_id:
            return str(_("The period must belong to the plan's organisation."))
        if period.year not in self.years:
            return str(
                _("The period must fall within the plan's years (%(years)s).")
                % {"years": self.period_label}
            )
        return None

    def is_owned_by(self, organisation_id: int | None) -> bool:
        """Whether the organisation owns the plan: it leads it or is a partner of it. The
        units and people of every owner may own and report the plan's activities and values."""
        if organisation_id is None:
            return False
        if organisation_id == self.organisation_id:
            return True
        return (
            self.pk is not None and self.partner_organisations.filter(pk=organisation_id).exists()
        )

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def period_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"

    @property
    def decision_label(self) -> str:
        """The decision as written on the document: "2022-11-29 § 190"."""
        parts = [
            self.decision_date.isoformat() if self.decision_date else "",
            self.decision_paragraph,
        ]
        return " ".join(part for part in parts if part)


class ReportReadiness(models.Model):
    """A unit's statement that its part of a plan's follow-up for a period is ready."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="readiness", verbose_name=_("plan")
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        related_name="readiness",
        verbose_name=_("follow-up period"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="readiness", verbose_name=_("unit")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked ready by"),
    )
    marked_at = models.DateTimeField(_("marked ready at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "period__starts_on", "unit__name"]
        verbose_name = _("ready mark")
        verbose_name_plural = _("ready marks")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period", "unit"], name="readiness_unique_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.period} – {self.unit}"

    def clean(self) -> None:
        if not (self.plan_id and self.period_id and self.unit_id):
            return
        errors = {}
        problem = self.plan.period_problem(self.period)
        if problem:
            errors["period"] = problem
        if not self.plan.is_owned_by(self.unit.organisation_id):
            errors["unit"] = _(
                "The unit must belong to one of the organisations that own the plan."
            )
        if errors:
            raise ValidationError(errors)
