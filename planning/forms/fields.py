"""A choice of units shown as the organisation's tree: in tree order, indented by depth.

Closed units are left out, except the one a form already holds (so that an old record can be
saved unchanged); a closed unit posted anyway is refused as any other invalid choice.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from planning.models import Unit
from planning.selectors import tree_order

# Four no-break spaces per level: browsers keep them in an <option>, screen readers skip them.
INDENT = "\u00a0" * 4


class UnitTreeIterator(ModelChoiceIterator):
    """The field's units in tree order, in one query; grouped by organisation when the choice
    spans several (a system administrator's)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset.select_related("organisation"))
        ordered = tree_order(units)
        organisations = {unit.organisation_id for unit in units}
        if len(organisations) <= 1:
            for unit, depth in ordered:
                unit.tree_depth = depth
                yield self.choice(unit)
            return
        groups: dict[int, tuple[str, list]] = {}
        for unit, depth in sorted(ordered, key=lambda pair: pair[0].organisation.name):
            unit.tree_depth = depth
            name = unit.organisation.name
            groups.setdefault(unit.organisation_id, (name, []))[1].append(self.choice(unit))
        yield from groups.values()

    def __len__(self):
        return len(list(iter(self)))


class UnitTreeChoiceField(forms.ModelChoiceField):
    """Choose a unit from the tree. Give it its units with `offer(units, keep=...)`."""

    iterator = UnitTreeIterator
    default_error_messages = {
        "invalid_choice": _(
            "Choose one of the units offered: this one is closed or not one you may choose."
        ),
    }

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset if queryset is not None else Unit.objects.none(), **kwargs)

    def offer(self, units: QuerySet[Unit], *, keep: int | None = None) -> None:
        """Offer the open units of `units`, and `keep` (the unit already chosen) even if it is
        closed."""
        condition = Q(closed_on__isnull=True)
        if keep:
            condition |= Q(pk=keep)
        self.queryset = units.filter(condition)

    def label_from_instance(self, unit: Unit) -> str:
        label = unit.name
        if unit.is_closed:
            label = _("%(unit)s (closed)") % {"unit": label}
        return INDENT * getattr(unit, "tree_depth", 0) + str(label)
