"""`manage.py load_demo`: the documented content in one run, nothing changed by a second."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, NavigationMenu, SiteSettings
from core.page_locales import default_locale
from courses.models import OfferPage, ProviderPage, Session
from courses.services.moderation import MODERATORS_GROUP_NAME
from courses.services.providers import provider_editors_group
from demo import datafiles
from demo.accounts import DEMO_PASSWORD
from demo.loaders import postings
from jobs.models import Employer, JobPosting, PostingSkill, TrainingRequest
from jobs.services.roles import ADVISORS
from skills.models import ShortageList, ShortageListEntry

pytestmark = pytest.mark.django_db

LOADER_PARTS = ["cms", "skills", "courses", "jobs"]  # site, shortage list, cadastre, postings
GENERATED_POSTINGS = 40  # the demo's 2,000 would add a minute and test nothing more here
CONTENT = [
    Page,
    ProviderPage,
    OfferPage,
    Session,
    ShortageList,
    ShortageListEntry,
    JobPosting,
    PostingSkill,
    Employer,
    TrainingRequest,
    get_user_model(),
]


def load_demo() -> str:
    out = io.StringIO()
    with translation.override("en"):  # the shortage list's report is translated
        call_command("load_demo", force=True, stdout=out)  # the test settings have DEBUG off
    return out.getvalue()


def content_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CONTENT}


def test_load_demo_loads_the_documented_content_then_changes_nothing(monkeypatch):
    monkeypatch.setattr(postings, "DEMO_COUNT", GENERATED_POSTINGS)
    offers = sum(len(profession.offers) for profession in datafiles.professions())

    first = load_demo()
    # Reported part by part, in dependency order (the part is what precedes the colon).
    parts = [line.split(":", 1)[0] for line in first.splitlines() if line.strip()]
    assert list(dict.fromkeys(parts)) == [*LOADER_PARTS, "Demo content loaded."]

    home = HomePage.objects.get(locale=default_locale())
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    # The site's own pages exist in English too, with English text, at the French path + /en.
    site_pages = datafiles.site_pages()
    slugs = {"provider_index": "organismes", "offer_index": "formations"}
    content_slugs = ["a-propos", "methode", "donnees-et-licences", "vie-privee", "accessibilite"]
    assert [key for key in site_pages if site_pages[key].slug] == content_slugs
    for key in ("home", "provider_index", "offer_index", *content_slugs):
        slug = slugs.get(key, site_pages[key].slug)
        source = home if key == "home" else home.get_children().get(slug=slug)
        english = source.get_translation(Locale.objects.get(language_code="en")).specific
        assert english.live and english.title == site_pages[key].texts["en"].title
        assert english.intro == site_pages[key].texts["en"].intro
        with translation.override("fr-be"):
            assert english.url == "/en" + source.url
    # The footer links the content pages in each language; the settings name a contact.
    footers = {m.locale.language_code: m for m in NavigationMenu.objects.filter(slot="footer")}
    assert [item.page.slug for item in footers["en"].items.all()] == content_slugs
    assert footers["en"].items.first().page.locale.language_code == "en"
    assert footers["fr"].translation_key == footers["en"].translation_key
    assert SiteSettings.load().contact_email
    assert ShortageList.objects.get().is_demo
    assert ProviderPage.objects.count() == len(datafiles.providers())
    assert OfferPage.objects.live().filter(is_demo=True).count() == offers
    assert JobPosting.objects.filter(source__isnull=False).count() == GENERATED_POSTINGS

    # The accounts of README.md, each with its role and the documented password.
    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {
        "admin",
        "moderateur",
        "technocite",
        "employeur",
        "employeur-attente",
        "conseiller",
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["admin"].is_superuser
    assert users["moderateur"].groups.filter(name=MODERATORS_GROUP_NAME).exists()
    assert users["conseiller"].groups.filter(name=ADVISORS).exists()
    assert users["conseiller"].has_perm("cms.view_advisor_dashboards")
    assert not users["employeur"].has_perm("cms.view_advisor_dashboards")
    technocite = ProviderPage.objects.get(slug="technocite")
    assert users["technocite"].groups.filter(pk=provider_editors_group(technocite).pk).exists()
    assert Employer.objects.approved().filter(members=users["employeur"]).exists()
    pending = Employer.objects.get(members=users["employeur-attente"])
    assert pending.status == Employer.Status.PENDING
    assert TrainingRequest.objects.filter(posting__employer__members=users["employeur"]).exists()

    loaded = content_counts()
    second = load_demo()
    assert content_counts() == loaded
    assert "0 change(s)" in second
    assert f"created 0, updated 0, unchanged {offers}, error 0" in second
    board_reports = [line for line in second.splitlines() if "duplicates" in line]
    assert len(board_reports) == 2
    assert all(": 0 created, 0 updated," in line for line in board_reports), board_reports


@pytest.mark.django_db
def test_refused_outside_debug_unless_forced(settings):
    """#9 defect 7: the demo's public superuser password never lands on a production server."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()
