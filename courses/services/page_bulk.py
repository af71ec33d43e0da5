"""Publishing many cadastre pages at once, for bulk imports.

Creating a page the usual way (`parent.add_child(instance=page)`, `page.save_revision()`,
`revision.publish()`) costs about 0.1 s: the parent row is locked and its last child read for
every page, the page is validated three times, saved three times, and each save queues its own
search-index and reference-index tasks. An import of thousands of offers under a few hundred
providers cannot afford that, so these functions do the same work in a handful of queries per
batch and leave the same state behind:

- tree rows as treebeard writes them (paths computed once per parent, `numchild` raised once);
- one revision per page holding `serializable_data()`, set as both latest and live revision;
- `live`, `first_published_at`, `last_published_at`, `draft_title` as a publish sets them;
- the history the admin shows: a `wagtail.edit` and a `wagtail.publish` entry per page, tied to
  the revision (with `wagtail.rename` when an update changed the title);
- `page_published` / `page_unpublished` sent per page, as Wagtail's actions send them.

What they skip, and who does it instead:

- `post_save` is not sent (bulk inserts do not send it). Its two receivers here are the search
  index and Wagtail's reference index, each queuing one task per page; `pages_reindex_on_commit`
  queues a single task (`courses.tasks.refresh_page_indexes`) over all the pages instead.
- the model's `save()` is not run: a page model that derives fields from its parent does it in
  a `sync_from_parent(parent)` method, which is called here (and from its `save()`).
- `full_clean()` is not run: callers validate every field they set beforehand (the regional
  import runs each model field's own `clean()` on its values, row by row) and pick slugs that are
  free under the parent; a duplicate slug is still refused here.

Callers hold a transaction (`transaction.atomic`) around these calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, F, Model, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from treebeard.exceptions import PathOverflow
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_published, page_unpublished

BATCH_SIZE = 500


def page_fields_clean(*, page: Page, names: Sequence[str]) -> None:
    """Validate the named fields of `page` with their model fields' own rules (length, choices,
    validators), without the database queries of `full_clean()`. Raises ValidationError with
    the message of each field that fails."""
    errors = {}
    for name in names:
        field = page._meta.get_field(name)
        try:
            setattr(page, field.attname, field.clean(getattr(page, field.attname), page))
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)


def _batches(items: Sequence, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _keep_relations_in_memory(page: Page) -> None:
    """Give a new page empty in-memory child relations where none were set, so that
    `serializable_data()` does not query the database once per relation and page."""
    in_memory = getattr(page, "_cluster_related_objects", {})
    for relation in get_all_child_relations(type(page)):
        name = relation.get_accessor_name()
        if name not in in_memory:
            setattr(page, name, [])
    for m2m in get_all_child_m2m_relations(type(page)):
        if m2m.name not in in_memory:
            setattr(page, m2m.name, [])
        elif list(getattr(page, m2m.name).all()):
            raise ValueError(f"Bulk publishing does not write many-to-many values ({m2m.name}).")


def _save_child_objects(pages: Sequence[Page], *, replace: bool) -> None:
    """Write the in-memory child objects (inline panels: places, sessions…) of the pages,
    numbered in their order; with `replace`, the pages' rows of those relations go first."""
    by_model: dict[type[Model], tuple[str, list]] = {}
    for page in pages:
        in_memory = getattr(page, "_cluster_related_objects", {})
        for relation in get_all_child_relations(type(page)):
            name = relation.get_accessor_name()
            if name not in in_memory:
                continue
            model = relation.related_model
            field_name, objects = by_model.setdefault(model, (relation.field.attname, []))
            orderable = getattr(model, "sort_order_field", None)
            for position, child in enumerate(in_memory[name]):
                setattr(child, field_name, page.pk)
                child.pk = None
                if orderable:
                    setattr(child, orderable, position)
                objects.append(child)
    for model, (field_name, objects) in by_model.items():
        if replace:
            model._base_manager.filter(**{f"{field_name}__in": [p.pk for p in pages]}).delete()
        model._base_manager.bulk_create(objects, batch_size=BATCH_SIZE)


def _insert_specific_rows(pages: Sequence[Page]) -> None:
    """Insert the rows of the pages' own table (the `Page` rows exist already).

    `bulk_create` refuses multi-table models; this is the insert it would run for the child
    table alone, batched as it batches."""
    model = type(pages[0])
    fields = list(model._meta.local_concrete_fields)
    size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, pages)))
    for batch in _batches(pages, size):
        model._base_manager._insert(batch, fields=fields)
    for page in pages:
        page._state.adding = False
        page._state.db = connection.alias


