"""The colour rule: which band (red, yellow, green) a value falls in, and why; or no colour.

Bands are two bounds, each with an explicit side. The green bound says where green starts and
whether the bound value itself is green; the red bound says where red starts and whether the
bound value itself is red. Whatever lies between the two is yellow. With no red bound, the
indicator has two bands: everything that is not green is red. So every value falls in exactly
one band by construction: there is no hole as in a document's "<70 / 71-79 / >=80".

A target has a kind (`TargetKind`), and `judge` is THE rule for all of them. Every kind that
colours does it through bands: written by the planner (bands), or worked out from the target
value (relative), from the value at a baseline (change) or from the gap to a reference at the
baseline (gap), see `bands_of`. The other kinds never colour: monitored only, under
development, or a target in words that a person assesses. A product for committees never
invents a colour: "no colour" (`Colour.UNCOLOURED`) is an honest answer, with its reason.

No value is its own state, never green.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class TargetKind(StrEnum):
    """What kind of target an indicator has: how (and whether) its values are coloured."""

    BANDS = "bands"  # red, yellow and green bounds written by the planner
    RELATIVE = "relative"  # green at the target value, yellow from a share of it, red below
    CHANGE = "change"  # shall increase (or decrease) compared with a baseline
    GAP = "gap"  # the gap to a reference (the whole country, a group) shall shrink
    MONITOR = "monitor"  # followed ("följs", observation): shown and charted, never coloured
    DEVELOPING = "developing"  # under development: no measure yet
    TEXT = "text"  # a target in words, its result in words: a person assesses it

    @property
    def colours(self) -> bool:
        """Whether values of this kind get a colour from a rule."""
        return self in COLOURING_KINDS

    @property
    def takes_value(self) -> bool:
        """Whether the indicator is followed up with a number."""
        return self not in (TargetKind.DEVELOPING, TargetKind.TEXT)

    @property
    def takes_result(self) -> bool:
        """Whether the indicator is followed up with a result in words (fulfilled, partly...)."""
        return self in (TargetKind.DEVELOPING, TargetKind.TEXT)


COLOURING_KINDS = frozenset(
    {TargetKind.BANDS, TargetKind.RELATIVE, TargetKind.CHANGE, TargetKind.GAP}
)
# The share of the target value from which a relative target is yellow, when neither the
# indicator nor its organisation says otherwise (per cent).
DEFAULT_SHARE = Decimal("90")


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NO_VALUE = "none"
    UNCOLOURED = "uncoloured"  # a value no rule colours (or could not: no baseline, no reference)

    @property
    def label(self) -> str:
        """The colour in words, so that colour is never the only signal."""
        return str(COLOUR_LABELS[self])


COLOUR_LABELS = {
    Colour.GREEN: gettext_lazy("Green"),
    Colour.YELLOW: gettext_lazy("Yellow"),
    Colour.RED: gettext_lazy("Red"),
    Colour.NO_VALUE: gettext_lazy("No value"),
    Colour.UNCOLOURED: gettext_lazy("No colour"),
}


@dataclass(frozen=True)
class Bands:
    """An indicator's thresholds."""

    direction: Direction
    green_bound: Decimal
    green_inclusive: bool
    red_bound: Decimal | None = None
    red_inclusive: bool = True

    @property
    def has_yellow(self) -> bool:
        return self.red_bound is not None

    def _sign(self) -> int:
        return 1 if self.direction == Direction.HIGHER_IS_BETTER else -1

    def is_green(self, value: Decimal) -> bool:
        difference = self._sign() * (Decimal(value) - self.green_bound)
        return difference > 0 or (difference == 0 and self.green_inclusive)

    def is_red(self, value: Decimal) -> bool:
        if self.red_bound is None:
            return not self.is_green(value)
        difference = self._sign() * (Decimal(value) - self.red_bound)
        return difference < 0 or (difference == 0 and self.red_inclusive)


