"""What every resource of a plan shares: lookups, matching rows, detecting changes, saving.

Rows are matched to what exists by their natural keys (goal number, indicator name...), found in
`Lookups`, which loads each kind of object once per import and learns the objects the import
creates. Saving goes through `planning.services.save_validated` with the importing person, so
every change is validated, versioned and recorded in the history. A row whose values equal what
is stored is left alone (reported as unchanged), and nothing is written for it.

The sheets of many plain rows (measured values, activity statuses: `batched`) validate their new
rows one by one, as every sheet does, and insert them in batches: one INSERT for a batch's
objects and one for their creation records, with the same fields, person, date and type as
`save_validated` writes (`core.versioning.create_validated`). A batch the database refuses is
undone and saved again row by row, so that the row it refused is named, as if rows had been
saved one at a time; the import then keeps nothing, as with any row's problem.
"""

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import RowResult

from core.versioning import (
    Actor,
    EditConflict,
    can_create_in_bulk,
    create_validated,
    forget_insert,
    save_validated,
    validate_new,
)
from planning.models import Plan
from transfer.resources import vocabulary as words
from transfer.resources.base.lookups import Lookups
from transfer.resources.widgets import BoundWidget


@dataclass
class Pending:
    """A new row validated and waiting for its batch's insert (see `PlanResource.batched`)."""

    instance: models.Model
    row_number: int  # in the dataset, from 1
    row: dict
    result: RowResult | None = None


@dataclass
class RowNote:
    """What the preview says about a row beyond its action: changes and notices."""

    changed: list[str] = field(default_factory=list)  # column keys
    before: models.Model | None = None
    notices: list[str] = field(default_factory=list)