def _create_revisions(pages: Sequence[Page], *, user, now) -> list[Revision]:
    base_type = ContentType.objects.get_for_model(Page)
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type=base_type,
            object_id=str(page.pk),
            created_at=now,
            user=user,
            object_str=str(page),
            content=page.serializable_data(),
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions, batch_size=BATCH_SIZE)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = page.live_revision = revision
        page.latest_revision_created_at = now
    # One UPDATE per batch: each page's newest revision (the one just written) becomes its
    # latest and live revision (`bulk_update` would build a CASE of thousands of branches).
    newest = (
        Revision.objects.filter(
            base_content_type=base_type,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-pk")
        .values("pk")[:1]
    )
    for batch in _batches(pages):
        Page.objects.filter(pk__in=[page.pk for page in batch]).update(
            latest_revision_id=Subquery(newest),
            live_revision_id=Subquery(newest),
            latest_revision_created_at=now,
        )
    return revisions


def _log(pages: Sequence[Page], revisions: Sequence[Revision], *, user, now, renamed=None):
    """The history entries a `save_revision(log_action=True)` then `publish()` leaves."""
    context = get_active_log_context()
    user = user or context.user
    entries = []
    for page, revision in zip(pages, revisions, strict=True):
        common = {
            "content_type_id": page.content_type_id,
            "label": page.get_admin_display_title(),
            "timestamp": now,
            "user": user,
            "uuid": context.uuid,
            "page_id": page.pk,
            "revision": revision,
            "content_changed": True,
        }
        entries.append(PageLogEntry(action="wagtail.edit", data={}, **common))
        old_title = (renamed or {}).get(page.pk)
        if old_title is not None:
            data = {"title": {"old": old_title, "new": str(page)}}
            entries.append(
                PageLogEntry(
                    action="wagtail.rename", data=data, **common | {"content_changed": False}
                )
            )
        entries.append(PageLogEntry(action="wagtail.publish", data={}, **common))
    PageLogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def _published(pages: Sequence[Page], revisions: Sequence[Revision]) -> None:
    for page, revision in zip(pages, revisions, strict=True):
        page_published.send(sender=type(page), instance=page, revision=revision)


def pages_create_published(*, parent: Page, pages: Sequence[Page], user=None) -> list[Revision]:
    """Add `pages` as the last children of `parent`, each live with one revision; see
    `pages_create_published_under`."""
    return pages_create_published_under(groups=[(parent, pages)], user=user)


@transaction.atomic
def pages_create_published_under(
    *, groups: Sequence[tuple[Page, Sequence[Page]]], user=None
) -> list[Revision]:
    """For each `(parent, pages)` of `groups`, add the pages (new instances of one specific
    page model, slug and fields set, inline children set in memory) as the last children of
    the parent, in their order, each live with one revision.

    Returns the revisions, in the order of the groups and their pages. Raises ValueError when
    a slug is taken under its parent or repeated, PathOverflow when a parent cannot take that
    many more children.
    """
    groups = [(parent, list(pages)) for parent, pages in groups if pages]
    pages = [page for _parent, group in groups for page in group]
    if not pages:
        return []
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        raise ValueError("Bulk creation takes pages of one model at a time.")
    # Lock the parents' rows as treebeard's add_child does, and read their paths afresh.
    parent_rows = Page.objects.select_for_update().in_bulk([parent.pk for parent, _p in groups])
    now = timezone.now()
    for parent, group in groups:
        row = parent_rows[parent.pk]
        depth, step = row.depth + 1, 0
        slugs = [page.slug for page in group]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"Slugs repeated under {row.url_path}.")
        if row.numchild:
            siblings = Page.objects.filter(path__startswith=row.path, depth=depth)
            taken = set(siblings.filter(slug__in=slugs).values_list("slug", flat=True))
            if taken:
                raise ValueError(f"Slugs already in use under {row.url_path}: {sorted(taken)}")
            last_path = siblings.order_by("-path").values_list("path", flat=True).first()
            step = Page._str2int(last_path[-Page.steplen :]) if last_path else 0
        if len(Page._int2str(step + len(group))) > Page.steplen:
            raise PathOverflow(f"{row.url_path} cannot take {len(group)} more children.")
        for position, page in enumerate(group, start=step + 1):
            page.depth, page.numchild = depth, 0
            page.path = Page._get_path(row.path, depth, position)
            page.url_path = f"{row.url_path}{page.slug}/"
            page.locale_id = row.locale_id
            page.draft_title = page.title
            page.live, page.has_unpublished_changes, page.expired = True, False, False
            page.first_published_at = page.last_published_at = now
            page._cached_parent_obj = parent
            if hasattr(page, "sync_from_parent"):
                page.sync_from_parent(parent)  # what the model's own save() derives from it
        parent.numchild = row.numchild + len(group)

    # The generic rows first (ids returned), then the specific table, then the inline children.
    rows = [
        Page(
            **{field.attname: getattr(page, field.attname) for field in Page._meta.concrete_fields}
        )
        for page in pages
    ]
    Page.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    for page, row in zip(pages, rows, strict=True):
        page.pk = page.id = row.id  # `pk` is the pointer to the Page row
    _insert_specific_rows(pages)
    by_count: dict[int, list[int]] = {}
    for parent, group in groups:
        by_count.setdefault(len(group), []).append(parent.pk)
    for count, parent_ids in by_count.items():
        Page.objects.filter(pk__in=parent_ids).update(numchild=F("numchild") + count)

    for page in pages:
        _keep_relations_in_memory(page)
    _save_child_objects(pages, replace=False)
    revisions = _create_revisions(pages, user=user, now=now)
    _log(pages, revisions, user=user, now=now)
    _published(pages, revisions)
    pages_reindex_on_commit(pages=pages)
    return revisions


