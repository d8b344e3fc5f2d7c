"""Working out the bands of one row from its cells and its target.

The rules are worked out in "goodness" order, where a larger number is always better: values
are negated when lower is better, and turned back when the bands are built.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from indicators.colour import Bands, Colour, Direction, evaluate, format_value, problems
from indicators.thresholds.findings import Decide, Finding, FindingCode, finding
from indicators.thresholds.texts import HIGHER_OPERATORS, Cell, End, Target, negated

C = FindingCode


def operator_direction(operator: str) -> Direction:
    """The way an operator points: "≥80" up (higher is better), "<9" down."""
    if operator in HIGHER_OPERATORS:
        return Direction.HIGHER_IS_BETTER
    return Direction.LOWER_IS_BETTER


class RowReader:
    """The bands of one row, from its readable cells and its target; notes what it finds."""

    def __init__(self, cells: dict[Colour, Cell], target: Target, findings: list[Finding]):
        self.cells = cells
        self.target = target
        self.findings = findings
        self.red = cells.get(Colour.RED)
        self.yellow = cells.get(Colour.YELLOW)
        self.green = cells.get(Colour.GREEN)
        self.direction = Direction.HIGHER_IS_BETTER

    def read(self) -> tuple[Bands, Decimal | None]:
        """The bands and the target value. Raises Decide when a person must decide."""
        if self.green is None:
            self._refuse_without_green()
        for cell in self.cells.values():
            if cell.reversed:
                self._note_reversed(cell)
        self.direction = self._direction()
        self._note_bare_numbers()
        green_start = self._seen(self.green)[0]
        red_end = self._seen(self.red)[1] if self.red else None
        if red_end is not None and red_end.value > green_start.value:
            raise Decide(
                C.CONTRADICTION,
                _('Green "%(green)s" and red "%(red)s" overlap: some values would be both.'),
                _("Decide where green starts and where red starts."),
                green=self.green.text,
                red=self.red.text,
            )
        if self.yellow is not None:
            red_end, worse_end = self._three_bands(red_end, green_start)
        else:
            self._two_bands(red_end, green_start)
            worse_end, red_end = red_end, None
        green_start, target = self._fit_target(green_start, red_end, worse_end)
        return self._bands(green_start, red_end, target), target

    def note(self, code: FindingCode, message: str, resolution: str, **values: Any) -> None:
        self.findings.append(finding(code, message, resolution, **values))

    @property
    def sign(self) -> int:
        return 1 if self.direction == Direction.HIGHER_IS_BETTER else -1

    def _seen(self, cell: Cell) -> tuple[End | None, End | None]:
        """A cell's lower and upper end in goodness order (larger is better)."""
        if self.direction == Direction.HIGHER_IS_BETTER:
            return cell.low, cell.high
        return negated(cell.high), negated(cell.low)

    def _number(self, value: Decimal) -> str:
        """A goodness-order value as the document writes it."""
        return format_value(self.sign * value)

    # --- Which end is better

    def _direction(self) -> Direction:
        votes = {self._operator_says(cell) for cell in self.cells.values() if cell.operator}
        if len(votes) > 1:
            raise Decide(
                C.CONTRADICTION,
                _('Green "%(green)s" and red "%(red)s" disagree on whether higher or lower is '
                  "better."),
                _("Decide which is right and correct the other."),
                green=self.green.text,
                red=self.red.text,
            )  # fmt: skip
        direction = votes.pop() if votes else self._direction_by_position()
        if direction is None:
            direction = self._direction_by_target()
        if self.target.operator and operator_direction(self.target.operator) != direction:
            if direction == Direction.HIGHER_IS_BETTER:
                message = _('The target "%(target)s" says lower is better, the bands higher.')
            else:
                message = _('The target "%(target)s" says higher is better, the bands lower.')
            raise Decide(
                C.TARGET_CONTRADICTS,
                message,
                _("Decide whether the target or the bands are right."),
                target=self.target.text,
            )
        return direction

    @staticmethod
    def _operator_says(cell: Cell) -> Direction:
        """Which end is better, by a cell's operator: green "≥80" and red "<70" say higher."""
        points_up = operator_direction(cell.operator) == Direction.HIGHER_IS_BETTER
        if points_up == (cell.colour == Colour.GREEN):
            return Direction.HIGHER_IS_BETTER
        return Direction.LOWER_IS_BETTER

    def _direction_by_position(self) -> Direction | None:
        other = self.red or self.yellow
        if other is None or other.anchor == self.green.anchor:
            return None
        if self.green.anchor > other.anchor:
            direction = Direction.HIGHER_IS_BETTER
            resolution = _('Read as higher is better, because green "%(green)s" lies above '
                           '"%(other)s".')  # fmt: skip
        else:
            direction = Direction.LOWER_IS_BETTER
            resolution = _('Read as lower is better, because green "%(green)s" lies below '
                           '"%(other)s".')  # fmt: skip
        self.note(
            C.DIRECTION_GUESSED,
            _("No band says whether higher or lower is better."),
            resolution,
            green=self.green.text,
            other=other.text,
        )
        return direction

    def _direction_by_target(self) -> Direction:
        if not self.target.operator:
            raise Decide(
                C.NO_DIRECTION,
                _("The texts do not say whether higher or lower is better."),
                _("Write green with < or >, e.g. ≥80, or write the red band too."),
            )
        direction = operator_direction(self.target.operator)
        if direction == Direction.HIGHER_IS_BETTER:
            resolution = _('Read as higher is better, as the target "%(target)s" says.')
        else:
            resolution = _('Read as lower is better, as the target "%(target)s" says.')
        self.note(
            C.DIRECTION_GUESSED,
            _("No band says whether higher or lower is better."),
            resolution,
            target=self.target.text,
        )
        return direction

    # --- Holes and overlaps

    def _three_bands(self, red_end: End | None, green_start: End) -> tuple[End, End]:
        """Red's end and yellow's better end, with holes and overlaps noted."""
        yellow_low, yellow_high = self._seen(self.yellow)
        if red_end is None:
            red_end = End(yellow_low.value, False)
            self.note(
                C.NO_RED, _("No red band is written."), _("Values worse than yellow count as red.")
            )
        elif yellow_high.value < red_end.value or (
            yellow_high.value == red_end.value and red_end.inclusive
        ):
            self._refuse_misplaced_yellow(
                _('Yellow "%(yellow)s" lies inside red "%(other)s".'), self.red
            )
        if yellow_low.value > green_start.value or (
            yellow_low.value == green_start.value and green_start.inclusive
        ):
            self._refuse_misplaced_yellow(
                _('Yellow "%(yellow)s" lies inside green "%(other)s".'), self.green
            )
        if self.red is not None:
            self._red_meets_yellow(red_end, yellow_low)
        self._yellow_meets_green(yellow_high, green_start)
        return red_end, yellow_high

    def _red_meets_yellow(self, red_end: End, yellow_low: End) -> None:
        if yellow_low.value > red_end.value:
            self._note_hole(self.red, self.yellow, red_end.value, yellow_low.value, Colour.YELLOW)
        elif yellow_low.value < red_end.value or (red_end.inclusive and yellow_low.inclusive):
            self.note(
                C.OVERLAP,
                _('Yellow "%(yellow)s" reaches into red "%(red)s".'),
                _("Red is kept as written; yellow is what lies between red and green."),
                yellow=self.yellow.text,
                red=self.red.text,
            )

    def _yellow_meets_green(self, yellow_high: End, green_start: End) -> None:
        if yellow_high.value < green_start.value:
            self._note_hole(
                self.yellow, self.green, yellow_high.value, green_start.value, Colour.YELLOW
            )
        elif yellow_high.value > green_start.value or (
            green_start.inclusive and yellow_high.inclusive
        ):
            self.note(
                C.OVERLAP,
                _('Yellow "%(yellow)s" reaches into green "%(green)s".'),
                _("Green is kept as written; yellow is what lies between red and green."),
                yellow=self.yellow.text,
                green=self.green.text,
            )

    def _two_bands(self, red_end: End | None, green_start: End) -> None:
        """Red and green only: a hole between them is red, a shared bound is green."""
        if red_end is None:
            return
        both_open = not (red_end.inclusive or green_start.inclusive)
        if red_end.value < green_start.value or both_open:
            self._note_hole(self.red, self.green, red_end.value, green_start.value, Colour.RED)
        elif red_end.inclusive and green_start.inclusive:
            self.note(
                C.OVERLAP,
                _('Red "%(red)s" and green "%(green)s" both include %(value)s.'),
                _("It counts as green."),
                red=self.red.text,
                green=self.green.text,
                value=self._number(green_start.value),
            )

    def _note_hole(
        self, worse: Cell, better: Cell, start: Decimal, end: Decimal, colour: Colour
    ) -> None:
        low, high = sorted((self.sign * start, self.sign * end))
        if colour == Colour.YELLOW:
            resolution = _("Those values count as yellow.")
        else:
            resolution = _("Those values count as red, as there is no yellow band.")
        self.note(
            C.HOLE,
            _('No band covers the values from %(low)s to %(high)s, between "%(worse)s" and '
              '"%(better)s".'),
            resolution,
            low=format_value(low),
            high=format_value(high),
            worse=worse.text,
            better=better.text,
        )  # fmt: skip

    # --- The target

    def _fit_target(
        self, green_start: End, red_end: End | None, worse_end: End | None
    ) -> tuple[End, Decimal | None]:
        """Green's start and the target value, resolving a target that is not green.

        `red_end` is the bands' red bound (None for two bands); `worse_end` is the better end of
        the band written next to green: yellow, or red when there is no yellow.
        """
        if self.target.value is None:
            return green_start, None
        value = self.sign * self.target.value
        if value > green_start.value or (value == green_start.value and green_start.inclusive):
            if value != green_start.value:
                self.note(
                    C.TARGET_BEYOND_GREEN_BOUND,
                    _("The target %(target)s is not where green starts (%(green)s)."),
                    _("Kept as written: values from %(green)s to %(target)s are green although "
                      "they do not reach the target."),
                    target=format_value(self.target.value),
                    green=self._number(green_start.value),
                )  # fmt: skip
            return green_start, self.target.value
        if worse_end is not None and (
            value > worse_end.value or (value == worse_end.value and not worse_end.inclusive)
        ):
            self.note(
                C.TARGET_WIDENS_GREEN,
                _('The target %(target)s is not green as written ("%(green)s"), but no band '
                  "covers it."),
                _("Green now includes %(target)s, so that reaching the target is green; no "
                  "value the document colours changes colour."),
                target=format_value(self.target.value),
                green=self.green.text,
            )  # fmt: skip
            return End(value, True), self.target.value
        if self.target.operator in ("<", ">") and value == green_start.value:
            self.note(
                C.TARGET_IS_GREEN_BAND,
                _('The target "%(target)s" is the green band itself, not a single value.'),
                _("No target value is stored; reaching green is the target."),
                target=self.target.text,
            )
            return green_start, None
        colour = evaluate(self.target.value, self._bands(green_start, red_end, None, check=False))
        raise Decide(
            C.TARGET_CONTRADICTS,
            _("The target %(target)s is not green: by the bands it is %(colour)s."),
            _("Decide whether the target or the bands are right."),
            target=format_value(self.target.value),
            colour=colour.label.lower(),
        )

    # --- Results, notes and refusals

    def _bands(
        self, green_start: End, red_end: End | None, target: Decimal | None, *, check: bool = True
    ) -> Bands:
        bands = Bands(
            direction=self.direction,
            green_bound=self.sign * green_start.value,
            green_inclusive=green_start.inclusive,
            red_bound=None if red_end is None else self.sign * red_end.value,
            red_inclusive=True if red_end is None else red_end.inclusive,
        )
        found = problems(bands, target) if check else {}
        if found:
            raise Decide(
                C.CONTRADICTION,
                "%(problems)s",
                _("Decide which bound is right."),
                problems=" ".join(found.values()),
            )
        return bands

    def _note_reversed(self, cell: Cell) -> None:
        self.note(
            C.REVERSED_RANGE,
            _('%(colour)s: the range "%(text)s" is written from high to low.'),
            _("Read as %(low)s to %(high)s."),
            colour=cell.colour.label,
            text=cell.text,
            low=format_value(cell.low.value),
            high=format_value(cell.high.value),
        )

    def _note_bare_numbers(self) -> None:
        for cell in (self.red, self.green):
            if cell is None or not cell.bare:
                continue
            if (cell.colour == Colour.GREEN) == (self.sign > 0):
                resolution = _("Read as %(value)s or more.")
            else:
                resolution = _("Read as %(value)s or less.")
            self.note(
                C.BARE_NUMBER,
                _('%(colour)s is written as a bare number, "%(text)s".'),
                resolution,
                colour=cell.colour.label,
                text=cell.text,
                value=format_value(cell.low.value),
            )

    def _refuse_without_green(self) -> None:
        if not self.cells:
            raise Decide(
                C.NO_BANDS,
                _("No thresholds are written."),
                _("Write at least where green starts, e.g. ≥80."),
            )
        raise Decide(
            C.NO_GREEN, _("The green band is empty."), _("Write where green starts, e.g. ≥80.")
        )

    def _refuse_misplaced_yellow(self, message: str, other: Cell) -> None:
        raise Decide(
            C.CONTRADICTION,
            message,
            _("Decide where yellow lies: between red and green."),
            yellow=self.yellow.text,
            other=other.text,
        )
