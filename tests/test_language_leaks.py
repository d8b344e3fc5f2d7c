"""No English (or Swedish) word leaks into another language's pages and reports.

Every page of `tests.site_map` that a role may read is fetched with Django's test client in
Swedish, Norwegian bokmål and nynorsk and English, as the planner (who sees the most), the unit
manager, the committee member and someone not logged in; so are the interim and the year-end
report, as their page and as PDF (read back with pdftotext), in each language (the
organisation's report language set to it).

What counts as a leak is read from the catalogues: a word of an English message whose
translation differs, when the word is in no translation of the page's language; a word of a
Swedish translation, in another language's output, when that language has no such word. Words
are looked for whole, in the visible text (and alt, title, aria-label, placeholder), outside
elements marked with another `lang` (the language choices name each language in itself), once
the text people wrote (plans, goals, units, names, which stay as written) is taken out.
"""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from planning.models import FollowUpPeriod, Organisation
from tests import site_map
from tests.site_map import url_of
from tests.test_translations import compiled_catalogs  # noqa: F401 (a fixture)

pytest_plugins = ["tests.planner_roles"]

# PostgreSQL only in bin/test: what is checked is rendered output, not storage.
pytestmark = pytest.mark.rendering

world = site_map.world

LANGUAGES = ("sv", "nb", "nn", "en")
ROLES = ("planner", "own_manager", "committee", "anonymous")
NOT_OURS = {"admin:index"}  # Django's admin site, for staff
WORD = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\{.*?\}\}|<[^>]+>")
# Names and words that are the same whatever the language, or prescribed in one: the product,
# the sources (whose credit lines are written in their own words, "Källa: Kolada", "Kilde:
# Statistisk sentralbyrå"), file formats.
ALLOWED = {
    "styrkort", "kolada", "ssb", "pdf", "excel", "csv", "xlsx", "json", "zip", "html", "png",
    "jpeg", "källa", "kilde", "statistisk", "sentralbyrå", "kostra", "scb", "mhfa", "hlr",
    "id", "ok", "e-post", "designsystemet", "kpi",
}  # fmt: skip
# Not read as the page's language: scripts, and examples of what people type (a CSV file's lines).
SKIPPED_TAGS = {"script", "style", "template", "head", "code", "pre", "kbd", "samp"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}  # fmt: skip
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


# --- What each language's words are -----------------------------------------------------------


def _words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text))}


def _messages(language: str) -> dict[str, str]:
    """Every message of the language's compiled catalogues, Django's and Styrkort's merged:
    the source text (English) and its translation."""
    catalog = trans_real.translation(language)._catalog
    found = {}
    for key, value in catalog.items():
        source = key[0] if isinstance(key, tuple) else key
        found[source.split("\x04")[-1]] = value
    return found


