"""The colour rule (`judge`) for every kind of target, with its bands and reasons."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour.bands import (
    Bands,
    Colour,
    Direction,
    TargetKind,
    evaluate,
)
from indicators.colour.texts import band_texts, bands_summary, format_value


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


def _decide(target, value: Decimal | None, basis: Basis) -> tuple[Colour, Bands | None]:
    """The colour of `value` and the bands that gave it (None when no band did)."""
    if not TargetKind(target.kind).colours:
        return Colour.UNCOLOURED, None
    if value is None:
        return Colour.NO_VALUE, None
    bands = bands_of(target, basis)
    if bands is None:
        return Colour.UNCOLOURED, None
    return evaluate(Decimal(value), bands), bands


def colour_only(target, value: Decimal | None, basis: Basis = NO_BASIS) -> Colour:
    """`judge`'s colour without its reason in words: for the many points of a history."""
    return _decide(target, value, basis)[0]


def judge(target, value: Decimal | None, basis: Basis = NO_BASIS, decimals: int = 0) -> Verdict:
    """THE colour rule: the colour of `value` for `target` (an `indicators.targets.Target`),
    with `basis` for the kinds that compare (change: the baseline; gap: the baseline and the
    reference), and the reason in the active language. Never a colour nobody decided: a kind
    that does not colour, or a comparison that lacks its baseline or reference, gives no
    colour (`Colour.UNCOLOURED`) and says why."""
    kind = TargetKind(target.kind)
    colour, bands = _decide(target, value, basis)
    if not kind.colours:
        return Verdict(colour, _uncoloured_reason(kind))
    if value is None:
        return Verdict(colour, _("No value for the period, so no colour."))
    if bands is None:
        return Verdict(colour, _missing_reason(target, basis))
    value = Decimal(value)
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
