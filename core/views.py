"""What the views of every app share: service errors on forms, edit conflicts, messages, the
pages of a list."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest

from core.history import HistoryEntry, changes_since_version
from core.versioning import EditConflict


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def conflict_rebind(
    form_class: type[BaseForm],
    request: HttpRequest,
    instance: Model,
    conflict: EditConflict,
    **form_kwargs: Any,
) -> tuple[BaseForm, list[HistoryEntry]]:
    """After an EditConflict: the user's typed values on top of the current version.

    The form keeps what the user typed and now carries the current version, so that saving
    again is based on it; the entries say what the others changed since the user's version.
    """
    current = type(instance)._default_manager.get(pk=instance.pk)
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = form_class(data, instance=current, **form_kwargs)
    return form, changes_since_version(current, conflict.expected_version)


def save_edit(
    request: HttpRequest,
    form: BaseForm,
    instance: Model,
    update: Callable[..., Any],
    form_kwargs: dict[str, Any],
) -> tuple[BaseForm, list[HistoryEntry] | None, bool]:
    """Run an update service with the version the form was based on.

    Returns the form to show, the other people's changes after an edit conflict (the form is
    then rebound on the current version, keeping what the user typed), and whether it saved.
    A rule the service enforces puts its errors on the form.
    """
    try:
        update(actor=request.user, expected_version=form.cleaned_data["version"])
    except EditConflict as edit_conflict:
        rebound, conflict = conflict_rebind(
            type(form), request, instance, edit_conflict, **form_kwargs
        )
        return rebound, conflict, False
    except ValidationError as error:
        add_service_errors(form, error)
        return form, None, False
    return form, None, True


def service_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def page_numbers(page) -> list[int | None]:
    """The pages of a list linked below it: the first, the last and two either side of the
    current one; None where pages are left out. None at all for a list of one page."""
    last = page.paginator.num_pages
    if last < 2:
        return []
    wanted = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
