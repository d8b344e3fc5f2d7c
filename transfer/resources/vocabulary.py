"""The words of the exchange format: sheet names, column headers and the values' words.

A file is written in the user's language (Swedish by default) and read in any of Swedish,
Norwegian bokmål, Norwegian nynorsk and English, whatever the reader's own language. The header
and sheet names are therefore a table of all four languages here, not gettext messages: an import
must recognise every language at once, and a file must not change its headers when a catalogue
is edited. The values of choice fields (status, gender, unit...) are the models' own labels,
read in all four languages from the catalogues, or their codes.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext

from indicators.links import link_fields

LANGUAGES = ("sv", "nb", "nn", "en")
DEFAULT_LANGUAGE = "sv"


def file_language(language: str | None = None) -> str:
    """The language a file is written in: the given or active language, if one of ours."""
    code = (language or translation.get_language() or DEFAULT_LANGUAGE).lower()
    code = {"no": "nb"}.get(code.split("-")[0], code.split("-")[0])
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def normalised(text: object) -> str:
    """A header, sheet name or word as compared: case, spaces, dashes and a trailing colon."""
    value = " ".join(str(text or "").replace("\u00a0", " ").split()).casefold()
    return value.translate(str.maketrans("–—‐", "---")).rstrip(":*").strip()


@dataclass(frozen=True)
class Words:
    """One word or header in each language (sv, nb, nn, en), and other spellings accepted."""

    sv: str
    nb: str
    nn: str
    en: str
    aliases: tuple[str, ...] = ()

    def __call__(self, language: str) -> str:
        return getattr(self, file_language(language))

    def accepted(self) -> set[str]:
        return {normalised(word) for word in (self.sv, self.nb, self.nn, self.en, *self.aliases)}


# --- Kinds of rows (sheets in a workbook, files of CSV) ----------------------------------------

GOALS = "goals"
SUB_GOALS = "sub_goals"
INDICATORS = "indicators"
ACTIVITIES = "activities"
ACTIVITY_STATUSES = "activity_statuses"
MEASUREMENTS = "measurements"
# The order of import: each kind refers only to kinds before it.
KINDS = (GOALS, SUB_GOALS, INDICATORS, ACTIVITIES, ACTIVITY_STATUSES, MEASUREMENTS)

SHEETS = {
    GOALS: Words("Mål", "Mål", "Mål", "Goals"),
    SUB_GOALS: Words("Delmål", "Delmål", "Delmål", "Sub-goals", ("måluppfyllelse",)),
    INDICATORS: Words(
        "Indikatorer",
        "Indikatorer",
        "Indikatorar",
        "Indicators",
        ("mått", "nyckeltal", "nøkkeltall", "nøkkeltal", "kpis", "key figures"),
    ),
    ACTIVITIES: Words(
        "Aktiviteter",
        "Aktiviteter",
        "Aktivitetar",
        "Activities",
        ("åtgärder", "tiltak", "actions", "measures"),
    ),
    ACTIVITY_STATUSES: Words(
        "Aktivitetsstatus", "Aktivitetsstatus", "Aktivitetsstatus", "Activity status"
    ),
    MEASUREMENTS: Words(
        "Mätvärden",
        "Måleverdier",
        "Måleverdiar",
        "Measurements",
        ("värden", "utfall", "resultat", "results", "outcomes"),
    ),
}

# --- Columns --------------------------------------------------------------------------------------


class Columns(dict):
    """The columns' words by key; an open-data link field's column (`kolada_kpi`...) has the
    headers its source declares (`indicators.links.LinkField.headers`)."""

    def __missing__(self, key: str) -> Words:
        for link_key, _source, link_field in link_fields():
            if link_key == key:
                return Words(*link_field.headers)
        raise KeyError(key)


COLUMNS = {
    "number": Words("Nr", "Nr", "Nr", "No.", ("nummer", "number", "målnummer")),
    "label": Words(
        "Numrering", "Nummerering", "Nummerering", "Numbering", ("numrerat som", "målbeteckning")
    ),
    "goal_title": Words("Mål", "Mål", "Mål", "Goal", ("rubrik", "title")),
    "perspective": Words("Perspektiv", "Perspektiv", "Perspektiv", "Perspective"),
    "subgoal_label": Words(
        "Delmål nr", "Delmål nr", "Delmål nr", "Sub-goal no.", ("delmålsnummer", "delmål nummer")
    ),
    "description": Words("Beskrivning", "Beskrivelse", "Skildring", "Description"),
    "scope": Words("Omfattning", "Omfang", "Omfang", "Scope"),
    "goal_number": Words("Mål nr", "Mål nr", "Mål nr", "Goal no.", ("målnr", "mål nummer")),
    "subgoal": Words("Delmål", "Delmål", "Delmål", "Sub-goal", ("måluppfyllelse",)),
    "indicator": Words(
        "Indikator",
        "Indikator",
        "Indikator",
        "Indicator",
        ("mått", "nyckeltal", "nøkkeltall", "nøkkeltal", "kpi", "key figure"),
    ),
    "definition": Words("Definition", "Definisjon", "Definisjon", "Definition"),
    "measure_unit": Words("Måttenhet", "Måleenhet", "Måleeining", "Unit of measure"),
    "unit_label": Words(
        "Måttenhet (fritext)",
        "Måleenhet (fritekst)",
        "Måleeining (fritekst)",
        "Unit of measure (free text)",
    ),
    "decimals": Words("Decimaler", "Desimaler", "Desimalar", "Decimals"),
    "source": Words("Källa", "Kilde", "Kjelde", "Source"),
    "frequency": Words("Mäts", "Måles", "Vert målt", "Measured"),
    "scale_max": Words(
        "Skalans maxvärde", "Skalaens maksimum", "Skalaen sitt maksimum", "Scale maximum"
    ),
    "target_value": Words(
        "Målvärde",
        "Målverdi",
        "Målverdi",
        "Target value",
        ("målnivå", "målnivå/målvärde", "måltall", "måltal", "target", "target level"),
    ),
    "target_text": Words(
        "Målvärde som skrivet", "Målverdi som skrevet", "Målverdi som skrive", "Target as written"
    ),
    "target_kind": Words("Typ av mål", "Type mål", "Type mål", "Kind of target", ("måltyp",)),
    "direction": Words("Riktning", "Retning", "Retning", "Direction", ("bättre när",)),
    "red": Words("Röd", "Rød", "Raud", "Red"),
    "yellow": Words("Gul", "Gul", "Gul", "Yellow"),
    "green": Words("Grön", "Grønn", "Grøn", "Green"),
    "relative_share": Words(
        "Gul från (% av målvärdet)",
        "Gul fra (% av målverdien)",
        "Gul frå (% av målverdien)",
        "Yellow from (% of the target)",
        ("gul från", "andel av målvärdet"),
    ),
    "baseline": Words(
        "Basår", "Basisår", "Basisår", "Baseline", ("basperiod", "jämförelseår", "basisperiode")
    ),
    "baseline_value": Words(
        "Värde basår", "Verdi basisår", "Verdi basisår", "Baseline value", ("utgångsvärde",)
    ),
    "tolerance": Words(
        "Tolerans (oförändrat)",
        "Toleranse (uendret)",
        "Toleranse (uendra)",
        "Tolerance (unchanged)",
        ("tolerans", "toleranse", "tolerance"),
    ),
    "reference": Words("Referens", "Referanse", "Referanse", "Reference", ("jämförs med",)),
    "reference_value": Words(
        "Referensvärde", "Referanseverdi", "Referanseverdi", "Reference value"
    ),
    "reference_label": Words(
        "Referensens namn", "Referansens navn", "Namnet på referansen", "Reference name"
    ),
    "activity": Words(
        "Aktivitet",
        "Aktivitet",
        "Aktivitet",
        "Activity",
        ("åtgärd", "tiltak", "aktivitet/åtgärd", "action", "measure"),
    ),
    "activity_number": Words(
        "Aktivitet nr", "Aktivitet nr", "Aktivitet nr", "Activity no.", ("åtgärd nr", "tiltak nr")
    ),
    "responsible_role": Words(
        "Ansvarig", "Ansvarlig", "Ansvarleg", "Responsible", ("ansvar", "responsibility")
    ),
    "responsible_unit": Words(
        "Ansvarig enhet", "Ansvarlig enhet", "Ansvarleg eining", "Responsible unit"
    ),
    "reporting_role": Words(
        "Rapporterar", "Rapporterer", "Rapporterer", "Reports", ("rapporteringsansvarig",)
    ),
    "reporting_unit": Words(
        "Rapporterande enhet", "Rapporterende enhet", "Rapporterande eining", "Reporting unit"
    ),
    "reporting_user": Words(
        "Rapporterande person", "Rapporterende person", "Rapporterande person", "Reporting person"
    ),
    "when": Words("När genomfört", "Når gjennomført", "Når gjennomført", "Done by"),
    "evaluated": Words("Utvärderas", "Evalueres", "Vert evaluert", "Evaluated in"),
    "unit": Words("Enhet", "Enhet", "Eining", "Unit", ("organisatorisk enhet",)),
    "responsible_user": Words(
        "Ansvarig person", "Ansvarlig person", "Ansvarleg person", "Responsible person"
    ),
    "period": Words("Period", "Periode", "Periode", "Period", ("uppföljningsperiod",)),
    "status": Words("Status", "Status", "Status", "Status"),
    "comment": Words("Kommentar", "Kommentar", "Kommentar", "Comment"),
    "gender": Words("Kön", "Kjønn", "Kjønn", "Gender"),
    "value": Words(
        "Värde",
        "Verdi",
        "Verdi",
        "Value",
        ("utfall", "resultat", "utfall/resultat", "result", "outcome", "actual"),
    ),
    "result": Words(
        "Bedömt resultat",
        "Vurdert resultat",
        "Vurdert resultat",
        "Assessed result",
        ("bedömning", "vurdering", "kvalitativt resultat"),
    ),
}
COLUMNS = Columns(COLUMNS)


def column_label(key: str, language: str | None = None) -> str:
    return COLUMNS[key](file_language(language))


def sheet_label(kind: str, language: str | None = None) -> str:
    return SHEETS[kind](file_language(language))


def column_key(header: object, keys: Iterable[str]) -> str | None:
    """The column among `keys` that a header names in any language, or None."""
    wanted = normalised(header)
    for key in keys:
        if wanted in COLUMNS[key].accepted() or wanted == key:
            return key
    return None


def headers_language(headers: Iterable[object], keys: Iterable[str]) -> str | None:
    """The language most of a table's headers are written in, if any is recognisable."""
    written = {normalised(header) for header in headers}
    keys = list(keys)
    counts = {
        language: sum(normalised(COLUMNS[key](language)) in written for key in keys)
        for language in LANGUAGES
    }
    best = max(LANGUAGES, key=lambda language: counts[language])
    return best if counts[best] else None


