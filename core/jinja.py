"""The Jinja2 environment, for the few templates Django's template language is too slow for:
the long lists of rows a large plan has (a goal's indicators and activities). Django's
template language spends about 70 µs a row on them, Jinja2 about 15 µs, for the same HTML.

The pages stay Django templates; template tags put these rows into them (`rendered`). The
templates translate with Django's own catalogues (`_("...")`, which `makemessages` collects
from any `.html` file), and autoescape as Django's do.
"""

from typing import Any

import jinja2
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext


def environment(**options) -> jinja2.Environment:
    """The environment of settings.TEMPLATES' Jinja2 engine."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    # Old style: `_("... %(n)s") % {...}`, the form makemessages recognises.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    return env


def rendered(markup: str) -> SafeString:
    """What a Jinja2 template or macro wrote, for a Django template: its quotes escaped as
    Django escapes them (`&quot;`, `&#x27;`, where Jinja2 writes `&#34;`, `&#39;`), so that a
    row reads the same from either. (Escaped text never holds these: its "&" is "&amp;".)"""
    return mark_safe(str(markup).replace("&#34;", "&quot;").replace("&#39;", "&#x27;"))


def macro(template_name: str, name: str, *args: Any, **kwargs: Any) -> SafeString:
    """What macro `name` of the Jinja2 template `template_name` writes for these arguments,
    for a Django template (`rendered`): what the template tags of the long lists return."""
    module = engines["jinja2"].env.get_template(template_name).module
    return rendered(getattr(module, name)(*args, **kwargs))
