"""The indicator sheet's kind of target, target and band columns, read into an indicator."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.colour import Bands, TargetKind
from indicators.models import Indicator
from indicators.targets import (
    BAND_ONLY,
    KIND_FIELDS,
    WITHOUT_TARGET_VALUE,
    DirectionChoice,
    KindChoice,
    Target,
)
from indicators.thresholds import ThresholdReading, thresholds_read
from transfer.resources import vocabulary as words
from transfer.resources.base import RowNote
from transfer.resources.indicators.bands import (
    BAND_COLUMNS,
    BANDS,
    CANONICAL_FINDINGS,
    TARGET_FINDINGS,
    _compact,
    _is_number,
    band_texts,
)
from transfer.resources.widgets import cell_text, parse_decimal

TEXT_FIELDS = frozenset({"reference_kind", "reference_label"})


class IndicatorTargets:
    """`IndicatorResource`'s reading of the kind, the target and the bands (a mixin)."""

    # --- the kind, the target and the bands -------------------------------------------------------

    def import_columns(self, instance: Indicator, row: dict, note: RowNote) -> None:
        errors: dict[str, list[str]] = {}
        kind, direction, year = self._kind(row, instance, errors)
        if year is not None and not cell_text(row.get("baseline")):
            period = self.lookups.period_of(words.YEAR_END_KIND, year)
            if period is None:
                errors.setdefault("target_value", []).append(
                    _(
                        "%(organisation)s has no follow-up period for %(year)s, the baseline "
                        "the target names. Add the year's periods first."
                    )
                    % {"organisation": self.lookups.organisation, "year": year}
                )
            instance.baseline_period = period
        instance.target_kind = kind
        if kind == TargetKind.BANDS:
            self._bands(instance, row, note, errors)
        else:
            self._without_bands(instance, row, errors)
        if direction is not None:
            if kind == TargetKind.BANDS and "direction" in row and instance.direction != direction:
                errors.setdefault("direction", []).append(
                    _("The bands say “%(bands)s”, the column says “%(column)s”: make them agree.")
                    % {
                        "bands": words.choice_label(
                            DirectionChoice, instance.direction, self.language
                        ),
                        "column": words.choice_label(DirectionChoice, direction, self.language),
                    }
                )
            elif kind != TargetKind.BANDS:
                instance.direction = direction
        self._clear_other_kinds(instance, row, kind)
        if errors:
            raise ValidationError(errors)

    def _kind(
        self, row: dict, instance: Indicator, errors: dict
    ) -> tuple[TargetKind, str | None, int | None]:
        """The row's kind of target, the direction it implies (or the direction column's) and
        the baseline year its words name ("Ska öka jämfört med 2024").

        The kind column says it, by its label or a plan's words ("Följs"). Without one, band
        cells make it bands; empty band cells (or an empty kind column) leave the target's own
        words to say it: a plan's words for a kind, else a target in words. A file without
        band or kind columns keeps the indicator's kind."""
        direction = None
        if cell_text(row.get("direction")):
            try:
                direction = self.direction_widget.clean(row["direction"])
            except ValueError as error:
                errors.setdefault("direction", []).append(str(error))
        written = cell_text(row.get("target_kind"))
        if written:
            said = words.kind_of_words(written)
            if said is not None:
                kind, implied, year = said
                return TargetKind(kind), implied or direction, year
            try:
                return TargetKind(self.kind_widget.clean(written)), direction, None
            except ValueError as error:
                errors.setdefault("target_kind", []).append(str(error))
                return TargetKind(instance.target_kind or TargetKind.BANDS), direction, None
        if any(cell_text(row.get(column)) for column in BAND_COLUMNS.values()):
            return TargetKind.BANDS, direction, None
        columns = ("target_kind", *BAND_COLUMNS.values())
        if not any(column in row for column in columns):
            return TargetKind(instance.target_kind or TargetKind.BANDS), direction, None
        for column in ("target_value", "target_text"):
            said = words.kind_of_words(cell_text(row.get(column)))
            if said is not None:
                kind, implied, year = said
                return TargetKind(kind), implied or direction, year
        target = cell_text(row.get("target_value")) or cell_text(row.get("target_text"))
        if target and not _is_number(target):
            return TargetKind.TEXT, direction, None
        return TargetKind.BANDS, direction, None

    def _bands(self, instance: Indicator, row: dict, note: RowNote, errors: dict) -> None:
        bands_given = any(column in row for column in BAND_COLUMNS.values())
        target_given = "target_value" in row
        texts = band_texts(instance)
        texts.update({c: cell_text(row[c]) for c in BAND_COLUMNS.values() if c in row})
        if not any(texts.values()):
            errors.setdefault(BANDS, []).append(
                _(
                    "The target has bands, and no band is written: write the red, yellow and "
                    "green bands, or choose another kind of target."
                )
            )
            return
        if not (bands_given or target_given):
            return
        target_written, target_number = self._target(row, instance, target_given)
        reading = thresholds_read(
            red=texts.get("red", ""),
            yellow=texts.get("yellow", ""),
            green=texts.get("green", ""),
            target=target_written,
        )
        if reading.errors:
            for column, messages in self._finding_errors(reading).items():
                errors.setdefault(column, []).extend(messages)
            return
        self._set_bands(instance, reading.bands)
        if target_given:
            instance.target_value = target_number if target_number is not None else reading.target
            if target_number is None and target_written and not instance.target_text:
                instance.target_text = target_written
        if reading.scale_max is not None and instance.scale_max is None:
            instance.scale_max = reading.scale_max
        note.notices.extend(self._notices(reading, texts, instance))

    def _without_bands(self, instance: Indicator, row: dict, errors: dict) -> None:
        """A kind without bands: its band cells must be empty; its target is a number (or, in
        words, the target as written)."""
        filled = [
            words.column_label(column, self.language)
            for column in BAND_COLUMNS.values()
            if cell_text(row.get(column))
        ]
        if filled:
            errors.setdefault(BANDS, []).append(
                _(
                    "A target of the kind “%(kind)s” has no bands: leave %(columns)s empty, or "
                    "choose the kind “%(bands)s”."
                )
                % {
                    "kind": KindChoice(instance.target_kind).label,
                    "columns": ", ".join(f"“{label}”" for label in filled),
                    "bands": KindChoice.BANDS.label,
                }
            )
        instance.green_bound = instance.red_bound = None
        instance.green_bound_inclusive = instance.red_bound_inclusive = True
        if "target_value" in row:
            written = cell_text(row["target_value"])
            try:
                instance.target_value = parse_decimal(row["target_value"])
            except ValueError:
                instance.target_value = None
                if words.kind_of_words(written) is None or not instance.target_text:
                    instance.target_text = instance.target_text or written

    def _clear_other_kinds(self, instance: Indicator, row: dict, kind: TargetKind) -> None:
        """Empty the fields of other kinds that the row does not write (an indicator whose kind
        the file changes keeps nothing of its old kind); those it writes are checked by the
        model, which names their columns."""
        own = set(KIND_FIELDS[kind])
        for names in KIND_FIELDS.values():
            for name in names:
                if name in own or name in BAND_ONLY or self.field_columns[name] in row:
                    continue
                setattr(instance, name, "" if name in TEXT_FIELDS else None)
        if kind in WITHOUT_TARGET_VALUE and "target_value" not in row:
            instance.target_value = None

    @staticmethod
    def _target(row: dict, instance: Indicator, given: bool) -> tuple[str, Decimal | None]:
        """The target as text for the reader, and as a number if the cell holds one."""
        if not given:
            current = instance.target_value
            return ("" if current is None else format(current, "f")), current
        try:
            number = parse_decimal(row["target_value"])
        except ValueError:
            return cell_text(row["target_value"]), None
        return ("" if number is None else format(number, "f")), number

    @staticmethod
    def _set_bands(instance: Indicator, bands: Bands) -> None:
        values = Target.from_bands(bands).as_fields()
        for name in Target.BAND_FIELDS:
            setattr(instance, name, values[name])

    @staticmethod
    def _finding_errors(reading: ThresholdReading) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for finding in reading.errors:
            column = "target_value" if finding.code in TARGET_FINDINGS else BANDS
            errors.setdefault(column, []).append(f"{finding.message} {finding.resolution}")
        return errors

    @staticmethod
    def _notices(reading: ThresholdReading, texts: dict, instance: Indicator) -> list[str]:
        """What the reading resolved by itself, except how Styrkort's own texts meet."""
        written = {column: _compact(text) for column, text in texts.items()}
        canonical = written == {c: _compact(t) for c, t in band_texts(instance).items()}
        return [
            f"{finding.message} {finding.resolution}"
            for finding in reading.findings
            if not (canonical and finding.code in CANONICAL_FINDINGS)
        ]
