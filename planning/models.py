"""Organisations, their unit trees, plans, follow-up periods and memberships."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned

MIN_YEAR = 1990
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class FollowUpScheme(models.TextChoices):
    TERTIAL = "tertial", _("Tertials (T1, T2, year-end)")
    HALF_YEAR = "half_year", _("Half-years (H1, year-end)")
    QUARTER = "quarter", _("Quarters (Q1, Q2, Q3, year-end)")


class Organisation(models.Model):
    """A municipality or region: the root of a unit tree and the owner of follow-up periods."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        OTHER = "other", _("Other organisation")

    class Country(models.TextChoices):
        SWEDEN = "SE", _("Sweden")
        NORWAY = "NO", _("Norway")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MUNICIPALITY)
    country = models.CharField(_("country"), max_length=2, choices=Country, default=Country.SWEDEN)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=8,
        blank=True,
        help_text=_("Official code, e.g. 2422 for Sorsele (Kolada) or 4631 for Alver (SSB)."),
    )
    follow_up_scheme = models.CharField(
        _("follow-up scheme"), max_length=20, choices=FollowUpScheme, default=FollowUpScheme.TERTIAL
    )
    comparison_group = models.CharField(
        _("comparison group"),
        max_length=20,
        blank=True,
        help_text=_(
            "Kolada municipality group to compare with, e.g. G33 (similar municipalities)."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of an organisation's tree: committee, administration, operation, department, unit.

    A unit without a parent sits directly under its organisation. Roles granted on a unit
    cover every unit below it.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Committee")
        ADMINISTRATION = "administration", _("Administration")
        OPERATION = "operation", _("Operation")
        DEPARTMENT = "department", _("Department")
        UNIT = "unit", _("Unit")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    kolada_ou = models.CharField(
        _("Kolada unit id"),
        max_length=20,
        blank=True,
        help_text=_("The unit's id in Kolada (organisational unit, ou), for unit-level values."),
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="unit_unique_name_under_parent"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError(
                {"parent": _("The parent unit must belong to the same organisation.")}
            )
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A unit cannot be placed below itself or one of its own units.")}
                )
            node = node.parent

    def ancestors(self) -> list["Unit"]:
        """The units above this one, nearest first (one query per level; trees are shallow)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Plan(Versioned):
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


class FollowUpPeriod(models.Model):
    """A period of a year in which an organisation follows up its plans: T1, T2, T3 (year-end).

    Half-years and quarters are available to organisations that follow up that way.
    """

    class Kind(models.TextChoices):
        T1 = "T1", _("Tertial 1")
        T2 = "T2", _("Tertial 2")
        T3 = "T3", _("Year-end (tertial 3)")
        H1 = "H1", _("Half-year 1")
        H2 = "H2", _("Year-end (half-year 2)")
        Q1 = "Q1", _("Quarter 1")
        Q2 = "Q2", _("Quarter 2")
        Q3 = "Q3", _("Quarter 3")
        Q4 = "Q4", _("Year-end (quarter 4)")

    # kind -> (scheme, ordinal, first month, last month)
    LAYOUT = {
        "T1": (FollowUpScheme.TERTIAL, 1, 1, 4),
        "T2": (FollowUpScheme.TERTIAL, 2, 5, 8),
        "T3": (FollowUpScheme.TERTIAL, 3, 9, 12),
        "H1": (FollowUpScheme.HALF_YEAR, 1, 1, 6),
        "H2": (FollowUpScheme.HALF_YEAR, 2, 7, 12),
        "Q1": (FollowUpScheme.QUARTER, 1, 1, 3),
        "Q2": (FollowUpScheme.QUARTER, 2, 4, 6),
        "Q3": (FollowUpScheme.QUARTER, 3, 7, 9),
        "Q4": (FollowUpScheme.QUARTER, 4, 10, 12),
    }

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    kind = models.CharField(_("period"), max_length=2, choices=Kind)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_open = models.BooleanField(
        _("open for reporting"),
        default=False,
        help_text=_("Unit managers can report activities and values while the period is open."),
    )

    class Meta:
        ordering = ["organisation__name", "year", "starts_on"]
        verbose_name = _("follow-up period")
        verbose_name_plural = _("follow-up periods")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="period_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="period_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The period must end after it starts.")
        if self.year and self.starts_on and self.starts_on.year != self.year:
            errors["starts_on"] = _("The period must start in its own year.")
        if self.kind and self.organisation_id:
            scheme = self.LAYOUT[self.kind][0]
            if scheme != self.organisation.follow_up_scheme:
                errors["kind"] = _(
                    "%(organisation)s follows up by %(scheme)s; this period does not belong to it."
                ) % {
                    "organisation": self.organisation,
                    "scheme": FollowUpScheme(self.organisation.follow_up_scheme).label,
                }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def kinds_for(cls, scheme: str) -> list[str]:
        return [kind for kind, layout in cls.LAYOUT.items() if layout[0] == scheme]

    @classmethod
    def default_dates(cls, year: int, kind: str) -> tuple[datetime.date, datetime.date]:
        _scheme, _ordinal, first_month, last_month = cls.LAYOUT[kind]
        start = datetime.date(year, first_month, 1)
        if last_month == 12:
            end = datetime.date(year, 12, 31)
        else:
            end = datetime.date(year, last_month + 1, 1) - datetime.timedelta(days=1)
        return start, end

    @property
    def ordinal(self) -> int:
        return self.LAYOUT[self.kind][1]

    @property
    def is_year_end(self) -> bool:
        return self.LAYOUT[self.kind][3] == 12


class Role(models.TextChoices):
    PLANNER = "planner", _("Planner")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role on a unit, or on the whole organisation when no unit is given.

    A role on a unit covers every unit below it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
        help_text=_("Leave empty for a role on the whole organisation."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_org_role",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="membership_unique_unit_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit or self.organisation}"

    def clean(self) -> None:
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            raise ValidationError({"unit": _("The unit must belong to the organisation.")})


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
        if self.unit.organisation_id != self.plan.organisation_id:
            errors["unit"] = _("The unit must belong to the plan's organisation.")
        if errors:
            raise ValidationError(errors)
