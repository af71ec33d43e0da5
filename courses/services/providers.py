"""Creating a provider creates its page, its editors' group and that group's permissions."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.text import slugify
from django.utils.translation import gettext as _
from treebeard.exceptions import PathOverflow
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from courses.models import ProviderIndexPage, ProviderKind, ProviderPage
from courses.services.moderation import admin_access_permission, moderation_setup
from courses.services.page_bulk import page_fields_clean, pages_create_published

# Editors create and change pages in their subtree; publishing goes through moderation.
EDITOR_PAGE_PERMISSIONS = ["add", "change", "lock", "unlock"]
EDITOR_IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]


TRAINING_REQUEST_ANSWERING_KINDS = {
    ProviderKind.COMPETENCE_CENTRE,
    ProviderKind.PUBLIC_TRAINING_CENTRE,
    ProviderKind.FOREM,
}
TRAINING_REQUEST_PERMISSIONS = ("view_trainingrequest", "change_trainingrequest")


def provider_editors_group_name(provider: ProviderPage) -> str:
    return f"Editors: {provider.title} (#{provider.pk})"


def provider_editors_group(provider: ProviderPage) -> Group:
    """The provider's editors' group, found by the page id in its name (titles change)."""
    return Group.objects.get(name__endswith=f"(#{provider.pk})", name__startswith="Editors: ")


@transaction.atomic
def provider_create(
    *,
    name: str,
    kind: str,
    commune: str,
    province: str,
    parent: ProviderIndexPage | None = None,
    slug: str | None = None,
    publish: bool = True,
    **fields,
) -> ProviderPage:
    """Create a provider page under the provider index, with its editors' group.

    The group gets admin access, add/change/lock/unlock on the provider's subtree only (no
    publish: the "Offer moderation" workflow publishes), and image permissions on a collection of
    its own. Other `fields` are ProviderPage fields (description, website, latitude…).
    Raises ValidationError when a field is invalid or no provider index exists.
    """
    parent = parent or ProviderIndexPage.cadastre_index()
    if parent is None:
        raise ValidationError(_("Create the provider index page first."))
    provider = ProviderPage(
        title=name,
        slug=slug or slugify(name)[:255],
        kind=kind,
        commune=commune,
        province=province,
        **fields,
    )
    provider.full_clean(exclude=["path", "depth"])
    parent.add_child(instance=provider)
    if publish:
        provider.save_revision().publish()
    else:
        provider.save_revision()
    provider_grant_editors(provider=provider)
    moderation_setup(index_page=parent)
    return provider


@transaction.atomic
def providers_create(
    *, providers: Sequence[ProviderPage], parent: ProviderIndexPage | None = None, user=None
) -> list[ProviderPage]:
    """Create many providers at once, each as `provider_create` leaves one: a live page under
    the provider index (with its revision and history), its editors' group and permissions;
    the moderation workflow is ensured once. `providers` are unsaved pages with their title,
    slug, kind, commune, province and other fields set; their fields are validated here (all
    or none are created). Raises ValidationError as `provider_create` does."""
    if not providers:
        return []
    parent = parent or ProviderIndexPage.cadastre_index()
    if parent is None:
        raise ValidationError(_("Create the provider index page first."))
    for provider in providers:
        page_fields_clean(
            page=provider,
            names=["title", "slug", "kind", "commune", "province", "enterprise_number"],
        )
    pages_create_published(parent=parent, pages=providers, user=user)
    providers_grant_editors(providers=providers)
    moderation_setup(index_page=parent)
    return list(providers)


@transaction.atomic
def provider_grant_editors(*, provider: ProviderPage) -> Group:
    """Ensure the provider's editors' group and its permissions (idempotent)."""
    return providers_grant_editors(providers=[provider])[0]


@transaction.atomic
def providers_grant_editors(*, providers: Sequence[ProviderPage]) -> list[Group]:
    """Ensure each provider's editors' group and its permissions (idempotent), in a few queries
    whatever the number of providers: admin access, EDITOR_PAGE_PERMISSIONS on the provider's
    subtree, EDITOR_IMAGE_PERMISSIONS on a collection named after the provider (shared by
    providers of the same name), and the training-request permissions for the kinds that
    answer them. Returns the groups in the order of `providers`."""
    if not providers:
        return []
    names = {provider.pk: provider_editors_group_name(provider) for provider in providers}
    suffixes = {f"(#{pk})": pk for pk in names}
    groups: dict[int, Group] = {}
    for group in Group.objects.filter(name__startswith="Editors: "):
        pk = suffixes.get(group.name[group.name.rfind(" ") + 1 :])
        if pk is not None:
            groups[pk] = group
    missing = [Group(name=names[pk]) for pk in names if pk not in groups]
    Group.objects.bulk_create(missing)
    for group in missing:
        groups.setdefault(suffixes[group.name[group.name.rfind(" ") + 1 :]], group)

    access = admin_access_permission()
    requests = list(
        Permission.objects.filter(
            content_type__app_label="jobs", codename__in=TRAINING_REQUEST_PERMISSIONS
        )
    )
    group_permissions = []
    for provider in providers:
        group = groups[provider.pk]
        group_permissions.append(Group.permissions.through(group_id=group.pk, permission=access))
        if provider.kind in TRAINING_REQUEST_ANSWERING_KINDS:
            # The white paper's short "coup de poing" trainings are answered by the competence
            # centres and public centres: their editors follow employers' training requests.
            group_permissions += [
                Group.permissions.through(group_id=group.pk, permission=permission)
                for permission in requests
            ]
    Group.permissions.through.objects.bulk_create(group_permissions, ignore_conflicts=True)

    page_permissions = {
        permission.codename: permission
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in=[f"{kind}_page" for kind in EDITOR_PAGE_PERMISSIONS],
        )
    }
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(
                group=groups[provider.pk],
                page=provider,
                permission=page_permissions[f"{kind}_page"],
            )
            for provider in providers
            for kind in EDITOR_PAGE_PERMISSIONS
        ],
        ignore_conflicts=True,
    )

    root_collection = Collection.get_first_root_node()
    collections = {c.name: c for c in root_collection.get_children()}
    new_names = list(dict.fromkeys(p.title for p in providers if p.title not in collections))
    for collection in collections_add_sorted(parent=root_collection, names=new_names):
        collections[collection.name] = collection
    image_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailimages", codename__in=EDITOR_IMAGE_PERMISSIONS
        )
    )
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(
                group=groups[provider.pk],
                collection=collections[provider.title],
                permission=permission,
            )
            for provider in providers
            for permission in image_permissions
        ],
        ignore_conflicts=True,
    )
    return [groups[provider.pk] for provider in providers]


@transaction.atomic
def collections_add_sorted(*, parent: Collection, names: Sequence[str]) -> list[Collection]:
    """Add collections named `names` under `parent` where treebeard's sorted insertion
    (`Collection.node_order_by = ["name"]`) would put them one by one: each before the first
    sibling whose name is greater. Making room moves each later sibling (with its subtree) once,
    instead of once per added collection. Returns the new collections."""
    if not names:
        return []
    parent = Collection.objects.select_for_update().get(pk=parent.pk)
    depth = parent.depth + 1
    siblings = list(
        Collection.objects.filter(path__startswith=parent.path, depth=depth).order_by("path")
    )
    added = [Collection(name=name, depth=depth, numchild=0) for name in sorted(names)]
    ordered = list(siblings)
    for collection in added:
        position = next(
            (i for i, sibling in enumerate(ordered) if sibling.name > collection.name),
            len(ordered),
        )
        ordered.insert(position, collection)
    if len(Collection._int2str(len(ordered))) > Collection.steplen:
        raise PathOverflow(f"Collection {parent.name} cannot take {len(added)} more children.")
    targets = {
        id(node): Collection._get_path(parent.path, depth, i)
        for i, node in enumerate(ordered, start=1)
    }
    # Siblings only move right; moving the last first never lands on a path still in use.
    for sibling in reversed(siblings):
        target = targets[id(sibling)]
        if target != sibling.path:
            Collection.objects.filter(path__startswith=sibling.path).update(
                path=Concat(Value(target), Substr("path", len(sibling.path) + 1))
            )
    for collection in added:
        collection.path = targets[id(collection)]
    Collection.objects.bulk_create(added)
    Collection.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(added))
    return added
