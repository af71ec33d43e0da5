"""Creating a provider creates its page, its editors' group and that group's permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission

from courses.models import ProviderIndexPage, ProviderKind, ProviderPage
from courses.services.moderation import (
    admin_access_permission,
    grant_page_permissions,
    moderation_setup,
)

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
    parent = parent or ProviderIndexPage.objects.first()
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
def provider_grant_editors(*, provider: ProviderPage) -> Group:
    """Ensure the provider's editors' group and its permissions (idempotent)."""
    try:
        group = provider_editors_group(provider)
    except Group.DoesNotExist:
        group = Group.objects.create(name=provider_editors_group_name(provider))
    group.permissions.add(admin_access_permission())
    grant_page_permissions(group=group, page=provider, permission_types=EDITOR_PAGE_PERMISSIONS)

    root_collection = Collection.get_first_root_node()
    collection = root_collection.get_children().filter(name=provider.title).first()
    if collection is None:
        collection = root_collection.add_child(name=provider.title)
    for codename in EDITOR_IMAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailimages", codename=codename
        )
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )
    if provider.kind in TRAINING_REQUEST_ANSWERING_KINDS:
        # The white paper's short "coup de poing" trainings are answered by the competence
        # centres and public centres: their editors follow employers' training requests.
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="jobs", codename__in=TRAINING_REQUEST_PERMISSIONS
            )
        )
    return group
