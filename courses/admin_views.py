"""Wagtail admin views of the cadastre: skills review per offer, import, export.

Every view checks permissions server-side: the skills review needs edit rights on the offer;
import needs edit rights on the provider page; export needs admin access.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import LinkRelation, OfferOccupation, OfferPage, OfferSkill
from courses.selectors import offer_link_summary
from courses.services.links import (
    offer_occupation_decide,
    offer_occupation_set,
    offer_queue_suggestions,
    offer_skill_decide,
    offer_skill_set,
)
from skills.models import Occupation, Skill


def _editable_offer(request, offer_id: int) -> OfferPage:
    offer = get_object_or_404(OfferPage, pk=offer_id)
    if not offer.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return offer


@require_http_methods(["GET", "POST"])
def offer_skills(request, offer_id: int):
    """List an offer's confirmed, suggested and rejected links; accept, reject, add, re-suggest."""
    offer = _editable_offer(request, offer_id)
    url = reverse("courses_admin:offer_skills", args=[offer.pk])
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in {"accept_skill", "reject_skill"}:
            link = get_object_or_404(OfferSkill, pk=request.POST.get("link"), offer=offer)
            offer_skill_decide(link=link, accept=action == "accept_skill", user=request.user)
        elif action in {"accept_occupation", "reject_occupation"}:
            link = get_object_or_404(OfferOccupation, pk=request.POST.get("link"), offer=offer)
            offer_occupation_decide(
                link=link, accept=action == "accept_occupation", user=request.user
            )
        elif action == "add_skill":
            skill = get_object_or_404(Skill, pk=request.POST.get("skill"))
            relation = request.POST.get("relation") or LinkRelation.CORE
            if relation not in LinkRelation.values:
                relation = LinkRelation.CORE
            offer_skill_set(offer=offer, skill=skill, relation=relation, user=request.user)
        elif action == "add_occupation":
            occupation = get_object_or_404(Occupation, pk=request.POST.get("occupation"))
            offer_occupation_set(offer=offer, occupation=occupation, user=request.user)
        elif action == "suggest":
            offer_queue_suggestions(offer_ids=[offer.pk])
            messages.success(
                request,
                _("New suggestions are being computed; reload this page in a moment."),
            )
        else:
            messages.error(request, _("Unknown action."))
        return HttpResponseRedirect(url)

    query = request.GET.get("q", "").strip()
    candidates = list(Skill.objects.current().matching_text(query)[:20]) if query else []
    occupation_query = request.GET.get("oq", "").strip()
    occupation_candidates = (
        list(Occupation.objects.current().matching_text(occupation_query)[:20])
        if occupation_query
        else []
    )
    return TemplateResponse(
        request,
        "courses/admin/offer_skills.html",
        {
            "offer": offer,
            "summary": offer_link_summary(offer=offer.get_latest_revision_as_object()),
            "query": query,
            "candidates": candidates,
            "occupation_query": occupation_query,
            "occupation_candidates": occupation_candidates,
            "relations": LinkRelation.choices,
        },
    )


# --- Import -----------------------------------------------------------------------------------

IMPORT_SESSION_KEY = "courses_import_pending"
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def importable_providers(user):
    """Providers under which `user` may create offers (their own, or all for moderators)."""
    from courses.models import ProviderPage

    return [
        provider
        for provider in ProviderPage.objects.order_by("title")
        if provider.permissions_for_user(user).can_add_subpage()
    ]


def _pending_dir():
    from django.conf import settings

    folder = settings.WAKE_DATA_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@require_http_methods(["GET", "POST"])
