"""The translation catalogs: complete, accepted by msgfmt, and loaded by Django.

English is the source language: its catalog exists but stays empty. Swedish, Norwegian bokmål
and Norwegian nynorsk must translate every message, with no fuzzy (unreviewed) entries.
"""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed

from indicators.colour import Bands, Colour, Direction, problems
from planning.models import Plan, Role, Unit

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["sv", "nb", "nn"]
SOURCE = "en"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry = Entry()
    key: str | None = None
    strings: dict[str, str] = {}

    def finish() -> None:
        nonlocal entry, strings
        if "msgid" in strings:
            entry.msgid = strings["msgid"]
            entry.msgctxt = strings.get("msgctxt")
            entry.msgid_plural = strings.get("msgid_plural")
            entry.msgstrs = [value for name, value in strings.items() if name.startswith("msgstr")]
            entries.append(entry)
        entry, strings = Entry(), {}

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            strings[key] += ast.literal_eval(line)
        else:
            key, _space, literal = line.partition(" ")
            if key in strings:  # a new entry without a blank line in between
                finish()
            strings[key] = ast.literal_eval(literal)
    finish()
    return entries


def header_fields(entries: list[Entry]) -> dict[str, str]:
    header = entries[0]
    assert header.msgid == "", "the catalog must start with its header"
    return dict(line.split(": ", 1) for line in header.msgstrs[0].splitlines() if ": " in line)


@pytest.mark.parametrize("language", [*TRANSLATED, SOURCE])
def test_catalog_has_a_header_for_its_language(language):
    entries = parse_po(po_path(language))
    fields = header_fields(entries)
    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    # msgfmt skips a fuzzy header, and the plural rule with it.
    assert "fuzzy" not in entries[0].flags


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_reviewed(language):
    messages = parse_po(po_path(language))[1:]
    assert messages, "the catalog has no messages"
    untranslated = [e.msgid for e in messages if not all(e.msgstrs)]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    for entry in messages:
        assert len(entry.msgstrs) == (2 if entry.msgid_plural else 1), entry.msgid


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    for entry in parse_po(po_path(language))[1:]:
        singular = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural is None:
            assert set(PLACEHOLDER.findall(entry.msgstrs[0])) == singular, entry.msgid
            continue
        # The singular form may leave out the count ("once"); the plural forms keep them all.
        plural = set(PLACEHOLDER.findall(entry.msgid_plural))
        first, *others = entry.msgstrs
        assert set(PLACEHOLDER.findall(first)) <= singular | plural, entry.msgid
        for msgstr in others:
            assert set(PLACEHOLDER.findall(msgstr)) == plural, entry.msgid_plural


def test_source_language_catalog_exists_and_stays_empty():
    messages = parse_po(po_path(SOURCE))[1:]
    assert messages
    assert [e.msgid for e in messages if any(e.msgstrs)] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogs_translate_the_same_messages(language):
    def ids(lang: str) -> set[tuple[str, str | None]]:
        return {(e.msgid, e.msgid_plural) for e in parse_po(po_path(lang))[1:]}

    assert ids(language) == ids(SOURCE)


@pytest.mark.parametrize("language", [*TRANSLATED, SOURCE])
def test_msgfmt_accepts_the_catalog(language):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: install gettext"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if language != SOURCE:
        assert "fuzzy" not in result.stderr
        assert "untranslated" not in result.stderr
        assert "translated message" in result.stderr


@pytest.fixture(scope="module")
def compiled_catalogs(tmp_path_factory):
    """Compile the .mo files if one is missing or older than its .po, then reload catalogs."""
    stale = [
        language
        for language in [*TRANSLATED, SOURCE]
        if not po_path(language).with_suffix(".mo").exists()
        or po_path(language).with_suffix(".mo").stat().st_mtime < po_path(language).stat().st_mtime
    ]
    if stale:
        # compilemessages walks the working directory for locale folders: start it in an empty
        # one so that only LOCALE_PATHS are compiled (and nothing under .venv).
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(tmp_path_factory.mktemp("compilemessages"))
            call_command("compilemessages", locale=stale, verbosity=0)
        translation_file_changed(sender=None, file_path=Path("django.mo"))


EXPECTED = {
    "sv": {
        "plan kind": "Verksamhetsplan",
        "no value": "Inget värde",
        "role": "Enhetschef",
        "units": "enheter",
        "one opened": "1 period öppnades.",
        "three opened": "3 perioder öppnades.",
        "red above green": "rött 90 ligger över grönt 80",
        "home": "Logga in för att se dina enheters planer.",
    },
    "nb": {
        "plan kind": "Virksomhetsplan",
        "no value": "Ingen verdi",
        "role": "Enhetsleder",
        "units": "enheter",
        "one opened": "1 periode ble åpnet.",
        "three opened": "3 perioder ble åpnet.",
        "red above green": "rødt 90 ligger over grønt 80",
        "home": "Logg inn for å se planene til enhetene dine.",
    },
    "nn": {
        "plan kind": "Verksemdsplan",
        "no value": "Ingen verdi",
        "role": "Einingsleiar",
        "units": "einingar",
        "one opened": "1 periode vart opna.",
        "three opened": "3 periodar vart opna.",
        "red above green": "raudt 90 ligg over grønt 80",
        "home": "Logg inn for å sjå planane til einingane dine.",
    },
}


