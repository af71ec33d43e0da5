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
    offer_skill_decide,
    offer_skill_set,
    offer_suggest_skills,
)
from skills.models import Skill


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
        elif action == "suggest":
            try:
                report = offer_suggest_skills(offer=offer.get_latest_revision_as_object())
            except ImportError:
                messages.error(request, _("The skill extractor is not available yet."))
            else:
                messages.success(
                    request,
                    _("%(count)d new suggestion(s).") % {"count": len(report.skills_added)},
                )
        else:
            messages.error(request, _("Unknown action."))
        return HttpResponseRedirect(url)

    query = request.GET.get("q", "").strip()
    candidates = list(Skill.objects.current().matching_text(query)[:20]) if query else []
    return TemplateResponse(
        request,
        "courses/admin/offer_skills.html",
        {
            "offer": offer,
            "summary": offer_link_summary(offer=offer),
            "query": query,
            "candidates": candidates,
            "relations": LinkRelation.choices,
        },
    )
