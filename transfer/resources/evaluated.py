"""An activity's "evaluated in" cell: the names of the periods of the scheme of the plan's
organisation, written in the file's language and read back in any of them, by their codes, or
by the words files used before schemes were data (the old meaning on this scheme: "T1" the
first period, "T2" the periods between the first and the last, "Tertialrapport" both, and
"Årsbokslut" the last)."""

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from goals.evaluation import chosen_rows, rows_mask
from goals.models import Activity
from planning.models import SchemeRow
from planning.models.schemes import NAME_LANGUAGES
from transfer.resources import vocabulary as words
from transfer.resources.widgets import cell_text

JOINER = ", "
OLD_T1 = frozenset({"t1"})
OLD_T2 = frozenset({"t2"})
_MARK = "\x00"


def evaluated_text(activity: Activity, rows: Sequence[SchemeRow], language: str) -> str:
    """The names of the periods the activity is evaluated in, in `language`: "Tertial 1,
    Årsbokslut (tertial 3)"."""
    return JOINER.join(row.name(language) for row in chosen_rows(rows, activity.evaluated_months))


def _names(rows: Sequence[SchemeRow]) -> list[tuple[str, int]]:
    """Each period's names in every language (normalised), the longest first, with its index."""
    found = {
        words.normalised(getattr(row, f"name_{code}")): index
        for index, row in enumerate(rows)
        for code in NAME_LANGUAGES
    }
    found.pop("", None)
    return sorted(found.items(), key=lambda pair: len(pair[0]), reverse=True)


def _old_meaning(token: str, rows: Sequence[SchemeRow]) -> list[int] | None:
    """The periods an old word names on this scheme (indices), or None if it is not one."""
    first, middle, last = [0], list(range(1, len(rows) - 1)), [len(rows) - 1]
    if token in OLD_T1:
        return first
    if token in OLD_T2:
        return middle or None
    if token in words.INTERIM.accepted():
        return first + middle if len(rows) > 1 else None
    if token in words.YEAR_END.accepted():
        return last
    return None


def read_evaluated(value: object, rows: Sequence[SchemeRow], language: str) -> int:
    """`evaluated_months` from a cell: the periods' names (any language) or codes, or the old
    words, separated by commas, slashes, "och"... Raises ValueError naming the word that is
    none of them. An empty cell is no period (the activity's rules then ask for one)."""
    # As written (for the message), but spaces and dashes as `normalised` makes them.
    text = " ".join(cell_text(value).split()).translate(str.maketrans("–—‐", "---"))
    # The names first, the longest first: a name may hold a separator ("Januari och februari").
    for name, index in _names(rows):
        text = re.sub(
            rf"(?<!\w){re.escape(name)}(?!\w)",
            f" {JOINER}{_MARK}{index}{_MARK}{JOINER} ",
            text,
            flags=re.IGNORECASE,
        )
    codes = {words.normalised(row.code): index for index, row in enumerate(rows)}
    chosen: set[int] = set()
    for part in filter(None, words.EVALUATED_SEPARATORS.split(text.strip(" ,"))):
        token = words.normalised(part)
        if not token:
            continue
        if token.startswith(_MARK) and token.endswith(_MARK):
            chosen.add(int(token.strip(_MARK)))
        elif token in codes:
            chosen.add(codes[token])
        elif (old := _old_meaning(token, rows)) is not None:
            chosen.update(old)
        else:
            raise ValueError(
                _(
                    "“%(value)s” is not a follow-up period of the organisation. Write one or "
                    "more of %(periods)s, separated by commas."
                )
                % {
                    "value": part.strip(),
                    "periods": ", ".join(f"“{row.name(language)}”" for row in rows),
                }
            )
    return rows_mask(rows[index] for index in sorted(chosen))
