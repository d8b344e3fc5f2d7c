"""An indicator's target, declared once: its kind, its fields, and what each kind needs.

`Target` names the model fields that hold what an indicator aims at and how its values are
coloured, and converts between those fields and the colour rule (`indicators.colour.judge`,
`bands_of`). The form, the preview, the services, roll-over, reusing a measure, the import
and the admin take the field names and values from here: a new target field is declared here
and in the model, and nowhere else.

Every kind has its own fields (`KIND_FIELDS`); a field of another kind is refused when it is
filled (`Target.problems`), so that nothing a person wrote is silently ignored:
- bands: the green bound (required) and the red bound, each with its side;
- relative: the target value (required) and the share of it from which it is yellow (empty: the
  organisation's default, see `planning.Organisation.relative_share`);
- change: the baseline (a year-end period for "compared with 2024", or any period), the value at
  the baseline when it is not measured in Styrkort, and a tolerance for "unchanged";
- gap: the reference (the whole country's or the comparison group's value from open data, or an
  entered value with its name) and the baseline, its value and the tolerance, as for change;
- monitor, under development: nothing (no target value either);
- text: the target as written (required).
The direction (higher or lower is better) belongs to every kind that colours, and says for a
monitored indicator which way is better in its trend.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.colour import (
    DEFAULT_SHARE,
    Bands,
    Direction,
    TargetKind,
    bands_of,
    format_value,
    problems,
)


class KindChoice(models.TextChoices):
    """The kinds of target as a person chooses them (`indicators.colour.TargetKind`)."""

    BANDS = TargetKind.BANDS.value, gettext_lazy("Bands: red, yellow and green bounds")
    RELATIVE = TargetKind.RELATIVE.value, gettext_lazy("Relative to the target value")
    CHANGE = TargetKind.CHANGE.value, gettext_lazy("Change against a baseline (shall increase)")
    GAP = TargetKind.GAP.value, gettext_lazy("Gap to a reference (shall shrink)")
    MONITOR = TargetKind.MONITOR.value, gettext_lazy("Monitor only (observation, no colour)")
    DEVELOPING = TargetKind.DEVELOPING.value, gettext_lazy("Under development (no measure yet)")
    TEXT = TargetKind.TEXT.value, gettext_lazy("Target in words, assessed by a person")


KIND_HELP = {
    TargetKind.BANDS: gettext_lazy(
        "Green from the green bound, red from the red bound, yellow between them."
    ),
    TargetKind.RELATIVE: gettext_lazy(
        "Green at the target value or better, yellow from a share of it (e.g. 90 %), red below."
    ),
    TargetKind.CHANGE: gettext_lazy(
        "“Shall increase compared with 2024”: the colour comes from the change since the baseline."
    ),
    TargetKind.GAP: gettext_lazy(
        "“The gap to the national average shall shrink”: the colour comes from how the gap "
        "moved since the baseline."
    ),
    TargetKind.MONITOR: gettext_lazy("Shown, charted and followed over time, never coloured."),
    TargetKind.DEVELOPING: gettext_lazy(
        "The indicator is still to be developed: it has no measure yet, and says so."
    ),
    TargetKind.TEXT: gettext_lazy(
        "The target and its result are written in words; a person assesses the result."
    ),
}


class DirectionChoice(models.TextChoices):
    """Which way is better (`indicators.colour.Direction`), as a person chooses it."""

    HIGHER = Direction.HIGHER_IS_BETTER.value, gettext_lazy("Higher is better")
    LOWER = Direction.LOWER_IS_BETTER.value, gettext_lazy("Lower is better")


class ReferenceKind(models.TextChoices):
    """What a gap target compares with."""

    NATIONAL = "national", gettext_lazy("The whole country (open data)")
    GROUP_MEAN = "group_mean", gettext_lazy("The comparison group's mean (open data)")
    ENTERED = "entered", gettext_lazy("A value entered here (e.g. the county's)")


# The fields of each kind besides the kind, the direction, the target value and its text.
BAND_ONLY = ("green_bound", "green_bound_inclusive", "red_bound", "red_bound_inclusive")
KIND_FIELDS: dict[TargetKind, tuple[str, ...]] = {
    TargetKind.BANDS: BAND_ONLY,
    TargetKind.RELATIVE: ("relative_share",),
    TargetKind.CHANGE: ("baseline_period", "baseline_value", "change_tolerance"),
    TargetKind.GAP: (
        "reference_kind",
        "reference_value",
        "reference_label",
        "baseline_period",
        "baseline_value",
        "change_tolerance",
    ),
    TargetKind.MONITOR: (),
    TargetKind.DEVELOPING: (),
    TargetKind.TEXT: (),
}
# Fields a kind may leave as they are although another kind owns them: the sides of the bounds
# are booleans with a default, never "filled in".
SIDE_FIELDS = frozenset({"green_bound_inclusive", "red_bound_inclusive"})
# The kinds that have no target value.
WITHOUT_TARGET_VALUE = frozenset({TargetKind.MONITOR, TargetKind.DEVELOPING, TargetKind.TEXT})
# The names of the target's fields, for the model (its verbose names) and for messages.
FIELD_LABELS = {
    "target_kind": gettext_lazy("kind of target"),
    "direction": gettext_lazy("direction"),
    "green_bound": gettext_lazy("green from"),
    "green_bound_inclusive": gettext_lazy("the bound itself is green"),
    "red_bound": gettext_lazy("red from"),
    "red_bound_inclusive": gettext_lazy("the bound itself is red"),
    "target_value": gettext_lazy("target value"),
    "target_text": gettext_lazy("target as written"),
    # xgettext:no-python-format
    "relative_share": gettext_lazy("yellow from (% of the target)"),
    "baseline_period": gettext_lazy("baseline"),
    "baseline_value": gettext_lazy("value at the baseline"),
    "change_tolerance": gettext_lazy("tolerance for “unchanged”"),
    "reference_kind": gettext_lazy("reference"),
    "reference_value": gettext_lazy("reference value"),
    "reference_label": gettext_lazy("name of the reference"),
}


def period_label(period: Any) -> str:
    """A baseline period as people write it: "2024" for a year-end period, else "T1 2024"."""
    if period is None:
        return ""
    if period.is_year_end:
        return str(period.year)
    return f"{period.kind} {period.year}"


@dataclass(frozen=True)
class Target:
    """The target of an indicator (see `indicators.colour` for the rule)."""

    kind: TargetKind = TargetKind.BANDS
    direction: Direction = Direction.HIGHER_IS_BETTER
    green_bound: Decimal | None = None
    green_inclusive: bool = True
    red_bound: Decimal | None = None
    red_inclusive: bool = True
    value: Decimal | None = None
    text: str = ""
    share: Decimal | None = None
    baseline_period: Any = None  # a planning.FollowUpPeriod
    baseline_value: Decimal | None = None
    tolerance: Decimal | None = None
    reference_kind: str = ""
    reference_value: Decimal | None = None
    reference_label: str = ""
    # Not a field: the organisation's share for relative targets that do not set their own.
    default_share: Decimal | None = field(default=None, compare=False)

    # The model's field for each attribute, in the order forms show them.
    MODEL_FIELDS: ClassVar[dict[str, str]] = {
        "kind": "target_kind",
        "direction": "direction",
        "green_bound": "green_bound",
        "green_inclusive": "green_bound_inclusive",
        "red_bound": "red_bound",
        "red_inclusive": "red_bound_inclusive",
        "value": "target_value",
        "text": "target_text",
        "share": "relative_share",
        "baseline_period": "baseline_period",
        "baseline_value": "baseline_value",
        "tolerance": "change_tolerance",
        "reference_kind": "reference_kind",
        "reference_value": "reference_value",
        "reference_label": "reference_label",
    }
    # The fields that decide the bands of the kind "bands", and the numbers among all fields.
    BAND_FIELDS: ClassVar[tuple[str, ...]] = ("direction", *BAND_ONLY)
    DECIMAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "green_bound",
        "red_bound",
        "target_value",
        "relative_share",
        "baseline_value",
        "change_tolerance",
        "reference_value",
    )
    # How the band fields sit in a form's rows: each bound beside its side.
    BAND_ROWS: ClassVar[tuple[str | tuple[str, str], ...]] = (
        "direction",
        ("green_bound", "green_bound_inclusive"),
        ("red_bound", "red_bound_inclusive"),
    )
    # Fields of one kind or another (not the kind, direction, target value and text).
    KIND_FIELDS: ClassVar[dict[TargetKind, tuple[str, ...]]] = KIND_FIELDS

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """Every model field of the target, the kind and the bands first."""
        return tuple(cls.MODEL_FIELDS.values())

    @classmethod
    def colour_fields(cls) -> tuple[str, ...]:
        """The fields that decide a colour: all but the target as written."""
        return tuple(name for name in cls.fields() if name != "target_text")

    @classmethod
    def from_fields(
        cls, values: Mapping[str, Any], default_share: Decimal | None = None
    ) -> "Target":
        """A target from model field names to values (a model's, a form's or a row's).

        Missing fields take their defaults; an empty side counts as inclusive only where the
        field is absent, so that an unticked box (False) is kept.
        """
        found = {
            attribute: values[field_name]
            for attribute, field_name in cls.MODEL_FIELDS.items()
            if field_name in values and values[field_name] is not None
        }
        if "direction" in found:
            found["direction"] = Direction(found["direction"])
        found["kind"] = TargetKind(found.get("kind") or TargetKind.BANDS)
        return cls(**found, default_share=default_share)

    @classmethod
    def from_model(cls, obj: Any) -> "Target":
        """The target of an indicator (or of anything with the same fields). The baseline
        period is read only when there is one, and the organisation's share only for a
        relative target without its own."""
        values = {
            name: getattr(obj, name)
            for name in cls.fields()
            if name != "baseline_period" and hasattr(obj, name)
        }
        if getattr(obj, "baseline_period_id", None) is not None:
            values["baseline_period"] = obj.baseline_period
        default_share = None
        if (
            values.get("target_kind") == TargetKind.RELATIVE
            and values.get("relative_share") is None
        ):
            default_share = organisation_share(obj)
        return cls.from_fields(values, default_share)

    @classmethod
    def from_bands(cls, bands: Bands, value: Decimal | None = None) -> "Target":
        return cls(
            kind=TargetKind.BANDS,
            direction=bands.direction,
            green_bound=bands.green_bound,
            green_inclusive=bands.green_inclusive,
            red_bound=bands.red_bound,
            # A two-band indicator's red side is meaningless; it is stored as the default.
            red_inclusive=bands.red_inclusive if bands.red_bound is not None else True,
            value=value,
        )

    def as_fields(self, *, with_text: bool = False) -> dict[str, Any]:
        """The model's fields and their values, to save or to pass to a service (the target
        as written only with `with_text`: most callers keep it on its own)."""
        values = {
            field_name: getattr(self, attribute)
            for attribute, field_name in self.MODEL_FIELDS.items()
        }
        values["direction"] = self.direction.value
        values["target_kind"] = self.kind.value
        if not with_text:
            values.pop("target_text")
        return values

    # --- what the rule reads --------------------------------------------------------------------

    @property
    def effective_share(self) -> Decimal:
        """The share of the target value from which a relative target is yellow (per cent)."""
        return self.share or self.default_share or DEFAULT_SHARE

    @property
    def baseline_label(self) -> str:
        return period_label(self.baseline_period)

    @property
    def reference_text(self) -> str:
        """The reference in words: "the whole country", "the comparison group", "Länet"."""
        if self.reference_kind == ReferenceKind.NATIONAL:
            return _("the whole country")
        if self.reference_kind == ReferenceKind.GROUP_MEAN:
            return _("the comparison group")
        return self.reference_label or _("the reference")

    @property
    def bands(self) -> Bands | None:
        """The bands when they need no comparison (bands, relative); None otherwise."""
        if self.kind in (TargetKind.BANDS, TargetKind.RELATIVE):
            return bands_of(self)
        return None

    # --- what is wrong --------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What is missing or contradictory, by model field name; empty when all is well."""
        kind, found = self.kind, {}
        values = self.as_fields(with_text=True)
        own = set(KIND_FIELDS[kind])
        for other, names in KIND_FIELDS.items():
            for name in names:
                if name in own or name in SIDE_FIELDS or name in found:
                    continue
                if values[name] not in (None, ""):
                    found[name] = _(
                        "A target of the kind “%(kind)s” has no “%(field)s”: leave it empty, "
                        "or choose the kind “%(other)s”."
                    ) % {
                        "kind": KindChoice(kind).label,
                        "field": field_label(name),
                        "other": KindChoice(other).label,
                    }
        if kind in WITHOUT_TARGET_VALUE and self.value is not None:
            found["target_value"] = _(
                "A target of the kind “%(kind)s” has no target value: leave it empty, or "
                "choose a kind that compares with it."
            ) % {"kind": KindChoice(kind).label}
        required = {
            TargetKind.BANDS: (
                "green_bound",
                _("Write the green bound: a target with bands needs it."),
            ),
            TargetKind.RELATIVE: (
                "target_value",
                _("Write the target value: a relative target is coloured against it."),
            ),
            TargetKind.CHANGE: (
                "baseline_period",
                _("Choose the baseline: the period the change is counted from."),
            ),
            TargetKind.GAP: (
                "baseline_period",
                _("Choose the baseline: the period the gap is compared with."),
            ),
            TargetKind.TEXT: ("target_text", _("Write the target in words.")),
        }  # fmt: skip
        if kind in required:
            name, message = required[kind]
            if values[name] in (None, ""):
                found.setdefault(name, message)
        if kind == TargetKind.BANDS and self.green_bound is not None:
            for name, message in problems(bands_of(self), self.value).items():
                found.setdefault(name, message)
        if kind == TargetKind.RELATIVE and self.value is not None and self.value < 0:
            found.setdefault(
                "target_value",
                _(
                    "A relative target's value must be 0 or more: a share of a negative "
                    "target would lie on its better side."
                ),
            )
        if kind == TargetKind.GAP:
            found.update(self._reference_problems())
        if self.tolerance is not None and self.tolerance < 0:
            found.setdefault("change_tolerance", _("The tolerance is a distance: 0 or more."))
        return found

    def _reference_problems(self) -> dict[str, str]:
        found = {}
        if not self.reference_kind:
            found["reference_kind"] = _("Choose what the gap is measured to.")
        elif self.reference_kind == ReferenceKind.ENTERED:
            if self.reference_value is None:
                found["reference_value"] = _("Write the reference value the gap is measured to.")
            if not self.reference_label.strip():
                found["reference_label"] = _(
                    "Name the reference, e.g. Västerbottens län, so that readers know what it is."
                )
        else:
            for name, value in (
                ("reference_value", self.reference_value),
                ("reference_label", self.reference_label),
            ):
                if value not in (None, ""):
                    found[name] = _(
                        "The reference comes from open data: leave “%(field)s” empty, or choose "
                        "an entered reference."
                    ) % {"field": field_label(name)}
        return found

    def describe(self, decimals: int = 0) -> str:
        """The target in one line for readers, when it has no text of its own."""
        if self.kind == TargetKind.CHANGE:
            if self.direction == Direction.HIGHER_IS_BETTER:
                return _("Shall increase compared with %(baseline)s") % {
                    "baseline": self.baseline_label
                }
            return _("Shall decrease compared with %(baseline)s") % {
                "baseline": self.baseline_label
            }
        if self.kind == TargetKind.GAP:
            return _("The gap to %(reference)s shall shrink compared with %(baseline)s") % {
                "reference": self.reference_text,
                "baseline": self.baseline_label,
            }
        if self.kind == TargetKind.MONITOR:
            return _("Monitored")
        if self.kind == TargetKind.DEVELOPING:
            return _("Under development")
        if self.value is not None:
            return format_value(self.value, decimals)
        return ""


def field_label(name: str) -> str:
    """A target field's name as the form shows it."""
    return str(FIELD_LABELS[name])


def organisation_share(obj: Any) -> Decimal | None:
    """The relative share of the organisation whose plan the indicator belongs to, if known."""
    try:
        return obj.goal.plan.organisation.relative_share
    except AttributeError:
        return None