def kind_of_name(name: str) -> str | None:
    """The kind a sheet or file name says ("Mätvärden", "Plan 2023 - Measurements.csv")."""
    wanted = normalised(re.sub(r"\.(csv|txt)$", "", name.strip(), flags=re.IGNORECASE))
    best: tuple[int, str] | None = None
    for kind, words in SHEETS.items():
        for word in words.accepted():
            if wanted == word:
                return kind
            if re.search(rf"(^|[\s_\-.]){re.escape(word)}$", wanted) and (
                best is None or len(word) > best[0]
            ):
                best = (len(word), kind)
    return best[1] if best else None


# --- Values ---------------------------------------------------------------------------------------

# Where an activity is evaluated, as files wrote it before follow-up schemes were data (read by
# `transfer.resources.evaluated` besides the names of the organisation's periods): the words for
# the interim reports (T1 and T2) and the year-end report. "T1" and "T2" alone name one interim
# report.
INTERIM = Words(
    "Tertialrapport",
    "Tertialrapport",
    "Tertialrapport",
    "Interim report",
    ("tertialrapporter", "delårsrapport", "delårsrapporter", "tertialrapportar"),
)
YEAR_END = Words(
    "Årsbokslut",
    "Årsmelding",
    "Årsmelding",
    "Year-end report",
    ("årsredovisning", "verksamhetsberättelse", "årsberetning", "årsrapport", "t3", "year-end",
     "helår", "helåret", "heilår", "bokslut"),
)  # fmt: skip
EVALUATED_SEPARATORS = re.compile(r"\s*(?:/|,|;|\+|&|\boch\b|\bog\b|\band\b)\s*", re.IGNORECASE)


