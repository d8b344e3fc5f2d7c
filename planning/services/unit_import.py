"""Importing a unit tree from a CSV file: all of it, or nothing with every refused cell explained.

The file has a header row and one row per unit: its name, its parent, its level (kind) and its
Kolada unit id. Name and kind are required; the parent and Kolada columns may be left out or
empty. Headers may be written in Swedish, Norwegian (bokmål, nynorsk) or English,
cells separated by semicolons (as Nordic spreadsheets save them), commas or tabs.

A parent is the name of a unit already in the tree or of another row of the file (in any
order), or a path from the top, "Socialnämnden > Socialförvaltningen", where a name alone is
ambiguous. An empty parent puts the unit at the top of the tree.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.versioning import Actor, save_validated
from planning.models import Organisation, Unit
from planning.models.organisations import KOLADA_OU

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
PATH_SEPARATOR = ">"

NAME, PARENT, KIND, KOLADA = "name", "parent", "kind", "kolada_ou"


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Headers as people write them, squeezed (see `squeeze`): en, sv, nb, nn.
HEADERS = {
    NAME: words("name unitname unit namn enhetsnamn enhet navn enhetsnavn einingsnamn eining"),
    PARENT: words(
        "parent parentunit parentname överordnad överordnadenhet överliggande överliggandeenhet "
        "förälder overordnet overordnetenhet overordna overordnaeining forelder"
    ),
    KIND: words("kind type level unitkind typ nivå enhetstyp nivaa einingstype"),
    KOLADA: words(
        "koladaunitid koladaid koladaou ou koladaenhetsid koladaenhetid koladaeiningsid "
        "koladaeiningid koladaenhet koladaeining"
    ),
}

# Words for the levels beyond the model's labels (which are read in every language).
KIND_WORDS = {
    Unit.Kind.COMMITTEE: words(
        "nämnd styrelse utskott utvalg utval hovedutvalg hovudutval nemnd board"
    ),
    Unit.Kind.ADMINISTRATION: words("förvaltning kontor etat sektor forvaltning"),
    Unit.Kind.OPERATION: words(
        "verksamhet verksamhetsområde virksomhet verksemd tjenesteområde tenesteområde område"
    ),
    Unit.Kind.DEPARTMENT: words("avdelning avdeling seksjon division"),
    Unit.Kind.UNIT: words("enhet eining team"),
}


def squeeze(text: str) -> str:
    """A header or a word, lower case, without spaces, dashes, dots or underscores."""
    return re.sub(r"[\s\-_.:/()]+", "", text.casefold())


@dataclass
class Problem:
    """One refused cell (or row, or the file): where, what it said, and why."""

    row: int | None
    column: str
    value: str
    message: str


class UnitImportError(Exception):
    """The file was refused; `problems` explains each refused cell. Nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


@dataclass(eq=False)
class Node:
    """A unit of the tree as it would be after the import: one already there or a new row."""

    name: str
    unit: Unit | None = None  # an existing unit
    row: int | None = None  # a row of the file (its line number)
    kind: str = ""
    kolada_ou: str = ""
    parent_text: str = ""
    parent: "Node | None" = None
    resolved: bool = False
    children: list["Node"] = field(default_factory=list)

    def chain(self) -> list[str]:
        """The names from this node up to the top, this one first."""
        names, node = [], self
        while node is not None:
            names.append(node.name.casefold())
            node = node.parent
        return names


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older spreadsheets on Windows save CSV in Windows-1252.
        return content.decode("cp1252")


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def kind_words(organisation: Organisation) -> dict[str, str]:
    """Every word accepted for a level: the organisation's own, the levels' names in each
    language, and the common words of Swedish and Norwegian organisations."""
    words: dict[str, str] = {}
    for kind, extra in KIND_WORDS.items():
        words[squeeze(kind)] = kind
        for word in extra:
            words[squeeze(word)] = kind
    for language in ("en", "sv", "nb", "nn"):
        with translation.override(language):
            for kind, label in Unit.Kind.choices:
                words[squeeze(str(label))] = kind
    for kind in Unit.Kind.values:
        own = organisation.level_word(kind)
        if own:
            words[squeeze(own)] = kind
    return words


def _refuse(row: int | None, message: str) -> UnitImportError:
    """The whole file is refused, for one reason."""
    return UnitImportError([Problem(row, "", "", message)])


