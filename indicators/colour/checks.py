"""Whether written bands make sense, with the problems in words."""

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour.bands import Bands, Colour, Direction
from indicators.colour.texts import band_texts, format_value


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