def evaluate(value: Decimal | int | str | None, bands: Bands) -> Colour:
    """The colour of a value: green, yellow, red, or no value."""
    if value is None:
        return Colour.NO_VALUE
    value = Decimal(value)
    if bands.is_green(value):
        return Colour.GREEN
    if bands.is_red(value):
        return Colour.RED
    return Colour.YELLOW


def problems(bands: Bands, target: Decimal | None = None) -> dict[str, str]:
    """What is inconsistent about bands and target, by field name; empty when all is well."""
    found: dict[str, str] = {}
    if bands.red_bound is not None:
        higher = bands.direction == Direction.HIGHER_IS_BETTER
        if bands.red_bound == bands.green_bound:
            found["red_bound"] = _(
                "The red and green bounds are equal, which leaves no yellow band. "
                "Leave the red bound empty for an indicator with only red and green."
            )
        elif higher and bands.red_bound > bands.green_bound:
            found["red_bound"] = _(
                "When higher is better, the red bound must be below the green bound "
                "(red %(red)s is above green %(green)s)."
            ) % {"red": format_value(bands.red_bound), "green": format_value(bands.green_bound)}
        elif not higher and bands.red_bound < bands.green_bound:
            found["red_bound"] = _(
                "When lower is better, the red bound must be above the green bound "
                "(red %(red)s is below green %(green)s)."
            ) % {"red": format_value(bands.red_bound), "green": format_value(bands.green_bound)}
    if target is not None and not bands.is_green(target):
        found["target_value"] = _(
            "The target %(target)s lies outside the green band (%(green)s). "
            "Reaching the target should mean green."
        ) % {"target": format_value(target), "green": band_texts(bands)[Colour.GREEN]}
    return found


def format_value(value: Decimal, decimals: int = 0) -> str:
    """A number in the active language: decimal comma in sv/nb/nn, grouped thousands.

    Shows at least `decimals` places and never hides a digit the value has.
    """
    value = Decimal(value)
    exponent = value.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _bound_text(operator: str, value: str) -> str:
    """An operator and its number: "≥ 80"."""
    return f"{operator} {value}"


def band_texts(bands: Bands, decimals: int = 0) -> dict[Colour, str]:
    """Each band as unambiguous text, every bound with its side written:
    {"green": "≥ 80", "yellow": "≥ 70 and < 80", "red": "< 70"} (70 is yellow, 80 green).

    No bound is ever shown in two bands. Yellow is written with both of its sides, lower end
    first, joined by the language's "and" ("≥ 70 och < 80"); `indicators.thresholds` reads
    this notation back, as it reads the older "70–80". An indicator with two bands has no
    yellow entry.
    """
    higher = bands.direction == Direction.HIGHER_IS_BETTER
    green = format_value(bands.green_bound, decimals)
    if higher:
        texts = {Colour.GREEN: _bound_text("≥" if bands.green_inclusive else ">", green)}
    else:
        texts = {Colour.GREEN: _bound_text("≤" if bands.green_inclusive else "<", green)}
    if bands.red_bound is None:
        if higher:
            texts[Colour.RED] = _bound_text("<" if bands.green_inclusive else "≤", green)
        else:
            texts[Colour.RED] = _bound_text(">" if bands.green_inclusive else "≥", green)
        return texts
    red = format_value(bands.red_bound, decimals)
    if higher:
        texts[Colour.RED] = _bound_text("≤" if bands.red_inclusive else "<", red)
        low = _bound_text(">" if bands.red_inclusive else "≥", red)
        high = _bound_text("<" if bands.green_inclusive else "≤", green)
    else:
        texts[Colour.RED] = _bound_text("≥" if bands.red_inclusive else ">", red)
        low = _bound_text(">" if bands.green_inclusive else "≥", green)
        high = _bound_text("<" if bands.red_inclusive else "≤", red)
    if bands.red_bound == bands.green_bound:
        # Only a worked-out rule has this (a change of exactly nothing is yellow): "= 78".
        texts[Colour.YELLOW] = _bound_text("=", green)
        return {colour: texts[colour] for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED)}
    # Translators: a yellow band written with both of its sides, e.g. "≥ 70 and < 80".
    texts[Colour.YELLOW] = _("%(low)s and %(high)s") % {"low": low, "high": high}
    return {colour: texts[colour] for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED)}