@cache
def choice_words(choices: type[models.Choices]) -> dict[str, object]:
    """Every accepted spelling of a choice (its code, its label in every language) -> value."""
    words: dict[str, object] = {}
    for member in choices:
        words.setdefault(normalised(member.value), member.value)
    for language in LANGUAGES:
        with translation.override(language):
            for member in choices:
                words.setdefault(normalised(str(member.label)), member.value)
    return words


def choice_label(choices: type[models.Choices], value: object, language: str) -> str:
    """A choice's label in the file's language."""
    with translation.override(file_language(language)):
        return str(choices(value).label)


def choice_labels(choices: type[models.Choices], language: str) -> str:
    """The labels of a choice field, for a message saying what is expected."""
    with translation.override(file_language(language)):
        return ", ".join(str(member.label) for member in choices)


def ongoing_label(language: str) -> str:
    """The word for an ongoing activity ("Löpande") in the file's language."""
    with translation.override(file_language(language)):
        return gettext("Ongoing")


@cache
def ongoing_words() -> frozenset[str]:
    """The words for an ongoing activity ("Löpande") in every language."""
    found = {"ongoing", "continuous", "kontinuerlig", "kontinuerligt", "hela året"}
    for language in LANGUAGES:
        with translation.override(language):
            found.add(normalised(gettext("Ongoing")))
    return frozenset(found)


