"""SSB (Statistics Norway, KOSTRA): the source `ssb`, its link (a table and a selection of its
codes), its client and its fetch.

The client speaks PxWebApi v2, answering in json-stat2: `GET
tables/{id}/data?lang=no&valueCodes[Var]=a,b` gives one table's cells for the chosen codes of
each variable. SSB allows 30 calls in any 60 seconds: the client keeps to that. Values shown
from SSB must say "Kilde: Statistisk sentralbyrå" (data under NLOD).

An indicator links to a table and a selection: codes per variable, e.g.
{"KOKkommuneregion0000": ["4631", "EAK", "EKG11"], "ContentsCode": "KOSAG110000"}. A sync adds
the plan's years (variable Tid) unless the selection names them, and reads the organisation's
figure (by gender where the table has Kjonn), the whole country's (EAK, 0) and the comparison
group's (its KOSTRA group code) from the answer; each year must give one value per region.

Kommune numbers changed in 2020 and again in 2024, when municipalities and counties merged and
split: a figure from before a change is published under the number of its time. This client asks
for exactly the codes it is given; mapping old numbers to new ones is not done here.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from math import prod

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.links import CODES, LinkField
from indicators.models import Gender, Indicator, ReferenceValue
from opendata.client import OpenDataError, ServiceClient, invalid_answer
from opendata.sources.base import Fetched, Source, area_kinds, municipality_code
from planning.models import Plan

BASE_URL = "https://data.ssb.no/api/pxwebapi/v2/"
SERVICE = "SSB"
CREDIT = "Kilde: Statistisk sentralbyrå"
CALLS_PER_MINUTE = 30
_TABLE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Dimension:
    """A variable of a table and its codes in the answer's order, with their labels."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Cell:
    """One figure: its code for every dimension, its value (None if SSB has none), its status."""

    codes: Mapping[str, str]
    value: Decimal | None
    status: str


@dataclass(frozen=True)
class Dataset:
    """A json-stat2 dataset: dimensions in order and the values, the last dimension fastest."""

    label: str
    source: str
    updated: str
    dimensions: tuple[Dimension, ...]
    roles: Mapping[str, tuple[str, ...]]
    values: tuple[Decimal | None, ...]
    statuses: Mapping[int, str]

    def dimension(self, name: str) -> Dimension | None:
        return next((dimension for dimension in self.dimensions if dimension.id == name), None)

    def cells(self) -> Iterator[Cell]:
        ids = [dimension.id for dimension in self.dimensions]
        combinations = product(*(dimension.codes for dimension in self.dimensions))
        for index, (codes, value) in enumerate(zip(combinations, self.values, strict=True)):
            yield Cell(dict(zip(ids, codes, strict=True)), value, self.statuses.get(index, ""))


class SsbClient(ServiceClient):
    """PxWebApi v2, throttled to SSB's limit and retried (see `opendata.client`)."""

    SERVICE = SERVICE
    BASE_URL = BASE_URL
    CALLS, PERIOD = CALLS_PER_MINUTE, 60.0
    URL_SETTING, CALLS_SETTING = "SSB_API_URL", "SSB_CALLS_PER_MINUTE"

    def __init__(self, *, calls_per_minute: int | None = None, **options) -> None:
        super().__init__(calls=calls_per_minute, **options)

    def table(
        self, table: str, value_codes: Mapping[str, Sequence[str]], *, lang: str = "no"
    ) -> Dataset:
        """A table's cells for the given codes of each variable, e.g. {"Tid": ["2023"]}.

        Codes may use PxWebApi's selection expressions, e.g. "*" for every code.
        """
        if not _TABLE.fullmatch(table):
            raise OpenDataError(_('"%(table)s" is not an SSB table id.') % {"table": table})
        params = {"lang": lang}
        for variable, codes in value_codes.items():
            params[f"valueCodes[{variable}]"] = ",".join(codes)
        return dataset_from_json(self.fetcher.get(f"tables/{table}/data", params))


