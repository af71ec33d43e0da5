"""Write a validated shortage list: upsert the list by (source, year, region), then make its
entries equal to the file's, matched by label. Entries the file no longer has are removed (they
belong to the list, not to the taxonomy). Run inside the caller's transaction; with
`write=False` it only fills the report (the dry run).
"""

from __future__ import annotations

from skills.models import ShortageList, ShortageListEntry
from skills.services.shortage.report import EntryOutcome, ShortageImportReport
from skills.services.shortage.validation import ParsedEntry

_LIST_FIELDS = ("title", "source_url", "notes", "is_demo")


def apply_entries(
    report: ShortageImportReport, list_fields: dict, entries: list[ParsedEntry], *, write: bool
) -> None:
    """Diff the parsed entries against the database and, if `write`, make them so."""
    key = {name: list_fields[name] for name in ("source", "year", "region")}
    shortage_list = ShortageList.objects.filter(**key).first()
    existing: dict[str, tuple[ShortageListEntry, set[int]]] = {}
    if shortage_list is None:
        report.list_action = "created"
        shortage_list = ShortageList(**list_fields)
        if write:
            shortage_list.save()
    else:
        changed = [
            name for name in _LIST_FIELDS if getattr(shortage_list, name) != list_fields[name]
        ]
        report.list_action = "updated" if changed else "unchanged"
        if changed and write:
            for name in changed:
                setattr(shortage_list, name, list_fields[name])
            shortage_list.save(update_fields=changed)
        for entry in shortage_list.entries.prefetch_related("occupations"):
            existing[entry.label] = (entry, {o.pk for o in entry.occupations.all()})
    report.shortage_list = shortage_list if shortage_list.pk else None

    outcomes = [outcome for outcome in report.entries if outcome.action == "skipped"]
    for parsed in entries:
        wanted = {
            "kind": parsed.kind,
            "rome_code": parsed.rome_code,
            "mapping_is_approximate": parsed.approximate,
            "mapping_note": parsed.note,
            "position": parsed.position,
        }
        if parsed.label not in existing:
            action, changed_fields = "created", ()
            if write:
                entry = ShortageListEntry.objects.create(
                    shortage_list=shortage_list, label=parsed.label, **wanted
                )
                entry.occupations.set(parsed.occupation_ids)
        else:
            entry, occupation_ids = existing.pop(parsed.label)
            changed_fields = tuple(
                name for name, value in wanted.items() if getattr(entry, name) != value
            )
            if occupation_ids != set(parsed.occupation_ids):
                changed_fields += ("occupations",)
            action = "updated" if changed_fields else "unchanged"
            if write and changed_fields:
                for name, value in wanted.items():
                    setattr(entry, name, value)
                entry.save()
                entry.occupations.set(parsed.occupation_ids)
        outcomes.append(
            EntryOutcome(
                label=parsed.label,
                action=action,
                line=parsed.line,
                changed_fields=changed_fields,
                occupation_count=len(parsed.occupation_ids),
            )
        )
    for label, (entry, _ids) in existing.items():
        outcomes.append(EntryOutcome(label=label, action="removed"))
        if write:
            entry.delete()
    report.entries = sorted(outcomes, key=lambda outcome: (outcome.line is None, outcome.line or 0))