def opened(count: int) -> str:
    return translation.ngettext("%(count)d period opened.", "%(count)d periods opened.", count) % {
        "count": count
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_django_uses_the_catalog(compiled_catalogs, language):
    expected = EXPECTED[language]
    bands = Bands(Direction.HIGHER_IS_BETTER, Decimal("80"), True, Decimal("90"), False)
    with translation.override(language):
        assert str(Plan._meta.verbose_name) == "plan"
        assert str(Plan.Kind.OPERATIONAL_PLAN.label) == expected["plan kind"]
        assert Colour.NO_VALUE.label == expected["no value"]
        assert str(Role.UNIT_MANAGER.label) == expected["role"]
        assert str(Unit._meta.verbose_name_plural) == expected["units"]
        assert opened(1) == expected["one opened"]
        assert opened(3) == expected["three opened"]
        assert expected["red above green"] in problems(bands)["red_bound"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_templates_use_the_catalog(compiled_catalogs, client, db, language):
    # LocaleMiddleware leaves the request's language active in this thread: restore it after.
    with translation.override(translation.get_language()):
        response = client.get(reverse("home"), headers={"accept-language": language})
    assert f'<html lang="{language}"' in response.text
    assert EXPECTED[language]["home"] in response.text


def test_english_stays_the_source_text(compiled_catalogs):
    with translation.override("en"):
        assert str(Plan.Kind.OPERATIONAL_PLAN.label) == "Operational plan"
        assert Colour.NO_VALUE.label == "No value"
        assert opened(2) == "2 periods opened."


def test_words_with_two_meanings_have_a_translation_for_each():
    from django.utils.translation import gettext, override, pgettext

    with override("sv"):
        assert gettext("Report") == "Rapport"  # a column of reports
        assert pgettext("action: report values", "Report") == "Rapportera"
        assert pgettext("history action", "created") == "skapades"
        assert pgettext("number of values", "created") == "skapade"


# --- Every message reaches the catalogue --------------------------------------------------------

APPS = ("config", "core", "planning", "goals", "indicators", "reports", "authoring", "transfer",
        "opendata", "demo")  # fmt: skip
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
           "pgettext_lazy", "npgettext", "npgettext_lazy", "gettext_noop"}  # fmt: skip
WITH_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
# {% translate "..." %} and {% translate "..." context "..." %} in a template.
TEMPLATE_TRANSLATE = re.compile(
    r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?"""
)
# `{{ _("...") }}` of the Jinja2 templates (core/jinja.py), as makemessages collects it.
JINJA_TRANSLATE = re.compile(r"""{{-?\s*_\((["'])(.*?)\1\)""")


def _python_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _called_name(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def gettext_calls_in_fstrings(source: str) -> list[int]:
    """Lines where a gettext call stands inside an f-string's {...}: xgettext does not look
    there, so the message never reaches the catalogue ("Sida 4 of 13")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for value in node.values:
                for inner in ast.walk(value):
                    if isinstance(inner, ast.Call) and _called_name(inner) in GETTEXT:
                        found.append(inner.lineno)
    return found


def literal_messages(source: str) -> list[tuple[str | None, str, int]]:
    """(context, message, line) of every gettext call whose message is a literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _called_name(node) in GETTEXT and node.args):
            continue
        name = _called_name(node)
        context = None
        args = node.args
        if name in WITH_CONTEXT:
            if not (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)):
                continue
            context, args = args[0].value, args[1:]
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            found.append((context, args[0].value, node.lineno))
    return found


def test_the_lint_finds_a_gettext_call_inside_an_fstring():
    assert gettext_calls_in_fstrings("x = f\"{_('Page')} 3 {_('of')} 12\"") == [1, 1]
    assert gettext_calls_in_fstrings("x = _('Page %(page)s of %(pages)s') % {}") == []


def test_no_gettext_call_inside_an_fstring():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}"
        for path in _python_files()
        for line in gettext_calls_in_fstrings(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_literal_message_of_the_code_and_templates_is_in_the_catalogue():
    """A message the code asks for but `makemessages` never collected stays English."""
    catalogue = {(entry.msgctxt, entry.msgid) for entry in parse_po(po_path("sv"))[1:]}
    missing = []
    for path in _python_files():
        for context, message, line in literal_messages(path.read_text(encoding="utf-8")):
            if message and (context, message) not in catalogue:
                missing.append(f"{path.relative_to(settings.BASE_DIR)}:{line} {message!r}")
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for match in TEMPLATE_TRANSLATE.finditer(path.read_text(encoding="utf-8")):
            key = (match[4], match[2].replace("%", "%%"))  # as makemessages writes it
            if key not in catalogue:
                missing.append(f"{path.relative_to(settings.BASE_DIR)} {match[2]!r}")
        for match in JINJA_TRANSLATE.finditer(path.read_text(encoding="utf-8")):
            if (None, match[2]) not in catalogue:
                missing.append(f"{path.relative_to(settings.BASE_DIR)} {match[2]!r}")
    assert missing == []


def test_djangos_empty_choice_label_is_ours_in_every_language(compiled_catalogs):
    """Django 6.1's "- Select an option -" has no Swedish or Norwegian translation of its own;
    `core.forms` puts it into Styrkort's catalogue."""
    from django.db.models.utils import get_blank_choice_label

    expected = {"sv": "– Välj –", "nb": "– Velg –", "nn": "– Vel –", "en": "- Select an option -"}
    for language, label in expected.items():
        with translation.override(language):
            assert str(get_blank_choice_label()) == label
