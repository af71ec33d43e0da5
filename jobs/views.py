"""The employer portal: registration, sign-in, needs, their ESCO reading, training requests.

Views stay thin: permissions are enforced by the services (`PermissionDenied` → 403) and by
looking postings up within the user's own organisation (another organisation's posting is a
404, so its existence does not leak).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs import selectors
from jobs.forms import AddSkillForm, EmployerRegistrationForm, NeedForm, TrainingRequestForm
from jobs.models import JobPosting, TrainingRequest
from jobs.services import portal
from skills.models import Occupation, Skill

LOGIN_URL = reverse_lazy("jobs:login")
portal_login_required = login_required(login_url=LOGIN_URL)


def approved_employer_required(view):
    """Sign-in first; then an account with no organisation goes to the dashboard (which offers
    registration), and one whose organisation awaits approval (or was refused) gets a page that
    says so, with a 403, instead of a bare error. The services still check on every write."""

    @portal_login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        employer = selectors.employer_for_user(request.user)
        request.portal_employer = employer
        if employer is None:
            return redirect("jobs:dashboard")
        if not employer.is_approved:
            return render(
                request, "jobs/portal/awaiting_approval.html", {"employer": employer}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper


def _own_posting(request, pk: int) -> JobPosting:
    employer = portal.approved_employer_for(request.user)
    return get_object_or_404(JobPosting, pk=pk, employer=employer)


def register(request):
    if request.method == "POST":
        form = EmployerRegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            employer = portal.employer_register(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                name=data["name"],
                enterprise_number=data["enterprise_number"],
                sector=data["sector"],
                commune=data["commune"],
                province=data["province"],
            )
            login(
                request, employer.members.get(), backend="django.contrib.auth.backends.ModelBackend"
            )
            messages.success(
                request,
                _("Your organisation is registered. A moderator will approve it shortly."),
            )
            return redirect("jobs:dashboard")
    else:
        form = EmployerRegistrationForm()
    return render(request, "jobs/portal/register.html", {"form": form})


class PortalLoginView(auth_views.LoginView):
    template_name = "jobs/portal/login.html"
    next_page = reverse_lazy("jobs:dashboard")


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("jobs:login")


@portal_login_required
def dashboard(request):
    employer = selectors.employer_for_user(request.user)
    request.portal_employer = employer
    context = {"employer": employer}
    if employer is not None and employer.is_approved:
        context["postings"] = selectors.postings_for_employer(employer)
        context["requests"] = selectors.training_requests_for_employer(employer)
    return render(request, "jobs/portal/dashboard.html", context)


@approved_employer_required
def need_create(request):
    portal.approved_employer_for(request.user)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        posting = portal.posting_create(user=request.user, **form.cleaned_data)
        return redirect("jobs:posting_review", pk=posting.pk)
    return render(request, "jobs/portal/need_form.html", {"form": form})


@approved_employer_required
def posting_edit(request, pk: int):
    posting = _own_posting(request, pk)
    initial = {
        "title": posting.title,
        "text": posting.description_text,
        "commune": posting.commune,
        "province": posting.province,
        "contract_type": posting.contract_type,
    }
    form = NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        portal.posting_update(user=request.user, posting=posting, **form.cleaned_data)
        return redirect("jobs:posting_review", pk=posting.pk)
    return render(request, "jobs/portal/need_form.html", {"form": form, "posting": posting})


@approved_employer_required
def posting_review(request, pk: int):
    """What the platform understood (occupation, skills), to confirm or correct, then publish;
    and the training offers that teach those skills."""
    posting = _own_posting(request, pk)
    query = request.GET.get("q", "").strip()
    suggestions = list(Skill.objects.current().matching_text(query)[:12]) if query else []
    occupation_query = request.GET.get("occupation_q", "").strip()
    detail = selectors.posting_detail(posting)
    proposed = {link.occupation_id for link in detail["occupations"]}
    occupation_results = (
        [
            occupation
            for occupation in Occupation.objects.current()
            .matching_text(occupation_query)
            .order_by("preferred_label_fr")[:20]
            if occupation.pk not in proposed
        ]
        if occupation_query
        else []
    )
    context = {
        "posting": posting,
        **detail,
        "occupation_confirmed": any(link.is_confirmed for link in detail["occupations"]),
        "occupation_query": occupation_query,
        "occupation_results": occupation_results,
        "query": query,
        "suggestions": suggestions,
        "offers": selectors.training_offers_for_posting(posting=posting),
    }
    return render(request, "jobs/portal/posting_review.html", context)


@approved_employer_required
@require_POST
def posting_skill_remove(request, pk: int):
    posting = _own_posting(request, pk)
    portal.posting_skill_remove(
        user=request.user, posting=posting, skill_id=int(request.POST.get("skill", 0))
    )
    return redirect("jobs:posting_review", pk=posting.pk)


@approved_employer_required
@require_POST
def posting_skill_add(request, pk: int):
    posting = _own_posting(request, pk)
    form = AddSkillForm(request.POST)
    if form.is_valid():
        portal.posting_skill_add(
            user=request.user, posting=posting, skill=form.cleaned_data["skill"]
        )
    else:
        messages.error(request, _("Pick a skill from the suggestions."))
    return redirect("jobs:posting_review", pk=posting.pk)


@approved_employer_required
@require_POST
def posting_occupation_choose(request, pk: int):
    posting = _own_posting(request, pk)
    occupation = get_object_or_404(Occupation, pk=request.POST.get("occupation") or 0)
    portal.posting_occupation_choose(user=request.user, posting=posting, occupation=occupation)
    return redirect("jobs:posting_review", pk=posting.pk)


@approved_employer_required
@require_POST
def posting_publish(request, pk: int):
    posting = _own_posting(request, pk)
    occupation_id = request.POST.get("occupation")
    occupation = get_object_or_404(Occupation, pk=occupation_id) if occupation_id else None
    try:
        portal.posting_publish(user=request.user, posting=posting, occupation=occupation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your posting is published with the skills you confirmed."))
    return redirect("jobs:posting_review", pk=posting.pk)


@approved_employer_required
def training_request_create(request, pk: int):
    posting = _own_posting(request, pk)
    skills = Skill.objects.filter(posting_links__posting=posting).order_by("preferred_label_fr")
    form = TrainingRequestForm(
        request.POST or None,
        skills=skills,
        initial={"skills": list(skills.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            portal.training_request_create(user=request.user, posting=posting, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request is sent to competence centres and advisors."))
            return redirect("jobs:dashboard")
    return render(
        request, "jobs/portal/training_request_form.html", {"form": form, "posting": posting}
    )


@approved_employer_required
def training_request_edit(request, pk: int):
    employer = portal.approved_employer_for(request.user)
    training_request = get_object_or_404(TrainingRequest, pk=pk, employer=employer)
    skills = Skill.objects.filter(
        pk__in=list(training_request.skills.values_list("pk", flat=True))
        + list(
            Skill.objects.filter(posting_links__posting=training_request.posting_id).values_list(
                "pk", flat=True
            )
        )
    ).order_by("preferred_label_fr")
    form = TrainingRequestForm(
        request.POST or None,
        skills=skills,
        initial={
            "skills": list(training_request.skills.values_list("pk", flat=True)),
            "headcount": training_request.headcount,
            "needed_by": training_request.needed_by,
            "message": training_request.message,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            portal.training_request_update(
                user=request.user, training_request=training_request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("jobs:dashboard")
    return render(
        request,
        "jobs/portal/training_request_form.html",
        {"form": form, "posting": training_request.posting, "training_request": training_request},
    )


@portal_login_required
def skill_autocomplete(request):
    """Skills whose labels contain `q` (either language), for the add-a-skill field."""
    if selectors.employer_for_user(request.user) is None:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    skills = Skill.objects.current().matching_text(query)[:15] if len(query) >= 2 else []
    return JsonResponse(
        {"results": [{"key": skill.key, "label": skill.label()} for skill in skills]}
    )
