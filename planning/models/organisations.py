"""Organisations and their unit trees, and the roles people hold on them."""

import re
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from simple_history.models import HistoricalRecords

MIN_YEAR = 1990
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def logo_path(organisation: "Organisation", filename: str) -> str:
    """Where a logo is stored: a name nobody can guess (the file is served only to people
    who may see the organisation, see `planning.views.files`)."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    extension = "jpg" if extension == "jpeg" else extension
    return f"logos/{uuid.uuid4().hex}.{extension or 'png'}"


def validate_logo(file) -> None:
    """A PNG or JPEG image of at most 1 MB and 4000 x 4000 pixels.

    Read by Pillow, not trusted by its name: a file that only says it is an image, or an
    image of another kind (SVG can carry scripts), is refused.
    """
    if getattr(file, "_committed", False):
        return  # stored already: checked when it was uploaded
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s kB; it may be at most %(limit)s kB."),
            code="logo_size",
            params={"size": (file.size + 1023) // 1024, "limit": LOGO_MAX_BYTES // 1024},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The logo must be a PNG or JPEG image; this file is not one."), code="logo_type"
        ) from None
    finally:
        file.seek(position)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("The logo must be a PNG or JPEG image, not %(format)s."),
            code="logo_type",
            params={"format": image_format},
        )
    if max(width, height) > LOGO_MAX_PIXELS:
        raise ValidationError(
            _("The logo may be at most %(limit)s pixels wide and high."),
            code="logo_dimensions",
            params={"limit": LOGO_MAX_PIXELS},
        )


class ReportLanguage(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    BOKMAL = "nb", _("Norwegian Bokmål")
    NYNORSK = "nn", _("Norwegian Nynorsk")
    ENGLISH = "en", _("English")


# The organisation's own word for each level of its tree, by field name.
LEVEL_FIELDS = {
    "committee": "level_committee",
    "administration": "level_administration",
    "operation": "level_operation",
    "department": "level_department",
    "unit": "level_unit",
}


def level_word_field(verbose_name, example):
    return models.CharField(
        verbose_name,
        max_length=60,
        blank=True,
        help_text=example,
    )


class Organisation(models.Model):
    """A municipality or region: the root of a unit tree and the owner of follow-up periods.

    It names the levels of its tree in its own words (nämnd or utval, förvaltning, etat or
    sektor...), writes its reports in one language, and works with related organisations (a
    region and its municipalities): only those may be partners of its joint plans.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        OTHER = "other", _("Other organisation")

    class Country(models.TextChoices):
        SWEDEN = "SE", _("Sweden")
        NORWAY = "NO", _("Norway")

    name = models.CharField(_("name"), max_length=200, unique=True)
    official_name = models.CharField(
        _("official name"),
        max_length=200,
        blank=True,
        help_text=_(
            "As written on report covers, e.g. Sorsele kommun. Leave empty to use the name."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MUNICIPALITY)
    country = models.CharField(_("country"), max_length=2, choices=Country, default=Country.SWEDEN)
    report_language = models.CharField(
        _("language of reports"),
        max_length=2,
        choices=ReportLanguage,
        default=ReportLanguage.SWEDISH,
        help_text=_("The language of the organisation's reports and of the e-mails it sends."),
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=8,
        blank=True,
        help_text=_("Official code, e.g. 2422 for Sorsele (Kolada) or 4631 for Alver (SSB)."),
    )
    comparison_group = models.CharField(
        _("comparison group"),
        max_length=20,
        blank=True,
        help_text=_(
            "Kolada municipality group to compare with, e.g. G33 (similar municipalities)."
        ),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        validators=[validate_logo],
        help_text=_("For report covers: a PNG or JPEG image of at most 1 MB."),
    )
    relative_share = models.DecimalField(
        # xgettext:no-python-format
        _("relative targets: yellow from (% of the target)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("90"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "For indicators coloured relative to their target value: green at the target, "
            "yellow from this share of it (up to target × (2 − share) when lower is better), "
            "red beyond. An indicator may set its own."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind unit managers (days before the deadline)"),
        default=7,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "Those who have not reported get an e-mail this many days before a period's "
            "reporting deadline, and one when it has passed. 0: only when it has passed."
        ),
    )
    level_committee = level_word_field(_("word for committee"), _("e.g. nämnd, utval, utvalg"))
    level_administration = level_word_field(
        _("word for administration"), _("e.g. förvaltning, etat, sektor")
    )
    level_operation = level_word_field(
        _("word for operation"), _("e.g. verksamhet, virksomhet, tjenesteområde")
    )
    level_department = level_word_field(_("word for department"), _("e.g. avdelning, avdeling"))
    level_unit = level_word_field(_("word for unit"), _("e.g. enhet, eining"))
    related_organisations = models.ManyToManyField(
        "self",
        through="OrganisationRelation",
        through_fields=("organisation", "related"),
        symmetrical=False,
        blank=True,
        related_name="related_by",
        verbose_name=_("related organisations"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        code = (self.municipality_code or "").strip()
        self.municipality_code = code
        if not code:
            return
        if self.country == self.Country.NORWAY:
            valid = re.fullmatch(r"\d{2}|\d{4}", code)
            message = _(
                "A Norwegian code is the SSB kommune number (4 digits, e.g. 4631) or the "
                "county number (2 digits, e.g. 46)."
            )
        else:
            valid = re.fullmatch(r"\d{4}", code)
            message = _("A Swedish code is Kolada's 4-digit municipality id, e.g. 2422.")
        if not valid:
            raise ValidationError({"municipality_code": message})

    @property
    def display_name(self) -> str:
        """The name as written on report covers."""
        return self.official_name or self.name

    def level_word(self, kind: str) -> str:
        """The organisation's word for a level of its tree, or the standard one."""
        word = getattr(self, LEVEL_FIELDS[kind], "") if kind in LEVEL_FIELDS else ""
        return word or str(Unit.Kind(kind).label)

    def level_choices(self) -> list[tuple[str, str]]:
        """The kinds of unit, in the organisation's words."""
        return [(kind, self.level_word(kind)) for kind in Unit.Kind.values]


class OrganisationRelation(models.Model):
    """One organisation's statement that it works with another (a region with a municipality
    of its county, municipalities of a joint board).

    Joint plans are made only between organisations that have each listed the other, so that
    nobody is made a partner of a plan without having agreed to work with its organisation.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="relations",
        verbose_name=_("organisation"),
    )
    related = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("related organisation"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "related__name"]
        verbose_name = _("related organisation")
        verbose_name_plural = _("related organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "related"], name="organisation_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("related")),
                name="organisation_relation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.related}"

    def clean(self) -> None:
        if self.organisation_id and self.organisation_id == self.related_id:
            raise ValidationError({"related": _("An organisation cannot be related to itself.")})


KOLADA_OU = RegexValidator(
    r"^[A-Za-z0-9]+$",
    _("A Kolada unit id is letters and digits only, e.g. V15E242200101."),
    code="kolada_ou",
)


class UnitQuerySet(models.QuerySet):
    def open(self) -> "UnitQuerySet":
        """The units that are not closed: those offered in pickers."""
        return self.filter(closed_on__isnull=True)


class Unit(models.Model):
    """A node of an organisation's tree: committee, administration, operation, department, unit.

    A unit without a parent sits directly under its organisation. Roles granted on a unit
    cover every unit below it. A closed unit keeps its place, its history and everything
    reported for it; it is no longer offered when something new is chosen.
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
        validators=[KOLADA_OU],
        help_text=_("The unit's id in Kolada (organisational unit, ou), for unit-level values."),
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("A closed unit keeps its history but is no longer offered in choices."),
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            # Among open units: a closed unit's name may be used again by its successor.
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"],
                condition=Q(closed_on__isnull=True),
                name="unit_unique_name_under_parent",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def kind_label(self) -> str:
        """The unit's level in its organisation's words."""
        return self.organisation.level_word(self.kind)

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        if self.parent_id is None:
            self._check_name_free()
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError(
                {"parent": _("The parent unit must belong to the same organisation.")}
            )
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": _(
                            "A unit cannot be placed below itself or one of its own units: "
                            "%(parent)s is part of %(unit)s."
                        )
                        % {"unit": self.name, "parent": self.parent.name}
                    }
                )
            node = node.parent
        if self.closed_on is None and self.parent.closed_on is not None:
            message = _("%(parent)s is closed: choose an open unit.") % {"parent": self.parent}
            raise ValidationError({"parent": message})
        self._check_name_free()

    def _check_name_free(self) -> None:
        """Two open units under the same parent (or at the top) cannot share a name."""
        if self.closed_on is not None or not self.name or not self.organisation_id:
            return
        siblings = Unit.objects.open().filter(
            organisation_id=self.organisation_id, parent_id=self.parent_id, name__iexact=self.name
        )
        if self.pk is not None:
            siblings = siblings.exclude(pk=self.pk)
        if siblings.exists():
            raise ValidationError(
                {
                    "name": _("There is already a unit called %(name)s in the same place.")
                    % {"name": self.name}
                },
                code="unit_name_taken",
            )

    def validate_constraints(self, exclude=None) -> None:
        # The name rule is checked by `clean` (case-insensitively, at the top too), with a
        # message that names the unit; the database constraint stays as the last guard.
        super().validate_constraints(exclude={*(exclude or ()), "name"})

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
