"""Follow-up periods in a file's cells, by their names in the organisation's scheme.

A period is written in exports as its name and year in the file's language ("Delårsrapport
januari–augusti 2026") and read from its name in any of the four languages, its short code
("D2 2026"), or the words documents use (`vocabulary.period_parts`: "Helår 2025", "Delår 2 2025",
"Årsbokslut 2025", a bare year), case and dashes aside.
"""

import re

from planning.models import FollowUpPeriod
from planning.models.schemes import NAME_LANGUAGES
from transfer.resources import vocabulary as words

# "Delår 1 2026", "D2 2026", "Helår, 2025"; "2026 Q1", "2026-T1".
YEAR_LAST = re.compile(r"^(?P<name>.*?\S)[\s,/-]*(?P<year>\d{4})$")
YEAR_FIRST = re.compile(r"^(?P<year>\d{4})[\s,/-]*(?P<name>\S.*)$")


def name_and_year(text: str) -> tuple[str, int] | None:
    """A period cell split into what names the period and its year, or None without a year."""
    compact = " ".join(str(text).split())
    for pattern in (YEAR_LAST, YEAR_FIRST):
        match = pattern.match(compact)
        if match:
            return match["name"], int(match["year"])
    return None


def written_names(period: FollowUpPeriod) -> set[str]:
    """What names the period in a cell: its short code and its name in every language."""
    names = {getattr(period, f"name_{code}") for code in NAME_LANGUAGES}
    return {words.normalised(name) for name in (period.kind, *names) if name}


def names_of(periods: list[FollowUpPeriod]) -> dict[str, FollowUpPeriod]:
    """A year's periods (in the scheme's order) by every name and code that names them: a code
    before a name, and an earlier period before a later one of the same name."""
    found: dict[str, FollowUpPeriod] = {}
    for period in periods:
        for name in written_names(period) - {words.normalised(period.kind)}:
            found.setdefault(name, period)
    found.update({words.normalised(period.kind): period for period in periods})
    return found


def period_cell(period: FollowUpPeriod, language: str) -> str:
    """A period as an export writes it: its name in the file's language and its year."""
    return f"{period.name(language)} {period.year}"


def period_list(periods: list[FollowUpPeriod], language: str) -> str:
    """Periods as a message lists them: "Delår 1 2026 (D1), Helår 2026 (HEL)"."""
    return ", ".join(f"{period_cell(period, language)} ({period.kind})" for period in periods)