def word_lists() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each language, the words that may be read in it, and the words that must not."""
    own: dict[str, set[str]] = {}
    for language in ("sv", "nb", "nn"):
        own[language] = set().union(*(_words(text) for text in _messages(language).values()))
    english = set().union(*(_words(source) for source in _messages("sv")))
    own["en"] = english
    foreign: dict[str, set[str]] = {}
    swedish = set().union(
        *(_words(text) for source, text in _messages("sv").items() if text != source)
    )
    for language in LANGUAGES:
        leaks: set[str] = set()
        if language != "en":
            translated = _messages(language)
            leaks |= set().union(
                *(_words(source) for source, text in translated.items() if text != source)
            )
        if language != "sv":
            leaks |= swedish
        foreign[language] = leaks - own[language] - ALLOWED
    return own, foreign


# --- What a page shows --------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader meets, in the page's language: the page's text nodes and labels,
    leaving out scripts and whatever is marked as written in another language."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        lang = values.get("lang")
        hidden = (
            self._hidden()
            or tag in SKIPPED_TAGS
            or (lang is not None and lang.split("-")[0] != self.language)
        )
        if not hidden:
            self.parts.extend(values[name] for name in TEXT_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.parts.append(values.get("value") or "")
        if tag not in VOID_TAGS:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)

    @classmethod
    def of(cls, html: str, language: str) -> str:
        parser = cls(language)
        parser.feed(html)
        return " ".join(parser.parts)


def written_by_people() -> list[str]:
    """Every text stored in the database (names, titles, comments...): they stay as written."""
    texts: set[str] = set()
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        if not fields or model._meta.app_label in ("sessions", "admin", "contenttypes"):
            continue
        for row in model._default_manager.values_list(*fields):
            texts.update(value.strip() for value in row if isinstance(value, str))
    return sorted((text for text in texts if len(text) >= 2), key=len, reverse=True)


def squash(text: str) -> str:
    return " ".join(re.sub("\u2010\\s+", "", text).split())


def people_wrote(written: list[str]) -> re.Pattern:
    """What people wrote, each text as a whole (never a piece of a word: "sv" in "Ansvarig")."""
    texts = sorted({squash(text) for text in written if squash(text)}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, texts)) + r")(?!\w)")


def leaks_in(text: str, forbidden: set[str], written: re.Pattern | list[str]) -> set[str]:
    if isinstance(written, list):
        written = people_wrote(written or ["\x00"])
    text = written.sub(" ", squash(text))
    return {word for word in _words(text) if word in forbidden}


def pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


# --- The check can tell -----------------------------------------------------------------------


@pytest.mark.usefixtures("compiled_catalogs")
def test_the_word_lists_catch_what_leaked_before():
    _own, foreign = word_lists()
    # The PDF's footer said "Sida 4 of 13"; the selects "- Select an option -" in Swedish.
    assert {"of", "select", "option"} <= foreign["sv"] and "of" in foreign["nb"]
    assert "sida" not in foreign["sv"] and {"och", "inte"} <= foreign["nb"]
    assert {"inte", "sida"} <= foreign["en"]
    assert "kolada" not in foreign["sv"] | foreign["nb"]
    text = VisibleText.of('<p>Sida 4 of 13 <span lang="en">English</span></p>', "sv")
    assert leaks_in(text, foreign["sv"], []) == {"of"}
    assert leaks_in("Verksamhetsplan och mål", foreign["nb"], ["Verksamhetsplan och mål"]) == set()


# --- Every page ---------------------------------------------------------------------------------


def _client_in(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.usefixtures("compiled_catalogs")
def test_no_page_leaks_another_languages_words(client, world, people):
    _own, foreign = word_lists()
    written = people_wrote(written_by_people())
    found = []
    for language in LANGUAGES:
        Organisation.objects.update(report_language=language)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(getattr(people, role))
            _client_in(client, language)
            cases = site_map.readable_by(role, frozenset(NOT_OURS))
            if role == "anonymous":
                cases += [case for case in site_map.CASES if case.name == "login"]
            for case in cases:
                url = url_of(case, world)
                response = client.get(url)
                if not response["Content-Type"].startswith("text/html"):
                    continue
                text = VisibleText.of(response.content.decode(), language)
                leaked = leaks_in(text, foreign[language], written)
                if leaked:
                    found.append(f"{language} {role} {case.name} {url}: {sorted(leaked)}")
    translation.activate("sv")
    assert found == [], "\n".join(found)


# --- Both report kinds, as page and PDF --------------------------------------------------------


@pytest.mark.usefixtures("compiled_catalogs")
def test_no_report_leaks_another_languages_words(client, world, people):
    _own, foreign = word_lists()
    written = people_wrote(written_by_people())
    year_end = FollowUpPeriod.objects.get(organisation=world.organisation, year=2023, kind="T3")
    client.force_login(people.planner)
    found = []
    for language in LANGUAGES:
        Organisation.objects.update(report_language=language)
        _client_in(client, language)
        for period in (world.t1, year_end):
            args = [world.decided.pk, period.pk]
            page = client.get(reverse("reports:report", args=args)).content.decode()
            pdf = client.get(reverse("reports:pdf", args=args)).content
            overview = client.get(reverse("reports:overview", args=args)).content.decode()
            for name, text in (
                ("page", VisibleText.of(page, language)),
                ("overview", VisibleText.of(overview, language)),
                ("pdf", pdf_text(pdf)),
            ):
                leaked = leaks_in(text, foreign[language], written)
                if leaked:
                    found.append(f"{language} {period.kind} {name}: {sorted(leaked)}")
            assert f'lang="{language}"' in page
    translation.activate("sv")
    assert found == [], "\n".join(found)