# --- The rule of every kind of target -------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """What comparing a value needs besides the target: the value at the target's baseline
    (a year or a period, `baseline_label` as people write it: "2024", "T1 2024") and the
    reference's values (the whole country's, a group's or an entered one) in the value's
    period and at the baseline."""

    baseline: Decimal | None = None
    baseline_label: str = ""
    reference: Decimal | None = None
    baseline_reference: Decimal | None = None
    reference_label: str = ""


NO_BASIS = Basis()


@dataclass(frozen=True)
class Verdict:
    """A value's colour, the reason in words ("why this colour") and its band's text."""

    colour: Colour
    reason: str
    band: str = ""

    @property
    def label(self) -> str:
        return self.colour.label


def _sign(direction: Direction) -> int:
    return 1 if direction == Direction.HIGHER_IS_BETTER else -1


def _relative_bands(target) -> Bands | None:
    """Green at the target or better; yellow from `share` of it (higher is better) or up to
    target × (2 − share) (lower is better); red beyond. A share of 100 % leaves no yellow."""
    if target.value is None:
        return None
    share = Decimal(target.effective_share) / 100
    factor = share if target.direction == Direction.HIGHER_IS_BETTER else 2 - share
    red = target.value * factor
    return Bands(
        direction=target.direction,
        green_bound=target.value,
        green_inclusive=True,
        red_bound=None if red == target.value else red,
        red_inclusive=False,
    )


def _change_bands(target, basis: Basis) -> Bands | None:
    """Green when the value moved the right way from the baseline by more than the tolerance,
    yellow when it stayed within it (unchanged), red when it moved the wrong way."""
    if basis.baseline is None:
        return None
    sign, tolerance = _sign(target.direction), Decimal(target.tolerance or 0)
    return Bands(
        direction=target.direction,
        green_bound=basis.baseline + sign * tolerance,
        green_inclusive=False,
        red_bound=basis.baseline - sign * tolerance,
        red_inclusive=False,
    )


def _gap_bands(target, basis: Basis) -> Bands | None:
    """The gap is how far the value lies on the worse side of the reference (none when at or
    better than it). Green when the gap shrank by more than the tolerance since the baseline,
    or is closed; yellow when it is unchanged within the tolerance; red when it grew."""
    if None in (basis.baseline, basis.reference, basis.baseline_reference):
        return None
    sign, tolerance = _sign(target.direction), Decimal(target.tolerance or 0)
    before = sign * (basis.baseline_reference - basis.baseline)
    shrunk = before - tolerance
    if shrunk > 0:
        green, green_inclusive = basis.reference - sign * shrunk, False
    else:
        green, green_inclusive = basis.reference, True
    red = basis.reference - sign * max(before + tolerance, Decimal(0))
    return Bands(
        direction=target.direction,
        green_bound=green,
        green_inclusive=green_inclusive,
        red_bound=None if red == green and green_inclusive else red,
        red_inclusive=False,
    )


def bands_of(target, basis: Basis = NO_BASIS) -> Bands | None:
    """The bands that colour the target's values: as written (bands), or worked out from the
    target value (relative), the baseline (change) or the reference (gap) with `basis`. None
    when the kind never colours, or when what it needs is missing."""
    kind = TargetKind(target.kind)
    if kind == TargetKind.BANDS:
        if target.green_bound is None:
            return None
        return Bands(
            direction=target.direction,
            green_bound=target.green_bound,
            green_inclusive=target.green_inclusive,
            red_bound=target.red_bound,
            red_inclusive=target.red_inclusive,
        )
    if kind == TargetKind.RELATIVE:
        return _relative_bands(target)
    if kind == TargetKind.CHANGE:
        return _change_bands(target, basis)
    if kind == TargetKind.GAP:
        return _gap_bands(target, basis)
    return None


def _uncoloured_reason(kind: TargetKind) -> str:
    if kind == TargetKind.MONITOR:
        return _("No colour: the indicator is monitored, not judged against a target.")
    if kind == TargetKind.DEVELOPING:
        return _("No colour: the indicator is under development and has no measure yet.")
    return _("No colour: the target is written in words, and a person assesses the result.")


def _missing_reason(target, basis: Basis) -> str:
    kind = TargetKind(target.kind)
    if kind == TargetKind.BANDS:
        return _("No colour: the indicator has no bands yet.")
    if kind == TargetKind.RELATIVE:
        return _("No colour: the indicator has no target value to compare with.")
    if kind == TargetKind.GAP and basis.reference is None:
        return _("No colour: there is no value of %(reference)s for the period.") % {
            "reference": basis.reference_label
        }
    if kind == TargetKind.GAP and basis.baseline_reference is None:
        return _("No colour: there is no value of %(reference)s at the baseline %(baseline)s.") % {
            "reference": basis.reference_label,
            "baseline": basis.baseline_label,
        }
    return _("No colour: there is no value at the baseline %(baseline)s to compare with.") % {
        "baseline": basis.baseline_label
    }


def bands_summary(bands: Bands, decimals: int = 0) -> str:
    """The bands in one line: "green ≥ 80, yellow ≥ 70 and < 80, red < 70"."""
    return ", ".join(
        f"{colour.label.lower()} {text}" for colour, text in band_texts(bands, decimals).items()
    )


def judge(target, value: Decimal | None, basis: Basis = NO_BASIS, decimals: int = 0) -> Verdict:
    """THE colour rule: the colour of `value` for `target` (an `indicators.targets.Target`),
    with `basis` for the kinds that compare (change: the baseline; gap: the baseline and the
    reference), and the reason in the active language. Never a colour nobody decided: a kind
    that does not colour, or a comparison that lacks its baseline or reference, gives no
    colour (`Colour.UNCOLOURED`) and says why."""
    kind = TargetKind(target.kind)
    if not kind.colours:
        return Verdict(Colour.UNCOLOURED, _uncoloured_reason(kind))
    if value is None:
        return Verdict(Colour.NO_VALUE, _("No value for the period, so no colour."))
    value = Decimal(value)
    bands = bands_of(target, basis)
    if bands is None:
        return Verdict(Colour.UNCOLOURED, _missing_reason(target, basis))
    colour = evaluate(value, bands)
    band = band_texts(bands, decimals)[colour]
    words = {
        "colour": colour.label,
        "value": format_value(value, decimals),
        "band": band,
        "bands": bands_summary(bands, decimals),
    }
    higher = target.direction == Direction.HIGHER_IS_BETTER
    if kind == TargetKind.BANDS:
        reason = _("%(colour)s: %(value)s lies in the band %(band)s (%(bands)s).") % words
    elif kind == TargetKind.RELATIVE:
        words |= {
            "target": format_value(target.value, decimals),
            "share": format_value(Decimal(target.effective_share)),
        }
        if higher:
            reason = (
                _(
                    "%(colour)s: %(value)s against the target %(target)s, green at the target or "
                    "above and yellow from %(share)s %% of it (%(bands)s)."
                )
                % words
            )
        else:
            reason = (
                _(
                    "%(colour)s: %(value)s against the target %(target)s, green at the target or "
                    "below and yellow up to the target × (2 − %(share)s %%) (%(bands)s)."
                )
                % words
            )
    elif kind == TargetKind.CHANGE:
        words |= {
            "baseline": format_value(basis.baseline, decimals),
            "label": basis.baseline_label,
        }
        if higher:
            reason = (
                _(
                    "%(colour)s: %(value)s against %(baseline)s at the baseline %(label)s; the "
                    "value shall increase (%(bands)s)."
                )
                % words
            )
        else:
            reason = (
                _(
                    "%(colour)s: %(value)s against %(baseline)s at the baseline %(label)s; the "
                    "value shall decrease (%(bands)s)."
                )
                % words
            )
    else:
        sign = _sign(target.direction)
        words |= {
            "reference": basis.reference_label,
            "now": format_value(sign * (basis.reference - value), decimals),
            "before": format_value(sign * (basis.baseline_reference - basis.baseline), decimals),
            "label": basis.baseline_label,
        }
        if sign * (basis.reference - value) <= 0:
            reason = (
                _(
                    "%(colour)s: %(value)s is at or better than %(reference)s: no gap is left "
                    "(%(bands)s)."
                )
                % words
            )
        else:
            reason = (
                _(
                    "%(colour)s: the gap to %(reference)s is %(now)s, against %(before)s at the "
                    "baseline %(label)s; the gap shall shrink (%(bands)s)."
                )
                % words
            )
    return Verdict(colour, reason, band)


def rule_texts(target, decimals: int = 0, basis: Basis = NO_BASIS) -> dict[Colour, str]:
    """What will be green, yellow and red in words, or why nothing is coloured: the bands when
    they are known, else the rule of the kind ("higher than at the baseline 2024")."""
    kind = TargetKind(target.kind)
    if not kind.colours:
        return {Colour.UNCOLOURED: _uncoloured_reason(kind)}
    bands = bands_of(target, basis)
    if bands is not None:
        return band_texts(bands, decimals)
    tolerance = Decimal(target.tolerance or 0)
    words = {
        "label": basis.baseline_label or getattr(target, "baseline_label", ""),
        "tolerance": format_value(tolerance, decimals),
        "reference": basis.reference_label or getattr(target, "reference_text", ""),
    }
    higher = target.direction == Direction.HIGHER_IS_BETTER
    if kind == TargetKind.CHANGE:
        if tolerance:
            better = (
                _("higher than at the baseline %(label)s by more than %(tolerance)s")
                if higher
                else _("lower than at the baseline %(label)s by more than %(tolerance)s")
            )
            same = _("unchanged: within ± %(tolerance)s of the baseline %(label)s")
            worse = (
                _("lower than at the baseline %(label)s by more than %(tolerance)s")
                if higher
                else _("higher than at the baseline %(label)s by more than %(tolerance)s")
            )
        else:
            better = (
                _("higher than at the baseline %(label)s")
                if higher
                else _("lower than at the baseline %(label)s")
            )
            same = _("unchanged: the same as at the baseline %(label)s")
            worse = (
                _("lower than at the baseline %(label)s")
                if higher
                else _("higher than at the baseline %(label)s")
            )
        return {
            Colour.GREEN: better % words,
            Colour.YELLOW: same % words,
            Colour.RED: worse % words,
        }
    if kind == TargetKind.GAP:
        return {
            Colour.GREEN: _(
                "the gap to %(reference)s is smaller than at the baseline %(label)s by more "
                "than %(tolerance)s, or closed"
            )
            % words,
            Colour.YELLOW: _("the gap to %(reference)s is unchanged, within ± %(tolerance)s")
            % words,
            Colour.RED: _(
                "the gap to %(reference)s is larger than at the baseline %(label)s by more "
                "than %(tolerance)s"
            )
            % words,
        }
    if kind == TargetKind.RELATIVE:
        return {
            Colour.UNCOLOURED: _(
                "Write the target value: green is at the target, yellow from a share of it."
            )
        }
    return {Colour.UNCOLOURED: _("No colour until the green bound is written.")}
