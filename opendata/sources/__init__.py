"""The open-data sources, one module each, registered at start-up in this order.

A source is a `base.Source`: its name, label and credit line, the link fields an indicator
fills in (`indicators.links.LinkField`), and `fetch(plan, indicators)`. To add one, write its
module here (its client on `opendata.client`, its declaration and its fetch) and add it to
SOURCES; nothing else changes: the indicator form, the admin, import and export, the origin of
the values and the syncs all read the registry (`indicators.links`).
"""

from opendata.sources.base import Source
from opendata.sources.kolada import KOLADA
from opendata.sources.ssb import SSB

SOURCES: tuple[Source, ...] = (KOLADA, SSB)