def _read_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows with their line numbers; UnitImportError if the file
    as a whole cannot be read."""
    if len(content) > MAX_BYTES:
        raise _refuse(None, _("The file is larger than 1 MB."))
    not_text = _("The file is not text (CSV) in UTF-8.")
    if b"\0" in content:  # a spreadsheet's own format, an image...
        raise _refuse(None, not_text)
    try:
        text = _decode(content)
    except UnicodeDecodeError:
        raise _refuse(None, not_text) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _refuse(1, _("The file is empty: the first row must be the headers."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        message = _("The file cannot be read as CSV: %(error)s") % {"error": error}
        raise _refuse(reader.line_num, message) from None
    body = [(number, row) for number, row in rows[1:] if any(cell.strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise _refuse(None, _("The file has more than %(limit)d units.") % {"limit": MAX_ROWS})
    if not body:
        raise _refuse(2, _("The file has headers but no units."))
    return rows[0][1], body


def _columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """Which column holds what, by its header."""
    columns: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        key = squeeze(title)
        if not key:
            continue
        what = next((name for name, words in HEADERS.items() if key in words), None)
        if what is None:
            problems.append(
                Problem(
                    1,
                    title,
                    title,
                    _(
                        "Unknown column. The columns are: name, parent, kind and Kolada unit id "
                        "(or namn, överordnad, typ, Kolada-id; navn, overordnet, type, Kolada-id)."
                    ),
                )
            )
        elif what in columns:
            problems.append(Problem(1, title, title, _("This column appears twice.")))
        else:
            columns[what] = index
    for required, label in ((NAME, _("name")), (KIND, _("kind"))):
        if required not in columns and not problems:
            problems.append(
                Problem(1, "", "", _("The column %(column)s is missing.") % {"column": label})
            )
    return columns, problems


class _Tree:
    """The tree after the import: the open units already there and the file's rows."""

    def __init__(self, organisation: Organisation):
        existing = list(Unit.objects.open().filter(organisation=organisation))
        nodes = {unit.pk: Node(name=unit.name, unit=unit, resolved=True) for unit in existing}
        for unit in existing:
            nodes[unit.pk].parent = nodes.get(unit.parent_id)
        self.nodes: list[Node] = list(nodes.values())

    def named(self, name: str) -> list[Node]:
        key = name.casefold()
        return [node for node in self.nodes if node.name.casefold() == key]


def _resolve(tree: _Tree, node: Node, problems: list[Problem], column: str, visiting=()) -> None:
    """Find the node's parent from what its row says."""
    if node.resolved:
        return
    node.resolved = True
    text = node.parent_text.strip()
    if not text:
        return
    segments = [segment.strip() for segment in text.split(PATH_SEPARATOR)]
    if any(not segment for segment in segments):
        problems.append(Problem(node.row, column, text, _("A path has an empty step.")))
        return
    found = []
    for candidate in tree.named(segments[-1]):
        if candidate is node:
            continue
        if candidate in visiting:
            problems.append(
                Problem(
                    node.row,
                    column,
                    text,
                    _("The rows form a circle: a unit cannot be placed below itself."),
                )
            )
            return
        _resolve(tree, candidate, problems, column, (*visiting, node))
        chain = candidate.chain()
        wanted = [segment.casefold() for segment in reversed(segments)]
        if chain[: len(wanted)] == wanted:
            found.append(candidate)
    if len(found) == 1:
        node.parent = found[0]
        node.parent.children.append(node)
    elif not found:
        problems.append(
            Problem(
                node.row,
                column,
                text,
                _("There is no open unit called %(name)s, in the tree or in the file.")
                % {"name": text},
            )
        )
    else:
        problems.append(
            Problem(
                node.row,
                column,
                text,
                _(
                    "Several units are called %(name)s: write the path from the top, "
                    "e.g. %(example)s."
                )
                % {
                    "name": text,
                    "example": f" {PATH_SEPARATOR} ".join(
                        reversed([name for name in _names(found[0])])
                    ),
                },
            )
        )


def _names(node: Node) -> list[str]:
    names = []
    while node is not None:
        names.append(node.name)
        node = node.parent
    return names