class PlanResource(resources.ModelResource):
    """A resource of one plan's rows, imported by one person.

    Subclasses declare their fields with the column keys of `vocabulary.COLUMNS` as
    `column_name`, and say which columns identify a row (`key_columns`) and which a file must
    have (`required_columns`).
    """

    kind: ClassVar[str]
    key_columns: ClassVar[tuple[str, ...]]
    required_columns: ClassVar[tuple[str, ...]]
    # Model fields (or error keys) -> the column a change or an error belongs to, where the
    # column does not name the field itself.
    field_columns: ClassVar[dict[str, str]] = {}
    # Whether rows are the plan's structure, which a decided plan keeps as decided.
    structure: ClassVar[bool] = False
    # Fields an import never compares (set when a row is saved).
    untracked_fields: ClassVar[frozenset[str]] = frozenset({"id", "version"})
    # Related fields whose objects the lookups found (in the plan's scope, loaded in one query)
    # or that hold the importing person, and whose natural key the lookups keep unique: not
    # checked again row by row when saving (see `save_validated`).
    found_by_lookups: ClassVar[frozenset[str]] = frozenset()
    # Whether new rows are inserted in batches of `batch_size` (see the module's docstring)
    # rather than one by one, each in a savepoint of its own. For sheets whose rows nothing
    # else in the import refers to by id, of a model `can_create_in_bulk`.
    batched: ClassVar[bool] = False
    batch_size: ClassVar[int] = 1000

    class Meta:
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        store_instance = True
        clean_model_instances = False
        use_transactions = True

    def __init__(
        self,
        *,
        plan: Plan,
        actor: Actor = None,
        language: str | None = None,
        lookups: Lookups | None = None,
        expected_versions: dict[int, int] | None = None,
    ):
        super().__init__()
        self.plan = plan
        self.actor = actor
        self.language = words.file_language(language)
        self.lookups = lookups or Lookups(plan)
        self.expected_versions = expected_versions
        self.versions: dict[int, int] = {}
        self.notes: dict[int, RowNote] = {}
        self.first_row_of: dict[tuple, int] = {}
        self.sheet_rows: list[int] = []  # each dataset row's number in its sheet, if known
        self.on_row: Callable[[], None] | None = None  # told of every row run or exported
        self._current_row = 0
        self.pending: list[Pending] = []  # new rows waiting for their batch's insert
        self.refused: list[Pending] = []  # rows whose insert the database refused
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, BoundWidget):
                resource_field.widget.bind(self)

    # --- columns ----------------------------------------------------------------------------------

    @classmethod
    def column_keys(cls) -> list[str]:
        """The file's columns in order (`Meta.export_order` names the fields)."""
        return [cls.fields[name].column_name for name in cls._meta.export_order]

    def get_export_headers(self, selected_fields: Iterable | None = None) -> list[str]:
        return [words.column_label(key, self.language) for key in self.column_keys()]

    def column_of(self, name: str) -> str | None:
        """The column a model field, attribute or error key belongs to (None: the whole row)."""
        if name in self.field_columns:
            return self.field_columns[name]
        for resource_field in self.fields.values():
            attribute = resource_field.attribute or ""
            if name in (attribute, f"{attribute}_id", resource_field.column_name):
                return resource_field.column_name
        return None

    def render_column(self, key: str, instance: models.Model) -> object:
        """A column's value of an object, as the file would have it (for the preview)."""
        for resource_field in self.fields.values():
            if resource_field.column_name == key:
                return self.export_field(resource_field, instance)
        return ""

    # --- finding and matching rows ----------------------------------------------------------------

    def find_instance(self, row: dict) -> models.Model | None:
        """The object a row names by its key columns, if it exists (from the lookups)."""
        raise NotImplementedError

    def get_instance(self, instance_loader, row: dict) -> models.Model | None:
        return self.find_instance(row)

    def natural_key(self, instance: models.Model) -> tuple:
        """What makes a row unique within the file (after its cells were read)."""
        raise NotImplementedError

    def row_label(self, row: dict) -> str:
        """A row's key columns as written, for the preview."""
        return " · ".join(
            str(row[key]).strip() for key in self.key_columns if row.get(key) not in (None, "")
        )

    def init_instance(self, row: dict | None = None) -> models.Model:
        return self._meta.model()

    def after_init_instance(self, instance: models.Model, new: bool, row: dict, **kwargs) -> None:
        note = self.notes.setdefault(kwargs["row_number"], RowNote())
        if new:
            return
        if instance.pk is None:
            # The row names an object an earlier row of the file adds (a `batched` sheet):
            # insert it first, so that the row meets it stored, as when rows are saved one at
            # a time.
            self.save_pending()
            if instance.pk is None:  # the database refused it: that row says so
                note.before = copy.copy(instance)
                return
        if self.expected_versions is not None:
            expected = self.expected_versions.get(instance.pk)
            if expected != instance.version:
                raise EditConflict(
                    instance, expected_version=expected or 0, current_version=instance.version
                )
        self.versions[instance.pk] = instance.version
        note.before = copy.copy(instance)

    # --- reading a row ----------------------------------------------------------------------------

    def import_instance(self, instance: models.Model, row: dict, **kwargs) -> None:
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.import_columns(instance, row, self.notes[kwargs["row_number"]])
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors:
            errors = self._repeated(instance, kwargs["row_number"])
        if errors:
            raise ValidationError(errors)

    def import_columns(self, instance: models.Model, row: dict, note: RowNote) -> None:
        """Read the columns that are not one field each (bands, timing); raise ValidationError."""

    def _repeated(self, instance: models.Model, row_number: int) -> dict:
        key = self.natural_key(instance)
        first = self.first_row_of.setdefault(key, row_number)
        if first == row_number:
            return {}
        columns = ", ".join(
            f"“{words.column_label(column, self.language)}”" for column in self.key_columns
        )
        return {
            self.key_columns[-1]: [
                _("The same %(columns)s as row %(row)s: each may appear only once.")
                % {"columns": columns, "row": self.sheet_row(first)}
            ]
        }

    def sheet_row(self, row_number: int) -> int:
        """A dataset row's number in its sheet (the header being row 1 if unknown)."""
        if self.sheet_rows:
            return self.sheet_rows[row_number - 1]
        return row_number + 1

    def _tracked(self, instance: models.Model) -> dict[str, object]:
        return {
            model_field.attname: getattr(instance, model_field.attname)
            for model_field in instance._meta.concrete_fields
            if model_field.name not in self.untracked_fields
        }

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """Unchanged rows are left alone; the columns of changed rows are noted."""
        note = self.notes[self._current_row]
        if import_validation_errors or note.before is None:
            return False
        before, after = self._tracked(note.before), self._tracked(instance)
        changed = [name for name, value in after.items() if before[name] != value]
        note.changed = list(dict.fromkeys(self.column_of(name) or name for name in changed).keys())
        return not changed

    def export_resource(self, instance, selected_fields=None, **kwargs):
        row = super().export_resource(instance, selected_fields, **kwargs)
        if self.on_row is not None:
            self.on_row()
        return row

    def import_row(self, row, instance_loader, **kwargs):
        self._current_row = kwargs["row_number"]
        result = super().import_row(row, instance_loader, **kwargs)
        if self.pending and self.pending[-1].row_number == self._current_row:
            if result.errors or result.validation_error is not None:
                # Failed after it was validated: it is not inserted.
                self.pending.pop()
            else:
                self.pending[-1].result = result
        if len(self.pending) >= self.batch_size:
            self.save_pending()
        if self.on_row is not None:
            self.on_row()
        return result

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, *args, **kwargs
    ):
        """Rows of a `batched` sheet run without a savepoint each (a savepoint and its release
        are two statements a row): they write nothing until their batch is inserted, in a
        savepoint of its own, and a row that writes (a change) saves in a savepoint of its own
        (`save_instance`). The import is one transaction all the same (`import_data`)."""
        if self.batched:
            using_transactions = False
        return super().import_data_inner(
            dataset, dry_run, raise_errors, using_transactions, *args, **kwargs
        )

    # --- saving -----------------------------------------------------------------------------------

    def before_save(self, instance: models.Model, is_create: bool) -> None:
        """Fill what an import sets itself (position, who reported...)."""

    def register(self, instance: models.Model) -> None:
        """Make a created object known to the lookups of the rows and sheets that follow."""

    def unregister(self, instance: models.Model) -> None:
        """Forget a registered object whose insert the database refused (`batched` sheets)."""

    def save_instance(self, instance: models.Model, is_create: bool, row: dict, **kwargs) -> None:
        if self.structure:
            self.lookups.ensure_unlocked()
        self.before_save(instance, is_create)
        if is_create and self.batched and can_create_in_bulk(type(instance)):
            validate_new(instance, actor=self.actor, checked=self.found_by_lookups)
            self.pending.append(Pending(instance, kwargs["row_number"], row))
            self.register(instance)
            return
        # The version the lookups loaded: a change by someone else since is an EditConflict.
        expected = None if is_create else instance.version
        if self.batched:
            # No savepoint of the row's own (`import_data_inner`): this is it.
            with transaction.atomic():
                save_validated(
                    instance,
                    actor=self.actor,
                    expected_version=expected,
                    checked=self.found_by_lookups,
                )
        else:
            save_validated(
                instance, actor=self.actor, expected_version=expected, checked=self.found_by_lookups
            )
        if is_create:
            self.register(instance)

    def save_pending(self) -> None:
        """Insert the new rows validated so far, with their creation records, in a savepoint.
        If the database refuses the batch, it is undone and the rows are saved one by one, each
        in a savepoint: a row refused is reported as an error of that row, as if rows had been
        saved one at a time, and stays unsaved."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            with transaction.atomic():
                create_validated([pending.instance for pending in batch])
        except Exception:
            for pending in batch:
                forget_insert(pending.instance)
            for pending in batch:
                try:
                    with transaction.atomic():
                        create_validated([pending.instance])
                except Exception as error:
                    forget_insert(pending.instance)
                    self._refuse(pending, error)
        for pending in batch:
            if pending.result is not None and pending.instance.pk is not None:
                pending.result.object_id = pending.instance.pk

    def _refuse(self, pending: Pending, error: Exception) -> None:
        """Report a row whose insert failed as the row's error (see `import_row` of
        django-import-export) and forget its object."""
        self.unregister(pending.instance)
        self.refused.append(pending)
        if pending.result is not None:
            pending.result.import_type = RowResult.IMPORT_TYPE_ERROR
            pending.result.errors.append(
                self.get_error_result_class()(error, row=pending.row, number=pending.row_number)
            )

    def after_import(self, dataset, result, **kwargs) -> None:
        """The last batch is inserted, and the rows the database refused counted as errors.
        (Rows never carry database ids, so no sequence needs resetting.)"""
        self.save_pending()
        for pending in self.refused:
            if pending.result is None:
                continue
            result.totals[RowResult.IMPORT_TYPE_NEW] -= 1
            result.totals[RowResult.IMPORT_TYPE_ERROR] += 1
            result.append_error_row(pending.row_number, pending.row, pending.result.errors)
        self.refused = []

    # --- errors -----------------------------------------------------------------------------------

    def error_columns(self, error: ValidationError) -> list[tuple[str | None, str]]:
        """A row's validation error as (column key or None, message) pairs."""
        if not hasattr(error, "error_dict"):
            return [(None, message) for message in error.messages]
        found = []
        for name, messages in error.message_dict.items():
            column = None if name == NON_FIELD_ERRORS else self.column_of(name)
            found.extend((column, message) for message in messages)
        return found