def dataset_from_json(answer: object) -> Dataset:
    """Read a json-stat2 dataset. Raises OpenDataInvalid if it is not one."""
    if not isinstance(answer, dict) or answer.get("class") != "dataset":
        raise invalid_answer(SERVICE, _("not a json-stat2 dataset"))
    ids, sizes = answer.get("id"), answer.get("size")
    if not (isinstance(ids, list) and isinstance(sizes, list) and len(ids) == len(sizes)):
        raise invalid_answer(SERVICE, _("dimensions and sizes do not match"))
    dimensions = tuple(_dimension(answer.get("dimension"), name) for name in ids)
    if [len(dimension.codes) for dimension in dimensions] != sizes:
        raise invalid_answer(SERVICE, _("dimensions and sizes do not match"))
    count = prod(sizes)
    roles = answer.get("role") or {}
    return Dataset(
        label=str(answer.get("label", "")),
        source=str(answer.get("source", "")),
        updated=str(answer.get("updated", "")),
        dimensions=dimensions,
        roles={role: tuple(names) for role, names in roles.items() if isinstance(names, list)},
        values=_values(answer.get("value"), count),
        statuses=_statuses(answer.get("status"), count),
    )


def _dimension(dimensions: object, name: object) -> Dimension:
    entry = dimensions.get(name) if isinstance(dimensions, dict) and isinstance(name, str) else None
    category = entry.get("category") if isinstance(entry, dict) else None
    if not isinstance(category, dict):
        raise invalid_answer(SERVICE, _("no dimension %(id)s") % {"id": name})
    index, labels = category.get("index"), category.get("label") or {}
    if not isinstance(labels, dict):
        raise invalid_answer(SERVICE, _("no dimension %(id)s") % {"id": name})
    if isinstance(index, dict) and all(isinstance(place, int) for place in index.values()):
        codes = tuple(sorted(index, key=index.__getitem__))
    elif isinstance(index, list):
        codes = tuple(map(str, index))
    elif index is None:
        codes = tuple(labels)  # json-stat2 leaves out the index of a single category
    else:
        raise invalid_answer(SERVICE, _("no dimension %(id)s") % {"id": name})
    return Dimension(id=name, label=str(entry.get("label", name)), codes=codes, labels=labels)