@transaction.atomic
def pages_publish_changes(
    *, pages: Sequence[Page], fields: Sequence[str], user=None
) -> list[Revision]:
    """Publish changes made in memory to existing pages of one model: `fields` (validated by
    the caller) are written, inline children set in memory replace the stored ones, and each
    page gets a new revision, live at once. Returns the revisions in the order of `pages`."""
    if not pages:
        return []
    model = type(pages[0])
    old_titles = dict(Page.objects.filter(pk__in=[p.pk for p in pages]).values_list("pk", "title"))
    now = timezone.now()
    for page in pages:
        page.draft_title = page.title
        page.live, page.has_unpublished_changes, page.expired = True, False, False
        page.last_published_at = now
        page.first_published_at = page.first_published_at or now
    publish_fields = [
        "draft_title",
        "live",
        "has_unpublished_changes",
        "expired",
        "last_published_at",
        "first_published_at",
    ]
    model.objects.bulk_update(pages, [*fields, *publish_fields], BATCH_SIZE)
    _save_child_objects(pages, replace=True)
    revisions = _create_revisions(pages, user=user, now=now)
    renamed = {p.pk: old_titles[p.pk] for p in pages if old_titles.get(p.pk) != p.title}
    _log(pages, revisions, user=user, now=now, renamed=renamed)
    _published(pages, revisions)
    pages_reindex_on_commit(pages=pages)
    return revisions


@transaction.atomic
def pages_unpublish(*, pages: Sequence[Page], user=None) -> None:
    """Unpublish live pages (not their descendants) as `page.unpublish()` does: not live, no
    live revision, a `wagtail.unpublish` history entry, `page_unpublished` sent."""
    pages = [page for page in pages if page.live]
    if not pages:
        return
    Page.objects.filter(pk__in=[p.pk for p in pages]).update(
        live=False, has_unpublished_changes=True, live_revision=None
    )
    Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(p.pk) for p in pages],
    ).exclude(approved_go_live_at=None).update(approved_go_live_at=None)
    now, context = timezone.now(), get_active_log_context()
    entries = []
    for page in pages:
        page.live, page.has_unpublished_changes, page.live_revision = False, True, None
        entries.append(
            PageLogEntry(
                content_type_id=page.content_type_id,
                label=page.get_admin_display_title(),
                action="wagtail.unpublish",
                data={},
                timestamp=now,
                user=user or context.user,
                uuid=context.uuid,
                page_id=page.pk,
            )
        )
    PageLogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    for page in pages:
        page_unpublished.send(sender=type(page), instance=page)
    pages_reindex_on_commit(pages=pages)


def pages_reindex_on_commit(*, pages: Sequence[Page]) -> None:
    """Once the transaction commits, refresh the search index and Wagtail's reference index of
    the pages in one background task (what their `post_save` receivers would do one by one)."""
    if not pages:
        return
    from courses.tasks import refresh_page_indexes  # the task module imports the services

    model = type(pages[0])
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    page_ids = sorted({page.pk for page in pages})
    transaction.on_commit(lambda: refresh_page_indexes.enqueue(model=label, page_ids=page_ids))
