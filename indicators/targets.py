"""An indicator's target and bands, declared once.

`Target` names the model fields that hold what an indicator aims at (the target value) and how
its values are coloured (direction and the two bounds with their sides), and converts between
those fields and the colour rule's `Bands`. The form, the bands preview, the services, roll-over,
reusing a measure, the import and the admin take the field names and values from here: a new
target field is declared here and in the model, and nowhere else.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from indicators.colour import Bands, Direction


@dataclass(frozen=True)
class Target:
    """The target value and the bands of an indicator (see `indicators.colour`)."""

    direction: Direction = Direction.HIGHER_IS_BETTER
    green_bound: Decimal | None = None
    green_inclusive: bool = True
    red_bound: Decimal | None = None
    red_inclusive: bool = True
    value: Decimal | None = None

    # The model's field for each attribute, in the order forms show them.
    MODEL_FIELDS: ClassVar[dict[str, str]] = {
        "direction": "direction",
        "green_bound": "green_bound",
        "green_inclusive": "green_bound_inclusive",
        "red_bound": "red_bound",
        "red_inclusive": "red_bound_inclusive",
        "value": "target_value",
    }
    # The fields that decide the colour, and the numbers among all fields.
    BAND_FIELDS: ClassVar[tuple[str, ...]] = (
        "direction",
        "green_bound",
        "green_bound_inclusive",
        "red_bound",
        "red_bound_inclusive",
    )
    DECIMAL_FIELDS: ClassVar[tuple[str, ...]] = ("green_bound", "red_bound", "target_value")
    # How the band fields sit in a form's rows: each bound beside its side.
    BAND_ROWS: ClassVar[tuple[str | tuple[str, str], ...]] = (
        "direction",
        ("green_bound", "green_bound_inclusive"),
        ("red_bound", "red_bound_inclusive"),
    )

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """Every model field of the target, bands first."""
        return tuple(cls.MODEL_FIELDS.values())

    @classmethod
    def from_fields(cls, values: Mapping[str, Any]) -> "Target":
        """A target from model field names to values (a model's, a form's or a row's).

        Missing fields take their defaults; an empty side counts as inclusive only where the
        field is absent, so that an unticked box (False) is kept.
        """
        found = {
            attribute: values[field]
            for attribute, field in cls.MODEL_FIELDS.items()
            if field in values and values[field] is not None
        }
        if "direction" in found:
            found["direction"] = Direction(found["direction"])
        return cls(**found)

    @classmethod
    def from_model(cls, obj: Any) -> "Target":
        """The target of an indicator (or of anything with the same fields)."""
        return cls.from_fields({field: getattr(obj, field) for field in cls.fields()})

    @classmethod
    def from_bands(cls, bands: Bands, value: Decimal | None = None) -> "Target":
        return cls(
            direction=bands.direction,
            green_bound=bands.green_bound,
            green_inclusive=bands.green_inclusive,
            red_bound=bands.red_bound,
            # A two-band indicator's red side is meaningless; it is stored as the default.
            red_inclusive=bands.red_inclusive if bands.red_bound is not None else True,
            value=value,
        )

    def as_fields(self) -> dict[str, Any]:
        """The model's fields and their values, to save or to pass to a service."""
        values = {field: getattr(self, attribute) for attribute, field in self.MODEL_FIELDS.items()}
        values["direction"] = self.direction.value
        return values

    @property
    def bands(self) -> Bands | None:
        """The colour rule's bands; None while there is no green bound (nothing is coloured)."""
        if self.green_bound is None:
            return None
        return Bands(
            direction=self.direction,
            green_bound=self.green_bound,
            green_inclusive=self.green_inclusive,
            red_bound=self.red_bound,
            red_inclusive=self.red_inclusive,
        )
