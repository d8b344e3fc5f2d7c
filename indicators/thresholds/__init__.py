"""Thresholds as people write them in planning documents, read into bands.

A measure row has three band cells (RÖD, GUL, GRÖN) and a target (MÅLVÄRDE), typed by hand:
"<70", "71-79", "≥80", "≤3,4", "6,1-6,9", "< 6 %", "232 tkr", "5681-3919", "HME-index >80",
"8,0 (av 10,0)". `thresholds_read` turns a row into `indicators.colour.Bands`, the target value,
the scale and a unit hint, and lists what it found on the way. Each finding says what is odd and
what was done about it; an error finding asks a person to decide, and then the bands are None.
Nothing a person can type raises an exception.

The conventions are those of the demo data (see `indicators.demo.seed_002`):
- red and green are kept as written and yellow is whatever lies between them, so a hole between
  written bands ("<70" / "71-79") falls in yellow, and a yellow range that reaches into red or
  green only keeps what lies between them;
- with no yellow band, everything that is not green is red;
- a band written as a bare number ("232 tkr") reaches from there to the better end (green) or
  the worse end (red). Which end is better is read from the operators (<, ≥...); without any,
  from which side of red the green number lies, else from the target ("< 232 tkr");
- a target "< X" or "> X" is the value X. When X is not green as written but lies in the hole
  the document leaves next to green, green is widened to include it: the values the document
  colours keep their colour.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour import Bands, Colour
from indicators.thresholds.findings import (
    Decide,
    Finding,
    FindingCode,
    UnitHint,
    finding,
)
from indicators.thresholds.rows import RowReader
from indicators.thresholds.texts import Cell, Target, cell_read, target_read

__all__ = ["Finding", "FindingCode", "ThresholdReading", "UnitHint", "thresholds_read"]


@dataclass(frozen=True)
class ThresholdReading:
    """What a row's threshold texts say. `bands` is None when a person must decide."""

    bands: Bands | None
    target: Decimal | None
    scale_max: Decimal | None
    unit_hint: UnitHint | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(found for found in self.findings if found.is_error)


def thresholds_read(*, red: str, yellow: str, green: str, target: str = "") -> ThresholdReading:
    """Read a row's three band texts and its target text into bands, with findings."""
    written, findings = target_read(target)
    cells: dict[Colour, Cell] = {}
    for colour, text in ((Colour.RED, red), (Colour.YELLOW, yellow), (Colour.GREEN, green)):
        if not text.strip():
            continue
        try:
            cells[colour] = cell_read(colour, text)
        except Decide as stop:
            findings.append(stop.finding)
    unit_hint = _unit_hint(written, cells, findings)
    bands, target_value = None, written.value
    if not any(found.is_error for found in findings):
        try:
            bands, target_value = RowReader(cells, written, findings).read()
        except Decide as stop:
            findings.append(stop.finding)
    return ThresholdReading(
        bands=bands,
        target=target_value,
        scale_max=written.scale_max,
        unit_hint=unit_hint,
        findings=tuple(findings),
    )


def _unit_hint(
    target: Target, cells: dict[Colour, Cell], findings: list[Finding]
) -> UnitHint | None:
    """The unit the texts name: the target's first, else the green, yellow or red cell's."""
    order = [target] + [
        cells[colour] for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED) if colour in cells
    ]
    named = [text.unit for text in order if text.unit is not None]
    if len(set(named)) > 1:
        findings.append(
            finding(
                FindingCode.UNIT_CONFLICT,
                _("The texts name different units: %(units)s."),
                _("The first is suggested: %(unit)s."),
                units=", ".join(dict.fromkeys(named)),
                unit=named[0],
            )
        )
    return named[0] if named else None
