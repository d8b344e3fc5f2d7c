"""Links to many objects of one kind, made without resolving the URL once per object."""

from collections.abc import Callable

from django.urls import reverse

# An id no object has, replaced by each object's id in the reversed URL.
_PLACEHOLDER = "2147483647"


def url_by_id(name: str, *before: str | int) -> Callable[[int], str]:
    """A function giving the URL `name` of an object by its id, the same as `reverse(name,
    args=[*before, pk])`: the URL is resolved once, however many objects a page links to (a
    list of hundreds of plans resolves once, not hundreds of times)."""
    pattern = reverse(name, args=[*before, int(_PLACEHOLDER)])
    head, _sep, tail = pattern.rpartition(_PLACEHOLDER)
    return lambda pk: f"{head}{int(pk)}{tail}"
