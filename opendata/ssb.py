"""A client for Statistics Norway's PxWebApi v2 (SSB, KOSTRA tables), answering in json-stat2.

`GET tables/{id}/data?lang=no&valueCodes[Var]=a,b` gives one table's cells for the chosen codes
of each variable. SSB allows 30 calls in any 60 seconds: the client keeps to that. Values shown
from SSB must say "Kilde: Statistisk sentralbyrå" (data under NLOD).

Kommune numbers changed in 2020 and again in 2024, when municipalities and counties merged and
split: a figure from before a change is published under the number of its time. This client asks
for exactly the codes it is given; mapping old numbers to new ones is not done here.
"""

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from math import prod
from typing import Self

from django.conf import settings
from django.utils.translation import gettext as _

from opendata.client import JsonFetcher, OpenDataError, RetryPolicy, Sleep, Throttle, invalid_answer

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


class SsbClient:
    """PxWebApi v2, throttled to SSB's limit and retried (see `indicators.opendata`)."""

    def __init__(
        self,
        *,
        base_url: str = BASE_URL,
        timeout: float = 20.0,
        calls_per_minute: int = CALLS_PER_MINUTE,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ):
        self.fetcher = JsonFetcher(
            service=SERVICE,
            base_url=base_url,
            timeout=timeout,
            throttle=Throttle(calls=calls_per_minute, period=60.0, sleep=sleep),
            retry=retry or RetryPolicy(),
            sleep=sleep,
        )

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            base_url=settings.SSB_API_URL,
            timeout=settings.OPENDATA_TIMEOUT,
            calls_per_minute=settings.SSB_CALLS_PER_MINUTE,
            retry=RetryPolicy.from_settings(),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.fetcher.close()

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
