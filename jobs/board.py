"""The public job board: published postings for everyone, with their ESCO reading and the
training offers that teach what they ask for. Expired and withdrawn postings answer 410 Gone;
a near-duplicate redirects to its group's original, so each need shows once."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from core.places import Province
from jobs import selectors
from jobs.jsonld import posting_jsonld_script
from jobs.models import JobPosting

POSTINGS_PER_PAGE = 25


def board(request):
    province = request.GET.get("province", "")
    contract = request.GET.get("contract", "")
    province = province if province in Province.values else ""
    contract = contract if contract in JobPosting.ContractType.values else ""
    postings = selectors.board_postings(province=province, contract=contract)
    page = Paginator(postings, POSTINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/board/list.html",
        {
            "page_obj": page,
            "postings": page.object_list,
            "provinces": Province.choices,
            "contracts": [c for c in JobPosting.ContractType.choices if c[0]],
            "selected": {"province": province, "contract": contract},
            "filter_query": query.urlencode(),
        },
    )


def posting_page(request, pk: int, slug: str = ""):
    found = selectors.board_posting(pk=pk)
    if found is None:
        raise Http404
    posting = found.posting
    if found.state == "duplicate":
        return redirect(posting.get_absolute_url(), permanent=True)
    if found.state == "gone":
        return render(request, "jobs/board/gone.html", {"posting": posting}, status=410)
    if slug != posting.board_slug:
        return redirect(posting.get_absolute_url(), permanent=True)
    occupation_link, skill_links = selectors.board_posting_concepts(posting=posting)
    url = request.build_absolute_uri(posting.get_absolute_url())
    return render(
        request,
        "jobs/board/detail.html",
        {
            "posting": posting,
            "occupation_link": occupation_link,
            "skill_links": skill_links,
            "offers": selectors.training_offers_for_posting(posting=posting, limit=6),
            "jsonld": posting_jsonld_script(
                posting=posting,
                url=url,
                occupation=occupation_link.occupation if occupation_link else None,
                skills=[link.skill for link in skill_links],
            ),
        },
    )
