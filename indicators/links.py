"""What an indicator knows about open data: the sources it may link to, and how a link is written.

An indicator keeps its links in one JSON field, `Indicator.open_data`, by source and link field:

    {"kolada": {"kpi": "N00090"},
     "ssb": {"table": "12362",
             "selection": {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}}}

This module declares what a source looks like to an indicator (`LinkSource`: its name, label,
credit line and `LinkField`s) and keeps the registry of them. It knows no source itself: the
opendata app, which sits above this app and fetches the values, registers each of its sources at
start-up (`OpendataConfig.ready()`). From the registry the indicator form shows one fieldset per
source, `Indicator.clean()` checks the links, import and export read and write a column per link
field, and `Measurement.origin` and `SyncRun.source` take their choices, so that a new source
needs no migration.

A link field is text (an id such as a Kolada KPI, checked against a pattern) or codes per
variable (an SSB selection), typed as `KOKkommuneregion0000=4631,EAK; ContentsCode=KOSAG110000`
and stored as {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}.
Each field's key (`<source>_<field>`, e.g. `kolada_kpi`) names its form field and file column.
"""

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

TEXT = "text"
CODES = "codes"
NAME_LENGTH = 10  # the length of Measurement.origin and SyncRun.source
RESERVED_NAMES = frozenset({"manual", "import"})  # the origins of values a person gave
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_CODE = re.compile(r"[^\s,;=]+")  # a variable or a value code: no spaces or separators

Label = str | Promise


@dataclass(frozen=True)
class LinkField:
    """One thing a source needs to know about an indicator, e.g. Kolada's KPI.

    `kind` is TEXT (one id, matching `pattern` entirely if given) or CODES (codes per
    variable). `example` is shown in messages; `headers` are the file column's header in
    sv, nb, nn and en (fixed words, not translations: a file keeps its headers). A `required`
    field must be filled in whenever the source is linked at all. `finder` names a template
    included after the field in the indicator form (e.g. a search that fills it in).
    """

    name: str
    label: Label
    help_text: Label = ""
    kind: str = TEXT
    pattern: str = ""
    example: str = ""
    max_length: int = 20
    required: bool = True
    transform: Callable[[str], str] | None = None  # applied to a TEXT value, e.g. str.upper
    headers: tuple[str, str, str, str] = ("", "", "", "")
    finder: str = ""

    # --- reading what was typed (the form, a file) --------------------------------------------

    def from_text(self, text: str) -> Any:
        """The value of what was typed: an id, or codes per variable (also as JSON).

        Empty text is no value (None). Raises ValidationError with a message in words.
        """
        text = " ".join(str(text or "").split()) if self.kind == TEXT else str(text or "").strip()
        if not text:
            return None
        if self.kind == TEXT:
            return text
        if text.startswith("{"):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise self._not_codes() from None
        selection: dict[str, Any] = {}
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            variable, equals, codes = part.partition("=")
            chosen = [code.strip() for code in codes.split(",") if code.strip()]
            if not equals or not variable.strip() or not chosen or variable.strip() in selection:
                raise self._not_codes()
            selection[variable.strip()] = chosen[0] if len(chosen) == 1 else chosen
        return selection or None

    def as_text(self, value: Any) -> str:
        """A stored value as it is typed: the id, or `Other=c; Var=a,b` (variables in
        alphabetical order: PostgreSQL keeps a JSON object's keys in an order of its own)."""
        if value in (None, "", {}, []):
            return ""
        if self.kind == CODES and isinstance(value, Mapping):
            return "; ".join(
                f"{variable}={codes if isinstance(codes, str) else ','.join(map(str, codes))}"
                for variable, codes in sorted(value.items())
            )
        if self.kind == CODES:
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    # --- checking a stored value --------------------------------------------------------------

    def clean(self, value: Any) -> Any:
        """The value as stored, or None for no value. Raises ValidationError in words."""
        if value in (None, "", {}, []):
            return None
        if self.kind == CODES:
            return self._clean_codes(value)
        if not isinstance(value, str):
            raise ValidationError(_("“%(value)s” is not text.") % {"value": value}, code="invalid")
        written = value.strip()
        value = self.transform(written) if self.transform else written
        if len(value) > self.max_length:
            raise ValidationError(
                _("At most %(count)d characters.") % {"count": self.max_length}, code="max_length"
            )
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise ValidationError(
                _("“%(value)s” is not a valid id, e.g. %(example)s.")
                % {"value": written, "example": self.example},
                code="invalid",
            )
        return value or None

    def _clean_codes(self, value: Any) -> dict[str, str | list[str]]:
        if not isinstance(value, Mapping) or not value:
            raise self._not_codes()
        for variable, codes in value.items():
            chosen = [codes] if isinstance(codes, str) else codes
            if not (
                isinstance(variable, str)
                and _CODE.fullmatch(variable)
                and isinstance(chosen, list)
                and chosen
                and all(isinstance(code, str) and _CODE.fullmatch(code) for code in chosen)
            ):
                raise self._not_codes()
        return dict(value)

    def _not_codes(self) -> ValidationError:
        return ValidationError(
            _(
                "Give codes per variable, each variable with its codes after “=” and the "
                "variables separated by “;”, e.g. %(example)s."
            )
            % {"example": self.example},
            code="invalid",
        )