def offer_import_view(request):
    """Upload a file, see the dry-run report, then confirm to write.

    The uploaded bytes wait in a private file named by a random token kept in the user's
    session, so the confirmation imports exactly what the report described.
    """
    import uuid

    from courses.forms import OfferImportForm
    from courses.importing import ImportFileError, read_offer_file
    from courses.services.importing import offer_import

    providers = importable_providers(request.user)
    if not providers:
        raise PermissionDenied
    form = OfferImportForm(request.POST or None, request.FILES or None, providers=providers)
    context = {"form": form, "report": None}

    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get(IMPORT_SESSION_KEY) or {}
        if pending.get("token") != request.POST.get("token"):
            messages.error(request, _("This import has expired; upload the file again."))
            return HttpResponseRedirect(reverse("courses_admin:offer_import"))
        provider = next((p for p in providers if p.pk == pending.get("provider")), None)
        if provider is None:
            raise PermissionDenied
        path = _pending_dir() / pending["token"]
        content = path.read_bytes()
        publish = (
            pending.get("publish")
            and provider.permissions_for_user(request.user).can_publish_subpage()
        )
        report = offer_import(
            provider=provider,
            records=read_offer_file(content=content, filename=pending["filename"]),
            dry_run=False,
            publish=bool(publish),
            user=request.user,
        )
        path.unlink(missing_ok=True)
        del request.session[IMPORT_SESSION_KEY]
        context.update(report=report, provider=provider, form=OfferImportForm(providers=providers))
        return TemplateResponse(request, "courses/admin/offer_import.html", context)

    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["provider"]
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_IMPORT_BYTES + 1)
        if len(content) > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 10 MB."))
            return TemplateResponse(request, "courses/admin/offer_import.html", context)
        try:
            records = read_offer_file(content=content, filename=upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return TemplateResponse(request, "courses/admin/offer_import.html", context)
        report = offer_import(provider=provider, records=records, dry_run=True)
        token = uuid.uuid4().hex
        (_pending_dir() / token).write_bytes(content)
        request.session[IMPORT_SESSION_KEY] = {
            "token": token,
            "provider": provider.pk,
            "filename": upload.name,
            "publish": bool(form.cleaned_data.get("publish")),
        }
        context.update(report=report, provider=provider, token=token)
    return TemplateResponse(request, "courses/admin/offer_import.html", context)


def offer_import_template(request):
    """The documented CSV template, for download."""
    from django.conf import settings
    from django.http import FileResponse

    if not importable_providers(request.user):
        raise PermissionDenied
    path = settings.BASE_DIR / "courses" / "data" / "offer_import_template.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename="offer_import_template.csv")


# --- Export -----------------------------------------------------------------------------------


def offer_export_view(request):
    """A filter form; submitting it downloads the export. Needs admin access only: exports hold
    public information (live offers, confirmed links)."""
    from django.http import HttpResponse
    from django.utils import timezone

    from courses.exporting import CONTENT_TYPES, offers_export
    from courses.forms import OfferExportForm

    form = OfferExportForm(request.GET or None)
    if request.GET.get("fmt") and form.is_valid():
        data = form.cleaned_data
        fmt = data["fmt"]
        content = offers_export(
            fmt=fmt,
            province=data.get("province") or None,
            provider=data.get("provider"),
            skill=data.get("skill_obj"),
            format=data.get("format") or None,
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="cadastre-{stamp}.{fmt}"'
        return response
    return TemplateResponse(request, "courses/admin/offer_export.html", {"form": form})


# --- Regional catalogue -----------------------------------------------------------------------

CATALOGUE_SESSION_KEY = "courses_catalogue_pending"
MAX_CATALOGUE_BYTES = 50 * 1024 * 1024


def can_import_catalogue(user) -> bool:
    """The regional catalogue touches every provider: platform moderators and superusers only."""
    from courses.services.moderation import MODERATORS_GROUP_NAME

    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP_NAME).exists()


@require_http_methods(["GET", "POST"])
def catalogue_import_view(request):
    """Upload the regional export, see the dry-run report, confirm: the import then runs as a
    background task and its page shows the status and the report."""
    import uuid

    from courses.forms import CatalogueImportForm
    from courses.importing import ImportFileError
    from courses.importing.regional_reader import read_regional_catalogue
    from courses.services.regional import catalogue_import_queue, regional_catalogue_import

    if not can_import_catalogue(request.user):
        raise PermissionDenied
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "report": None}

    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get(CATALOGUE_SESSION_KEY) or {}
        path = _pending_dir() / pending.get("token", "missing")
        if not pending or pending.get("token") != request.POST.get("token") or not path.exists():
            messages.error(request, _("This import has expired; upload the file again."))
            return HttpResponseRedirect(reverse("courses_admin:catalogue_import"))
        run = catalogue_import_queue(
            content=path.read_bytes(), file_name=pending["filename"], user=request.user
        )
        path.unlink(missing_ok=True)
        del request.session[CATALOGUE_SESSION_KEY]
        return HttpResponseRedirect(reverse("courses_admin:catalogue_import_run", args=[run.pk]))

    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_CATALOGUE_BYTES + 1)
        if len(content) > MAX_CATALOGUE_BYTES:
            form.add_error("file", _("The file is larger than 50 MB."))
            return TemplateResponse(request, "courses/admin/catalogue_import.html", context)
        try:
            records = read_regional_catalogue(content)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return TemplateResponse(request, "courses/admin/catalogue_import.html", context)
        report = regional_catalogue_import(records=records, dry_run=True)
        context["report"] = report
        if not report.errors:
            token = uuid.uuid4().hex
            (_pending_dir() / token).write_bytes(content)
            request.session[CATALOGUE_SESSION_KEY] = {"token": token, "filename": upload.name}
            context["token"] = token
    return TemplateResponse(request, "courses/admin/catalogue_import.html", context)


def catalogue_import_run_view(request, run_id: int):
    """The status of a catalogue import and, once it has run, its report."""
    from courses.models import CatalogueImport

    if not can_import_catalogue(request.user):
        raise PermissionDenied
    run = get_object_or_404(CatalogueImport, pk=run_id)
    return TemplateResponse(request, "courses/admin/catalogue_import_run.html", {"run": run})
