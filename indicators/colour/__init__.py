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

from indicators.colour.bands import (
    COLOUR_LABELS,
    COLOURING_KINDS,
    DEFAULT_SHARE,
    Bands,
    Colour,
    Direction,
    TargetKind,
    evaluate,
)
from indicators.colour.checks import problems
from indicators.colour.judge import (
    NO_BASIS,
    Basis,
    Verdict,
    bands_of,
    colour_only,
    judge,
    rule_texts,
)
from indicators.colour.texts import band_texts, bands_summary, format_value

__all__ = [
    "COLOURING_KINDS",
    "COLOUR_LABELS",
    "DEFAULT_SHARE",
    "NO_BASIS",
    "Bands",
    "Basis",
    "Colour",
    "Direction",
    "TargetKind",
    "Verdict",
    "band_texts",
    "bands_of",
    "bands_summary",
    "colour_only",
    "evaluate",
    "format_value",
    "judge",
    "problems",
    "rule_texts",
]