@dataclass(frozen=True)
class LinkSource:
    """An open-data source as an indicator sees it: what it is called and what a link holds.

    `name` is stored (in `open_data`, as a measurement's origin and a sync's source): lower
    case, at most 10 characters. `credit` is the line the source requires beside its figures,
    in its own words ("Källa: Kolada"), never translated.
    """

    name: str
    label: Label
    credit: str
    fields: tuple[LinkField, ...] = field(default_factory=tuple)
    help_text: Label = ""

    def key(self, link_field: LinkField) -> str:
        """The link field's key: its form field and file column, e.g. `kolada_kpi`."""
        return f"{self.name}_{link_field.name}"

    def keyed_fields(self) -> Iterator[tuple[str, LinkField]]:
        for link_field in self.fields:
            yield self.key(link_field), link_field

    def links(self, open_data: object) -> dict[str, Any]:
        """This source's links in an indicator's `open_data` ({} if not linked)."""
        links = open_data.get(self.name) if isinstance(open_data, Mapping) else None
        return links if isinstance(links, dict) else {}

    def is_linked(self, open_data: object) -> bool:
        return any(value not in (None, "", {}, []) for value in self.links(open_data).values())

    def reference(self, open_data: object) -> str:
        """What the indicator is linked to, in short: its first field's value ("N00090")."""
        links = self.links(open_data)
        return next((str(links[f.name]) for f in self.fields if links.get(f.name)), "")

    def clean(self, links: object) -> dict[str, Any]:
        """The links as stored, empty fields left out ({} for not linked).

        Raises ValidationError by field key (e.g. "ssb_selection"); "open_data" for the whole.
        """
        if links in (None, "", {}):
            return {}
        if not isinstance(links, Mapping):
            raise ValidationError(
                {"open_data": _("%(source)s: the links are not given per field.")
                 % {"source": self.label}}
            )  # fmt: skip
        known = {link_field.name: link_field for link_field in self.fields}
        errors: dict[str, list] = {}
        unknown = [name for name in links if name not in known]
        if unknown:
            errors["open_data"] = [
                _("%(source)s has no link field %(fields)s.")
                % {"source": self.label, "fields": ", ".join(map(str, unknown))}
            ]
        cleaned = {}
        for key, link_field in self.keyed_fields():
            try:
                value = link_field.clean(links.get(link_field.name))
            except ValidationError as error:
                errors[key] = error.messages
                continue
            if value is not None:
                cleaned[link_field.name] = value
        if cleaned:
            for key, link_field in self.keyed_fields():
                if link_field.required and link_field.name not in cleaned and key not in errors:
                    errors[key] = [
                        _("Fill this in as well to link the indicator to %(source)s.")
                        % {"source": self.label}
                    ]
        if errors:
            raise ValidationError(errors)
        return cleaned


# --- The registry ---------------------------------------------------------------------------------

_sources: dict[str, LinkSource] = {}


def register(source: LinkSource) -> LinkSource:
    """Make a source known; a source of the same name is replaced. Returns the source."""
    if (
        not _NAME.fullmatch(source.name)
        or len(source.name) > NAME_LENGTH
        or source.name in RESERVED_NAMES
    ):
        raise ImproperlyConfigured(
            f"An open-data source's name must be lower case, at most {NAME_LENGTH} characters "
            f"and not {' or '.join(sorted(RESERVED_NAMES))}: {source.name!r}."
        )
    _sources[source.name] = source
    return source


def unregister(name: str) -> None:
    """Forget a source (for tests that register one of their own)."""
    _sources.pop(name, None)


def link_sources() -> tuple[LinkSource, ...]:
    """The registered sources, in the order they were registered."""
    return tuple(_sources.values())


def link_source(name: str) -> LinkSource:
    """The registered source of this name; LookupError if there is none."""
    try:
        return _sources[name]
    except KeyError:
        raise LookupError(f"No open-data source is registered as {name!r}.") from None


def link_fields() -> Iterator[tuple[str, LinkSource, LinkField]]:
    """Every registered link field with its key and source, in order."""
    for source in _sources.values():
        for key, link_field in source.keyed_fields():
            yield key, source, link_field


def source_choices() -> list[tuple[str, Label]]:
    """The registered sources as choices (for `SyncRun.source`)."""
    return [(source.name, source.label) for source in _sources.values()]


def linked_sources(open_data: object) -> list[LinkSource]:
    """The registered sources an indicator's `open_data` links to."""
    return [source for source in _sources.values() if source.is_linked(open_data)]


def open_data_errors(open_data: object) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """`open_data` as stored (empty links left out) and what is wrong with it, by field key
    ("kolada_kpi"...) or "open_data" for the whole; the messages do not name the field."""
    if open_data in (None, "", {}):
        return {}, {}
    if not isinstance(open_data, Mapping):
        return {}, {"open_data": [_("The links to open data are not given per source.")]}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    unknown = [str(name) for name in open_data if name not in _sources]
    if unknown:
        errors["open_data"] = [
            _("%(sources)s: not an open-data source. The sources are %(known)s.")
            % {
                "sources": ", ".join(f"“{name}”" for name in unknown),
                "known": get_text_list([str(s.label) for s in _sources.values()], _("and")) or "–",
            }
        ]
    for name, source in _sources.items():
        try:
            links = source.clean(open_data.get(name))
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        if links:
            cleaned[name] = links
    return cleaned, errors


def clean_open_data(open_data: object) -> dict[str, Any]:
    """`open_data` as stored, empty links left out; raises ValidationError whose messages name
    the field ("SSB selection: ...")."""
    cleaned, errors = open_data_errors(open_data)
    if errors:
        labels = {key: link_field.label for key, _source, link_field in link_fields()}
        raise ValidationError(
            [
                f"{labels[key]}: {message}" if key in labels else message
                for key, messages in errors.items()
                for message in messages
            ]
        )
    return cleaned
