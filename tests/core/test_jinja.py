"""The Jinja2 templates of long lists of rows (core/jinja.py): translated by Django's
catalogues in the reader's language, escaped as Django's templates escape."""

import pytest
from django.template import Context, Template, engines
from django.utils import translation

from core.jinja import rendered


def _jinja(source: str, **context) -> str:
    return rendered(engines["jinja2"].from_string(source).render(context))


def test_words_are_translated_in_the_active_language():
    with translation.override("sv"):
        assert _jinja('{{ _("History") }}') == "Historik"
    with translation.override("nb"):
        assert _jinja('{{ _("History") }}') == "Historikk"
    with translation.override("en"):
        assert _jinja('{{ _("History") }}') == "History"


@pytest.mark.parametrize("text", ["<b>\"Mål\" & 'delmål'</b>", "&#34; typed as such", "", "1 000"])
def test_a_value_is_escaped_as_django_escapes_it(text):
    assert _jinja("{{ text }}", text=text) == Template("{{ text }}").render(Context({"text": text}))


def test_a_safe_value_is_written_as_it_is():
    from django.utils.safestring import mark_safe

    assert _jinja("{{ html }}", html=mark_safe('<span class="x">a</span>')) == (
        '<span class="x">a</span>'
    )