def units_import(
    *,
    organisation: Organisation,
    content: bytes,
    actor: Actor,
    may_place: Callable[[Unit | None], bool] = lambda parent: True,
) -> list[Unit]:
    """Add the units of a CSV file to the organisation's tree; all of them or none.

    `may_place(parent)` says whether the user may add a unit below an existing unit (None: at
    the top). Raises UnitImportError with every refused cell; returns the new units, parents
    before their children.
    """
    header, rows = _read_rows(content)
    columns, problems = _columns(header)
    if problems:
        raise UnitImportError(problems)
    tree = _Tree(organisation)
    words = kind_words(organisation)
    titles = {what: header[index] for what, index in columns.items()}

    def cell(row: list[str], what: str) -> str:
        index = columns.get(what)
        return row[index].strip() if index is not None and index < len(row) else ""

    new: list[Node] = []
    for number, row in rows:
        if len(row) > len(header):
            extra = ", ".join(value for value in row[len(header) :] if value.strip())
            if extra:
                problems.append(
                    Problem(number, "", extra, _("The row has more cells than there are headers."))
                )
        name, kind_text, kolada = cell(row, NAME), cell(row, KIND), cell(row, KOLADA)
        node = Node(name=name, row=number, parent_text=cell(row, PARENT), kolada_ou=kolada)
        if not name:
            problems.append(Problem(number, titles[NAME], name, _("Every unit needs a name.")))
        elif len(name) > 200:
            problems.append(
                Problem(number, titles[NAME], name, _("A name may be at most 200 characters."))
            )
        node.kind = words.get(squeeze(kind_text), "")
        if not node.kind:
            problems.append(
                Problem(
                    number,
                    titles[KIND],
                    kind_text,
                    _("Unknown kind. Write one of: %(kinds)s.")
                    % {"kinds": ", ".join(label for _kind, label in organisation.level_choices())},
                )
            )
        if kolada:
            try:
                KOLADA_OU(kolada)
            except ValidationError as error:
                problems.append(Problem(number, titles[KOLADA], kolada, " ".join(error.messages)))
            if len(kolada) > 20:
                problems.append(
                    Problem(
                        number,
                        titles[KOLADA],
                        kolada,
                        _("A Kolada unit id is at most 20 characters."),
                    )
                )
        new.append(node)
    tree.nodes.extend(node for node in new if node.name)
    parent_column = titles.get(PARENT, "")
    for node in new:
        if node.name:
            _resolve(tree, node, problems, parent_column)
    _check_places(tree, new, problems, (titles[NAME], parent_column), may_place)
    if problems:
        raise UnitImportError(sorted(problems, key=lambda problem: problem.row or 0))
    return _create(organisation, new, actor)


def _check_places(tree: _Tree, new: list[Node], problems: list[Problem], columns, may_place):
    """No two open units with one name in one place; every new unit where the user may add."""
    name_column, parent_column = columns
    taken = {
        (id(node.parent) if node.parent else None, node.name.casefold()): node
        for node in tree.nodes
        if node.unit is not None
    }
    for node in new:
        if not node.name or (node.parent_text.strip() and node.parent is None):
            continue
        place = (id(node.parent) if node.parent else None, node.name.casefold())
        other = taken.get(place)
        if other is not None:
            message = (
                _("%(name)s already exists in that place.") % {"name": node.name}
                if other.unit is not None
                else _("Row %(row)d already adds a unit with this name in the same place.")
                % {"row": other.row}
            )
            problems.append(Problem(node.row, name_column, node.name, message))
            continue
        taken[place] = node
        # A new unit below another new one is allowed where that one is.
        anchored = node.parent is None or node.parent.unit is not None
        if anchored and not may_place(node.parent.unit if node.parent else None):
            problems.append(
                Problem(
                    node.row,
                    parent_column or name_column,
                    node.parent_text,
                    _("You may add units only below the units you plan for or administer."),
                )
            )


def _create(organisation: Organisation, new: list[Node], actor: Actor) -> list[Unit]:
    """Save the new units, each parent before its children, in one transaction."""
    created: list[Unit] = []
    pending = list(new)
    with transaction.atomic():
        while pending:
            ready = [node for node in pending if node.parent is None or node.parent.unit]
            for node in ready:
                try:
                    node.unit = save_validated(
                        Unit(
                            organisation=organisation,
                            parent=node.parent.unit if node.parent else None,
                            name=node.name,
                            kind=node.kind,
                            kolada_ou=node.kolada_ou,
                        ),
                        actor=actor,
                    )
                except ValidationError as error:
                    raise UnitImportError(
                        [Problem(node.row, "", node.name, " ".join(error.messages))]
                    ) from error
                created.append(node.unit)
            pending = [node for node in pending if node.unit is None]
    return created