PERIOD_PATTERNS = (
    re.compile(r"^(?P<kind>[tTqQhH][1-4])\s*[-/]?\s*(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})\s*[-/]?\s*(?P<kind>[tTqQhH][1-4])$"),
)
# The year-end report as documents name its period: "Helår 2025", "Årsbokslut 2025".
YEAR_END_WORDS = (
    "helår", "helåret", "årsbokslut", "bokslut", "årsredovisning", "verksamhetsberättelse",
    "heilår", "årsmelding", "årsrapport", "årsberetning", "year-end", "year end", "full year",
    "year",
)  # fmt: skip
# The interim reports by their ordinal: "Delår 2 2025", "Tertial 1 2025", "Kvartal 3 2025".
INTERIM_WORDS = (
    "delår", "delårsrapport", "delårsbokslut", "tertial", "tertialrapport", "kvartal", "halvår",
    "interim", "interim report", "quarter", "half-year", "half year", "period",
)  # fmt: skip
YEAR_END_KIND = "year-end"  # the kind part of a period named by its year-end words or its year
WORDED_PERIOD = re.compile(r"^(?P<words>[^\d]+?)\s*(?P<ordinal>[1-4])?\s*[-/,]?\s*(?P<year>\d{4})$")
BARE_YEAR = re.compile(r"^(?P<year>\d{4})$")


def period_parts(text: str) -> tuple[str, int] | None:
    """A period as written -> (kind, year), or None:
    - "T1 2023", "2023-T1", "t1 2023" -> ("T1", 2023);
    - "Helår 2025", "Årsbokslut 2025" and a bare year "2025" -> (YEAR_END_KIND, 2025): the year-end
      period of the organisation's scheme (T3, H2 or Q4);
    - "Delår 2 2025", "Tertial 1 2025", "Kvartal 3 2025" -> ("#2", 2025): the second period of
      the organisation's year."""
    compact = " ".join(str(text).split())
    for pattern in PERIOD_PATTERNS:
        match = pattern.match(compact)
        if match:
            return match["kind"].upper(), int(match["year"])
    match = BARE_YEAR.match(compact)
    if match:
        return YEAR_END_KIND, int(match["year"])
    match = WORDED_PERIOD.match(compact)
    if match is None:
        return None
    words = normalised(match["words"]).rstrip(" -/,")
    if words in YEAR_END_WORDS and not match["ordinal"]:
        return YEAR_END_KIND, int(match["year"])
    if words in INTERIM_WORDS and match["ordinal"]:
        return f"#{match['ordinal']}", int(match["year"])
    return None


