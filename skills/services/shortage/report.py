"""What a shortage-list import did or would do: per-row errors and warnings, per-entry
outcomes, and the error that carries them when the file is refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from skills.models import ShortageList

MissingOccupations = Literal["error", "skip"]
EntryAction = Literal["created", "updated", "unchanged", "removed", "skipped"]


class ShortageImportError(Exception):
    """The file or the metadata is invalid. Nothing has been written; `report` lists why."""

    def __init__(self, report: ShortageImportReport):
        self.report = report
        super().__init__(
            _("%(source)s: %(count)d error(s), nothing was written. First: %(first)s")
            % {
                "source": report.source_name,
                "count": len(report.errors),
                "first": report.errors[0] if report.errors else "-",
            }
        )


# What happened to the list itself, in the summary line ("list created; entries: …").
LIST_ACTION_LABELS = {
    "created": pgettext_lazy("shortage list", "created"),
    "updated": pgettext_lazy("shortage list", "updated"),
    "unchanged": pgettext_lazy("shortage list", "unchanged"),
}


@dataclass(frozen=True)
class RowIssue:
    """An error or warning about one line of the file (`line` is None for the whole file)."""

    line: int | None
    message: str
    label: str = ""

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line} if self.line else _("file")
        if self.label:
            return f"{where} ({self.label}): {self.message}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class EntryOutcome:
    """What the import did (or, in a dry run, would do) with one entry."""

    label: str
    action: EntryAction
    line: int | None = None  # None for entries removed because the file no longer has them
    changed_fields: tuple[str, ...] = ()
    occupation_count: int = 0


@dataclass
class ShortageImportReport:
    source_name: str
    dry_run: bool = False
    list_action: Literal["", "created", "updated", "unchanged"] = ""
    shortage_list: ShortageList | None = None
    rows_read: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    entries: list[EntryOutcome] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("created", "updated", "unchanged", "removed", "skipped"), 0)
        for outcome in self.entries:
            counts[outcome.action] += 1
        return counts

    @property
    def changes(self) -> int:
        """Entries created, updated or removed, plus the list itself: zero on a repeated run."""
        counts = self.counts
        list_changed = self.list_action in {"created", "updated"}
        return counts["created"] + counts["updated"] + counts["removed"] + int(list_changed)

    def error(self, line: int | None, message: str, label: str = "") -> None:
        self.errors.append(RowIssue(line, message, label))

    def warn(self, line: int | None, message: str, label: str = "") -> None:
        self.warnings.append(RowIssue(line, message, label))

    def error_lines(self) -> list[str]:
        return [
            _("error: %(issue)s") % {"issue": issue}
            for issue in sorted(self.errors, key=lambda issue: issue.line or 0)
        ]

    def warning_lines(self) -> list[str]:
        return [
            _("warning: %(issue)s") % {"issue": issue}
            for issue in sorted(self.warnings, key=lambda issue: issue.line or 0)
        ]

    def entry_lines(self) -> list[str]:
        """One line per entry, in file order: `line 4<TAB>Data scientist: updated (kind)`."""
        lines = []
        for outcome in self.entries:
            where = _("line %(line)d") % {"line": outcome.line} if outcome.line else "-"
            detail = outcome.action
            if outcome.changed_fields:
                detail += f" ({', '.join(outcome.changed_fields)})"
            lines.append(f"{where}\t{outcome.label}: {detail}")
        return lines

    def lines(self) -> Iterator[str]:
        """The whole per-row report as text: errors, warnings, then entries."""
        yield from self.error_lines()
        yield from self.warning_lines()
        yield from self.entry_lines()

    def summary(self) -> str:
        counts = self.counts
        text = _(
            "%(source)s: list %(list_action)s; entries: %(created)d created, %(updated)d "
            "updated, %(unchanged)d unchanged, %(removed)d removed, %(skipped)d skipped; "
            "%(changes)d change(s)."
        ) % {
            "source": self.source_name,
            "list_action": LIST_ACTION_LABELS.get(self.list_action, "-"),
            "changes": self.changes,
            **counts,
        }
        if self.dry_run:
            text += " " + _("Dry run: nothing was written.")
        return text