def _number(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise invalid_answer(SERVICE, _("a value that is not a number"))
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _values(values: object, count: int) -> tuple[Decimal | None, ...]:
    """The values as a dense tuple; json-stat2 may send them sparse, as {index: value}."""
    if isinstance(values, dict):
        dense = [None] * count
        for index, value in values.items():
            if not str(index).isdigit() or int(index) >= count:
                raise invalid_answer(SERVICE, _("a value outside the table"))
            dense[int(index)] = value
        values = dense
    if not isinstance(values, list) or len(values) != count:
        raise invalid_answer(SERVICE, _("the number of values does not match the dimensions"))
    return tuple(_number(value) for value in values)


def _statuses(statuses: object, count: int) -> dict[int, str]:
    """Status symbols by value index (".." not available, ":" confidential...)."""
    if isinstance(statuses, str):
        return dict.fromkeys(range(count), statuses)
    if isinstance(statuses, list):
        return {index: status for index, status in enumerate(statuses) if status}
    if isinstance(statuses, dict):
        return {int(index): status for index, status in statuses.items() if str(index).isdigit()}
    return {}


# --- The source: the link, and the fetch for a sync -----------------------------------------------

TIME = "Tid"
GENDER = "Kjonn"
GENDERS = {"0": Gender.TOTAL, "1": Gender.MEN, "2": Gender.WOMEN}
NATIONAL = frozenset({"EAK", "0"})  # KOSTRA's "Landet" and "Hele landet"


class Ssb(Source):
    def fetch(self, plan: Plan, indicators: list[Indicator]) -> Fetched:
        fetched = self.fetched()
        code = municipality_code(plan.organisation)
        with SsbClient.from_settings() as client:
            for indicator in indicators:
                table = str(self.links(indicator.open_data).get("table") or "")
                dataset = client.table(table, _codes(indicator, plan))
                _collect(dataset, indicator, plan, code, fetched)
        return fetched


def _codes(indicator: Indicator, plan: Plan) -> dict[str, list[str]]:
    """The indicator's selection as codes per variable, with the plan's years added."""
    selection = SSB.links(indicator.open_data).get("selection")
    selection = selection if isinstance(selection, dict) else {}
    codes = {
        var: [chosen] if isinstance(chosen, str) else chosen for var, chosen in selection.items()
    }
    if not codes or not all(
        isinstance(chosen, list) and chosen and all(isinstance(code, str) for code in chosen)
        for chosen in codes.values()
    ):
        raise OpenDataError(
            _(
                'The SSB selection of "%(indicator)s" must give codes per variable, e.g. '
                '{"KOKkommuneregion0000": "4631", "ContentsCode": "KOSAG110000"}.'
            )
            % {"indicator": indicator.name}
        )
    codes.setdefault(TIME, [str(year) for year in plan.years])
    return codes


def _region(dataset: Dataset) -> str | None:
    """The dimension that holds municipalities: role geo, else a variable named *region*."""
    geo = dataset.roles.get("geo")
    if geo:
        return geo[0]
    return next((d.id for d in dataset.dimensions if "region" in d.id.casefold()), None)


def _collect(
    dataset: Dataset, indicator: Indicator, plan: Plan, code: str, fetched: Fetched
) -> None:
    """The organisation's, the country's and the comparison group's figures of one table."""
    time = (dataset.roles.get("time") or (TIME,))[0]
    region = _region(dataset)
    several = [
        dimension.id
        for dimension in dataset.dimensions
        if dimension.id not in {time, region, GENDER} and len(dimension.codes) > 1
    ]
    if several:
        raise OpenDataError(
            _('The SSB selection of "%(indicator)s" gives several values a year: choose one code '
              "of %(variables)s.") % {"indicator": indicator.name, "variables": ", ".join(several)}
        )  # fmt: skip
    has_gender = dataset.dimension(GENDER) is not None
    group = plan.organisation.comparison_group
    kinds = area_kinds(code, NATIONAL, group)
    for cell in dataset.cells():
        year = cell.codes.get(time, "")
        gender = GENDERS.get(cell.codes[GENDER]) if has_gender else Gender.TOTAL
        area = cell.codes[region] if region else code
        if year.isdigit() and int(year) in plan.years and gender and area in kinds:
            group_code = area if kinds[area] == ReferenceValue.Kind.GROUP_MEAN else ""
            figure = (int(year), gender, cell.value)
            fetched.collect([indicator], figure, kind=kinds[area], group=group_code)


SSB = Ssb(
    name="ssb",
    label=gettext_lazy("Statistics Norway (SSB)"),
    credit=CREDIT,
    service=SERVICE,
    help_text=gettext_lazy("Norwegian municipalities' KOSTRA figures (ssb.no)."),
    fields=(
        LinkField(
            name="table",
            label=gettext_lazy("SSB table"),
            help_text=gettext_lazy("KOSTRA table id, e.g. 12362"),
            pattern=_TABLE.pattern,
            example="12362",
            headers=("SSB-tabell", "SSB-tabell", "SSB-tabell", "SSB table"),
        ),
        LinkField(
            name="selection",
            label=gettext_lazy("SSB selection"),
            help_text=gettext_lazy(
                "Value codes per variable, separated by “;”, several codes of a variable by “,”: "
                "e.g. KOKkommuneregion0000=4631,EAK; ContentsCode=KOSAG110000. The plan's years "
                "are added unless Tid is given."
            ),
            kind=CODES,
            example="KOKkommuneregion0000=4631; ContentsCode=KOSAG110000",
            max_length=2000,
            headers=("SSB-urval", "SSB-utvalg", "SSB-utval", "SSB selection"),
        ),
    ),
)