# --- Kinds of target, as plans write them --------------------------------------------------------

# Words in a target's cells that say its kind (and for change, its direction), in the languages
# municipalities write: (kind, direction or None).
KIND_WORDS = {
    "följs": ("monitor", None),
    "följs upp": ("monitor", None),
    "bevakas": ("monitor", None),
    "observation": ("monitor", None),
    "observasjon": ("monitor", None),
    "observasjonsindikator": ("monitor", None),
    "følges": ("monitor", None),
    "fylgjast med": ("monitor", None),
    "monitor": ("monitor", None),
    "monitored": ("monitor", None),
    "under utveckling": ("developing", None),
    "indikator under utveckling": ("developing", None),
    "utvecklas": ("developing", None),
    "ska utvecklas": ("developing", None),
    "under utvikling": ("developing", None),
    "skal utvikles": ("developing", None),
    "under development": ("developing", None),
    "to be developed": ("developing", None),
    "ska öka": ("change", "higher"),
    "öka": ("change", "higher"),
    "ökning": ("change", "higher"),
    "skal øke": ("change", "higher"),
    "øke": ("change", "higher"),
    "skal auke": ("change", "higher"),
    "auke": ("change", "higher"),
    "shall increase": ("change", "higher"),
    "increase": ("change", "higher"),
    "ska minska": ("change", "lower"),
    "minska": ("change", "lower"),
    "minskning": ("change", "lower"),
    "skal reduseres": ("change", "lower"),
    "skal minke": ("change", "lower"),
    "redusere": ("change", "lower"),
    "shall decrease": ("change", "lower"),
    "decrease": ("change", "lower"),
    "skillnaden ska minska": ("gap", None),
    "gapet ska minska": ("gap", None),
    "forskjellen skal reduseres": ("gap", None),
    "the gap shall shrink": ("gap", None),
    "relativt målvärdet": ("relative", None),
    "relativ": ("relative", None),
    "band": ("bands", None),
}
# "ska öka jämfört med 2024", "skal øke fra 2024": a change's baseline year in its words.
COMPARED_WITH = re.compile(
    r"^(?P<words>.+?)\s*(?:jämfört med|jämfört mot|jmf med|från|sedan|sammenlignet med|"
    r"sammanlikna med|fra|frå|compared with|since|from)\s*(?P<year>\d{4})\s*\.?$",
    re.IGNORECASE,
)


def kind_of_words(text: str) -> tuple[str, str | None, int | None] | None:
    """(kind, direction or None, baseline year or None) that a target's words say, or None:
    "Följs" -> monitor; "Ska öka jämfört med 2024" -> change, higher, 2024."""
    written = " ".join(str(text or "").split())
    year = None
    match = COMPARED_WITH.match(written)
    if match:
        written, year = match["words"], int(match["year"])
    found = KIND_WORDS.get(normalised(written).rstrip(". "))
    if found is None:
        return None
    return found[0], found[1], year


# Units written after a value in a cell ("14 dagar", "4,3 %"), by the indicator's unit.
UNIT_WORDS = {
    "percent": ("%", "procent", "prosent", "percent", "per cent"),
    "days": ("dag", "dagar", "dager", "dagar.", "d", "day", "days", "døgn"),
    "index": ("index", "indeks"),
    "kr_per_inhabitant": (
        "kr/inv", "kr/inv.", "kr/invånare", "kr per invånare", "kr/innb", "kr/innb.",
        "kr/innbygger", "kr per innbygger", "kr/innbyggjar", "kr/inhabitant",
        "kr per inhabitant",
    ),
    "persons": ("personer", "person", "pers", "pers.", "persons", "people", "st", "stk"),
    "number": ("st", "st.", "stycken", "stk", "stk.", "antal", "antall", "count"),
}  # fmt: skip


def unit_words(unit: str, label: str = "") -> frozenset[str]:
    """The words that may follow a value of an indicator measured in `unit` (and `label`, the
    unit written out for "other")."""
    found = {normalised(word) for word in UNIT_WORDS.get(unit, ())}
    if label.strip():
        found.add(normalised(label))
    return frozenset(found)
