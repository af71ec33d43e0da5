"""Admin wiring of the cadastre: URLs, menu, snippets and the suggestion hooks."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import admin_urls
from courses.models import FundingScheme, OfferPage
from courses.services.editing import page_autosave_orphan_discard
from courses.services.links import offer_queue_suggestions


@hooks.register("register_admin_urls")
def register_courses_admin_urls():
    return [path("cadastre/", include(admin_urls, namespace="courses_admin"))]


@hooks.register("insert_editor_js")
def editor_accessibility_js():
    """Accessible names the page editor's rich-text, tag and minimap widgets lack (axe)."""
    return format_html('<script src="{}"></script>', static("courses/js/editor-accessibility.js"))


class FundingSchemeViewSet(SnippetViewSet):
    model = FundingScheme
    icon = "tag"
    menu_label = "Funding schemes"
    list_display = ["name", "slug", "url"]
    search_fields = ["name"]
    add_to_admin_menu = False


register_snippet(FundingSchemeViewSet)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def queue_offer_suggestions(request, page):
    """Suggest skills from the text just saved, in the background once the save is committed.

    Every save in the editor runs one of these hooks, publishing and workflow actions included;
    a publication from elsewhere (moderation dashboard, schedule) publishes a revision whose
    text was read when it was saved.
    """
    if isinstance(page.specific, OfferPage):
        offer_queue_suggestions(offer_ids=[page.pk])


@hooks.register("before_edit_page")
def refuse_stale_workflow_action(request, page):
    """A workflow action posted from an editor opened before the task ended (approved, cancelled
    or withdrawn meanwhile) would crash Wagtail's edit view (it asks the missing task for its
    actions). Say what happened and reload the editor instead; nothing is saved."""
    if (
        request.method == "POST"
        and request.POST.get("action-workflow-action")
        and page.current_workflow_task is None
    ):
        messages.warning(
            request,
            _(
                "This page's moderation step ended while you were editing it, so your action was "
                "not applied. Review the page as it is now and try again."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("after_create_page")
def grant_editors_after_provider_create(request, page):
    """A provider created in the admin gets its editors' group, as `provider_create` does."""
    from courses.models import ProviderPage
    from courses.services.providers import provider_grant_editors

    if isinstance(page.specific, ProviderPage):
        provider_grant_editors(provider=page.specific)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        from courses.admin_views import importable_providers

        return bool(importable_providers(request.user))


cadastre_menu = Menu(register_hook_name="register_cadastre_menu_item", construct_hook_name=None)


@hooks.register("register_cadastre_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Import offers"), reverse("courses_admin:offer_import"), icon_name="upload", order=100
    )


class CatalogueImportMenuItem(MenuItem):
    def is_shown(self, request):
        from courses.admin_views import can_import_catalogue

        return can_import_catalogue(request.user)


@hooks.register("register_cadastre_menu_item")
def register_catalogue_import_menu_item():
    return CatalogueImportMenuItem(
        _("Import the regional catalogue"),
        reverse("courses_admin:catalogue_import"),
        icon_name="upload",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_cadastre_menu():
    return SubmenuMenuItem(_("Cadastre"), cadastre_menu, icon_name="list-ul", order=250)


@hooks.register("register_cadastre_menu_item")
def register_export_menu_item():
    return MenuItem(
        _("Export offers"), reverse("courses_admin:offer_export"), icon_name="download", order=200
    )


@hooks.register("before_move_page")
def refuse_external_id_clash_on_move(request, page, destination):
    """An offer cannot join a provider that already uses its external id (unique per provider)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext

    offer = page.specific
    if not isinstance(offer, OfferPage) or not offer.external_id:
        return None
    clash = (
        OfferPage.objects.filter(provider_id=destination.id, external_id=offer.external_id)
        .exclude(pk=offer.pk)
        .exists()
    )
    if clash:
        messages.error(
            request,
            gettext(
                "The destination provider already has an offer with the external identifier "
                "“%(external_id)s”. Change one of them, then move the offer."
            )
            % {"external_id": offer.external_id},
        )
        return redirect("wagtailadmin_pages:move", offer.id)
    return None


# Wagtail's editor autosaves a new page by posting the create form as JSON; the page is created
# then, and the browser is meant to switch the form over to the new page's edit view. When that
# switch has not happened (the editor clicked "Save draft" while the autosave was in flight, or
# the switch failed), the form posts to the create view again and fails on "slug already in use",
# leaving the autosaved page behind as an orphan draft (issue 14). The session remembers which
# page an autosave created from which create form, so that the next post of that form replaces
# it instead of clashing with it.
_AUTOSAVED_KEY = "courses_autosaved_pages"


def _create_form_key(parent_page, slug: str) -> str:
    return f"{parent_page.pk}:{slug}"


def _is_autosave(request) -> bool:
    return not request.accepts("text/html")


@hooks.register("after_create_page")
def remember_autosaved_page(request, page):
    if _is_autosave(request):
        autosaved = request.session.get(_AUTOSAVED_KEY, {})
        autosaved[_create_form_key(page.get_parent(), page.slug)] = page.pk
        request.session[_AUTOSAVED_KEY] = autosaved


@hooks.register("after_edit_page")
def forget_autosaved_page(request, page):
    """Saved through its edit view: the editor has the page, it is no orphan."""
    autosaved = request.session.get(_AUTOSAVED_KEY)
    if autosaved and page.pk in autosaved.values():
        request.session[_AUTOSAVED_KEY] = {k: v for k, v in autosaved.items() if v != page.pk}


@hooks.register("before_create_page")
def replace_autosaved_orphan(request, parent_page, page_class):
    if request.method != "POST":
        return None
    autosaved = request.session.get(_AUTOSAVED_KEY)
    key = _create_form_key(parent_page, request.POST.get("slug", ""))
    if not autosaved or key not in autosaved:
        return None
    page_id = autosaved.pop(key)
    request.session[_AUTOSAVED_KEY] = autosaved
    page_autosave_orphan_discard(page_id=page_id, parent=parent_page, user=request.user)
    return None
