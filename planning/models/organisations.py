"""Organisations and their unit trees, and the roles people hold on them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
