"""The indicator sheet's columns of open-data links ("Kolada KPI", SSB selection...)."""

from django.core.exceptions import ValidationError
from import_export.fields import Field

from indicators.links import CODES, LinkField, LinkSource
from indicators.models import Indicator
from transfer.resources.widgets import JSONWidget, TextWidget, cell_text


class LinkColumn(Field):
    """The column of an open-data link field (`indicators.links`), e.g. "Kolada KPI": read
    from and written into the indicator's `open_data`. An SSB selection is written as JSON
    and read as JSON or as typed in the form (`Var=a,b; Other=c`)."""

    def __init__(self, source: LinkSource, link_field: LinkField) -> None:
        self.source, self.link_field = source, link_field
        key = source.key(link_field)
        widget = JSONWidget() if link_field.kind == CODES else TextWidget()
        super().__init__(attribute=key, column_name=key, widget=widget)

    def get_value(self, instance: Indicator) -> object:
        return self.source.links(instance.open_data).get(self.link_field.name)

    def clean(self, row: dict, **kwargs) -> object:
        try:
            return self.link_field.clean(
                self.link_field.from_text(cell_text(row[self.column_name]))
            )
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error

    def save(self, instance: Indicator, row: dict, is_m2m: bool = False, **kwargs) -> None:
        value = self.clean(row, **kwargs)
        open_data = dict(instance.open_data or {})
        links = dict(self.source.links(open_data))
        if value is None:
            links.pop(self.link_field.name, None)
        else:
            links[self.link_field.name] = value
        if links:
            open_data[self.source.name] = links
        else:
            open_data.pop(self.source.name, None)
        instance.open_data = open_data
