"""What an organisation defines for all its plans: its perspectives (a balanced scorecard's
citizens, staff, finances, processes, or the council's own) and its scale for assessing goals
(three levels with "partly", five levels...), with its labels in each language."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planning.models.organisations import Organisation
from planning.models.schemes import in_language

LABEL_LANGUAGES = ("sv", "nb", "nn", "en")


class Perspective(models.Model):
    """A perspective of the organisation's steering (e.g. "Medborgare", "Medarbetare",
    "Ekonomi"): goals and indicators belong to one, and the overview and the report can be
    read by perspective."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="perspectives",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "position", "id"]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="perspective_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": _("Name the perspective.")})
        if not self.organisation_id:
            return
        same = Perspective.objects.filter(
            organisation_id=self.organisation_id, name__iexact=self.name
        )
        if self.pk is not None:
            same = same.exclude(pk=self.pk)
        if same.exists():
            raise ValidationError(
                {"name": _("There is already a perspective called %(name)s.") % {"name": self.name}}
            )

    def validate_constraints(self, exclude=None) -> None:
        # `clean` checks the name case-insensitively, with a message naming it.
        super().validate_constraints(exclude={*(exclude or ()), "name"})


class Meaning(models.TextChoices):
    """What a level of an assessment scale means for the roll-ups ("9 of 14 goals fulfilled")."""

    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY = "partly", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")
    NOT_ASSESSABLE = "not_assessable", _("Cannot be assessed")


# The scales organisations start from: (key, meaning, sv, nb, nn, en). The five-level scale is
# the one Styrkort always had: its keys are those of the assessments written with it.
FIVE_LEVELS = (
    ("achieved", Meaning.FULFILLED, "Uppfyllt", "Nådd", "Nådd", "Achieved"),
    ("expected", Meaning.PARTLY, "Förväntas uppfyllas", "Forventes nådd", "Blir truleg nådd",
     "Expected to be achieved"),
    ("uncertain", Meaning.NOT_ASSESSABLE, "Osäkert", "Usikkert", "Usikkert", "Uncertain"),
    ("not_expected", Meaning.NOT_FULFILLED, "Förväntas inte uppfyllas", "Forventes ikke nådd",
     "Blir truleg ikkje nådd", "Not expected to be achieved"),
    ("not_achieved", Meaning.NOT_FULFILLED, "Inte uppfyllt", "Ikke nådd", "Ikkje nådd",
     "Not achieved"),
)  # fmt: skip
THREE_LEVELS = (
    ("fulfilled", Meaning.FULFILLED, "Uppfyllt", "Oppfylt", "Oppfylt", "Fulfilled"),
    ("partly", Meaning.PARTLY, "Delvis uppfyllt", "Delvis oppfylt", "Delvis oppfylt",
     "Partly fulfilled"),
    ("not_fulfilled", Meaning.NOT_FULFILLED, "Inte uppfyllt", "Ikke oppfylt", "Ikkje oppfylt",
     "Not fulfilled"),
)  # fmt: skip
SCALES = {"five": FIVE_LEVELS, "three": THREE_LEVELS}
DEFAULT_SCALE = "five"


class AssessmentLevel(models.Model):
    """A level of the organisation's scale for assessing goals, with its label in each
    language and what it means for the roll-ups. A level no longer offered (`is_active`
    false) keeps the assessments made with it readable."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="assessment_levels",
        verbose_name=_("organisation"),
    )
    key = models.SlugField(_("key"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    meaning = models.CharField(_("means"), max_length=20, choices=Meaning)
    label_sv = models.CharField(_("label in Swedish"), max_length=100)
    label_nb = models.CharField(_("label in Norwegian Bokmål"), max_length=100)
    label_nn = models.CharField(_("label in Norwegian Nynorsk"), max_length=100)
    label_en = models.CharField(_("label in English"), max_length=100)
    is_active = models.BooleanField(_("offered"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "position", "id"]
        verbose_name = _("assessment level")
        verbose_name_plural = _("assessment levels")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="assessment_level_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        """The label in `language` (the active one by default); Swedish when it has none."""
        return in_language(self, "label", language)

    def clean(self) -> None:
        errors = {}
        for code in LABEL_LANGUAGES:
            name = f"label_{code}"
            setattr(self, name, (getattr(self, name) or "").strip())
            if not getattr(self, name):
                errors[name] = _("Write the label in every language.")
        if errors:
            raise ValidationError(errors)


def default_levels(organisation: Organisation | None = None, scale: str = DEFAULT_SCALE):
    """A scale's levels, unsaved (for an organisation that has none stored)."""
    return [
        AssessmentLevel(
            organisation=organisation,
            key=key,
            position=position,
            meaning=meaning,
            label_sv=sv,
            label_nb=nb,
            label_nn=nn,
            label_en=en,
        )
        for position, (key, meaning, sv, nb, nn, en) in enumerate(SCALES[scale])
    ]


def assessment_levels(organisation: Organisation) -> list[AssessmentLevel]:
    """The organisation's scale, in order: its stored levels (prefetched ones are used), or the
    default five levels when it has stored none."""
    stored = list(organisation.assessment_levels.all())
    return stored or default_levels(organisation)
