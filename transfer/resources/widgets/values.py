"""Widgets for plain values (text, numbers, choices, JSON) and the resource-bound widget."""

import json
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from import_export import resources, widgets

from transfer.resources import vocabulary as words
from transfer.resources.widgets.cells import (
    cell_text,
    is_empty,
    parse_decimal,
    parse_integer,
    plain_number,
)


class BoundWidget(widgets.Widget):
    """A widget that reads its resource (language, lookups); see `PlanResource.__init__`."""

    resource: resources.ModelResource  # a PlanResource

    def bind(self, resource: resources.ModelResource) -> None:
        self.resource = resource

    @property
    def language(self) -> str:
        return self.resource.language


class TextWidget(widgets.Widget):
    """Text as written, without surrounding spaces; numbers become their text."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class NumberWidget(widgets.Widget):
    """A decimal number with a decimal comma or point; empty is no value."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> Decimal | None:
        return parse_decimal(value)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> Decimal | int | str:
        number = plain_number(value)
        return "" if number is None else number


class WholeNumberWidget(widgets.Widget):
    """A whole number (decimals, goal numbers); empty gives `default`."""

    def __init__(self, *, required: bool = False, default: int | None = None):
        super().__init__(coerce_to_string=False)
        self.required = required
        self.default = default

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> int | None:
        number = parse_integer(value)
        if number is None and self.required:
            raise ValueError(_("The cell is empty. Write a whole number such as 3."))
        return self.default if number is None else number

    def render(self, value: object, obj: object = None, **kwargs: Any) -> int | str:
        return "" if value is None else int(value)


class ChoiceWidget(BoundWidget):
    """One of a model's choices, by its label in any of our languages or by its code.

    An empty cell gives `default` (the model's default); without one, the cell is required.
    """

    def __init__(
        self,
        choices: type[models.Choices],
        *,
        default: object = None,
        aliases: dict[str, object] | None = None,
    ):
        super().__init__(coerce_to_string=False)
        self.choices = choices
        self.default = default
        # Other words people write for a choice ("riket" for the whole country).
        self.aliases = {words.normalised(word): value for word, value in (aliases or {}).items()}

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> object:
        if is_empty(value):
            if self.default is None:
                raise ValueError(
                    _("The cell is empty. Write one of: %(choices)s.")
                    % {"choices": words.choice_labels(self.choices, self.language)}
                )
            return self.default
        written = words.normalised(cell_text(value))
        found = words.choice_words(self.choices).get(written, self.aliases.get(written))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of the choices. Write one of: %(choices)s.")
                % {
                    "value": cell_text(value),
                    "choices": words.choice_labels(self.choices, self.language),
                }
            )
        return found

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if value in (None, ""):
            return ""
        return words.choice_label(self.choices, value, self.language)


class JSONWidget(widgets.Widget):
    """A small JSON object (the SSB selection), written with sorted keys."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> dict:
        if is_empty(value):
            return {}
        try:
            data = json.loads(cell_text(value))
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise ValueError(
                _(
                    "“%(value)s” is not a selection. Write value codes per variable as JSON, "
                    'e.g. {"KOKkommuneregion0000": "4631"}, or leave the cell empty.'
                )
                % {"value": cell_text(value)}
            )
        return data

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if not value:
            return ""
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
