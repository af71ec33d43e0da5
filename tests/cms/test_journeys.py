"""The four user journeys of issue 14, end to end in Debian's chromium against a live server.

Each journey is what one kind of user does with the platform, step by step, through the pages
(the learner, the provider editor and moderator, the employer and the admin who approves them,
the advisor). Each writes a screenshot of its last step to the test artifacts folder
(`tests/browser/support.py`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from core.places import Province
from core.tabular import from_spreadsheet_cell
from courses.models import OfferPage
from courses.services.links import offer_skill_set
from courses.services.moderation import moderation_setup, moderators_group
from courses.services.providers import provider_editors_group
from jobs.models import Employer, JobPosting, TrainingRequest
from skills.models import Skill
from tests.browser.support import CHROMIUM, chromium, screenshot
from tests.cms.advisor_data import gap_world, role_users
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.courses.factories import make_offer, make_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_seed_data"),
]

ANIMATION_PRINCIPLES = "http://data.europa.eu/esco/skill/1c00bc98-2713-4c62-82c5-6d86f2e6a4cb"
ANIMATED_NARRATIVES = "http://data.europa.eu/esco/skill/1b2889c2-154d-4e5f-b7d1-bd1f07df86ab"


@pytest.fixture(autouse=True)
def database_checks_between_steps(monkeypatch):
    """The tests read the database between browser steps; Playwright's sync API runs an event
    loop in this thread, which Django takes for async code unless told otherwise."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def rebuild_search_index() -> None:
    call_command("rebuild_search_index", stdout=io.StringIO())


# --------------------------------------------------------------------------- 1. the learner


def motion_design_catalogue(provider_index):
    """Three motion-design offers: the free one in Liège is the one the learner is after."""
    today = timezone.localdate()
    liege = make_provider(name="Centre Meuse Image", province=Province.LIEGE, commune="Liège")
    namur = make_provider(name="Atelier Sambre", province=Province.NAMUR, commune="Namur")
    free = make_offer(
        liege,
        title="Motion design : animer ses visuels",
        summary="Donner vie à des illustrations avec After Effects, pour le web et la vidéo.",
        price=None,
        is_free=True,
        registration_url="https://inscriptions.example.be/motion-design",
        registration_email="accueil@meuse-image.example.be",
        sessions=[
            {
                "start_date": today + datetime.timedelta(days=21),
                "end_date": today + datetime.timedelta(days=35),
                "registration_deadline": today + datetime.timedelta(days=14),
                "seats": 12,
                "seats_left": 5,
            },
            {
                "start_date": today + datetime.timedelta(days=90),
                "end_date": today + datetime.timedelta(days=104),
                "seats": 12,
            },
        ],
    )
    for uri in (ANIMATION_PRINCIPLES, ANIMATED_NARRATIVES):
        offer_skill_set(offer=free, skill=Skill.objects.get(uri=uri))
    make_offer(liege, title="Motion design avancé", summary="Motion design pour les pros.")
    make_offer(namur, title="Motion design pour le web", summary="Animer des interfaces.")
    rebuild_search_index()
    return free


def search_narrow_and_open(page, base_url: str, *, labels: dict[str, str]) -> None:
    """The learner's steps on one language's site: type, search, tick Liège, tick free, open."""
    page.goto(f"{base_url}/formations/recherche/")
    page.fill("#search-q", "motion design")
    with page.expect_navigation():
        page.press("#search-q", "Enter")
    titles = page.locator(".hit__title").all_inner_texts()
    assert len(titles) == 3 and all("Motion design" in title for title in titles), titles

    with page.expect_navigation():
        page.check("input[name=province][value=liege]")
    assert "province=liege" in page.url
    assert sorted(page.locator(".hit__title").all_inner_texts()) == [
        "Motion design : animer ses visuels",
        "Motion design avancé",
    ]
    with page.expect_navigation():
        page.check("input[name=price][value=free]")
    assert "price=free" in page.url
    assert page.locator(".hit__title").all_inner_texts() == ["Motion design : animer ses visuels"]
    assert labels["free"] in page.locator(".hit").inner_text()

    with page.expect_navigation():
        page.click(".hit__title a")
    assert page.locator("h1").inner_text() == "Motion design : animer ses visuels"
    sessions = page.locator("#sessions")
    assert labels["sessions"] in sessions.locator("h2").inner_text()
    assert sessions.locator("tbody tr").count() == 2
    assert labels["seats_left"] in sessions.inner_text()
    skills = page.locator("#skills li").all_inner_texts()
    assert len(skills) == 2
    register = page.locator("#register")
    assert labels["register_title"] in register.locator("h2").inner_text()
    link = register.get_by_role("link", name=labels["register_button"])
    assert link.get_attribute("href") == "https://inscriptions.example.be/motion-design"
    assert "accueil@meuse-image.example.be" in register.inner_text()


def test_learner_finds_a_free_motion_design_offer_in_french_and_in_english(
    live_server, provider_index
):
    motion_design_catalogue(provider_index)
    french = {
        "free": "Gratuit",
        "sessions": "Prochaines sessions",
        "seats_left": "5 places restantes",
        "register_title": "Comment s’inscrire",
        "register_button": "S’inscrire",
    }
    english = {
        "free": "Free",
        "sessions": "Next sessions",
        "seats_left": "5 seats left",
        "register_title": "How to register",
        "register_button": "Register",
    }
    with chromium() as browser:
        page = browser.new_page()
        search_narrow_and_open(page, live_server.url, labels=french)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert "principes d’animation" in page.locator("#skills").inner_text()

        search_narrow_and_open(page, f"{live_server.url}/en", labels=english)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.url.startswith(f"{live_server.url}/en/")
        assert "principles of animation" in page.locator("#skills").inner_text().lower()
        screenshot(page, "journey-1-learner-offer-en")


def test_learner_follows_a_search_by_e_mail_from_a_page_served_from_the_cache(
    live_server, provider_index, settings
):
    """The search page is shared from the page cache (no form token on it): its alert button
    opens the alert form, whose token is this visitor's, and the alert is created."""
    from django.core import mail

    settings.WAKE_PAGE_CACHE_SECONDS = 300
    motion_design_catalogue(provider_index)
    search = f"{live_server.url}/formations/recherche/?q=motion+design&province=liege"
    with chromium() as browser:
        page = browser.new_page()
        first = page.goto(search)
        assert first.headers.get("x-cache") == "MISS"
        hit = browser.new_page()  # another visitor, same search: served from the cache
        response = hit.goto(search)
        assert response.headers.get("x-cache") == "HIT"
        assert len(hit.locator(".hit__title").all_inner_texts()) == 2

        with hit.expect_navigation():
            hit.get_by_role("button", name="Créer une alerte par e-mail").click()
        lead = hit.locator(".lead").inner_text()
        assert "« motion design »" in lead and "Liège" in lead and "2 résultats" in lead
        screenshot(hit, "journey-1-learner-alert-form")
        hit.fill("#alert-email", "lea@example.be")
        hit.select_option("#alert-frequency", "daily")
        with hit.expect_navigation():
            hit.get_by_role("button", name="Créer l’alerte").click()
        assert "Consultez votre boîte" in hit.locator("h1").inner_text()
        screenshot(hit, "journey-1-learner-alert")
    assert [message.to for message in mail.outbox] == [["lea@example.be"]]


# --------------------------------------------------------------------------- 4. the advisor

SPACES = re.compile(r"[\s\u00a0\u202f]+")


def screen_matches_download(screen: str, download: str) -> bool:
    """Whether a cell as the page shows it (formatted in the page's locale) holds the value the
    CSV holds (plain numbers, shares as fractions, text protected from spreadsheet formulas)."""
    download = from_spreadsheet_cell(download)
    screen = SPACES.sub(" ", screen).strip()
    if screen == download or (download == "" and screen in {"", "—"}):
        return True
    if ";" in download:  # a series: the page draws it as a sparkline, its text is no figure
        return True
    try:
        value = float(download)
    except ValueError:
        return False
    figure = screen.replace(" ", "").replace(",", ".").lstrip("+")
    if figure.endswith("%"):
        return abs(float(figure[:-1]) / 100 - value) <= 0.0051
    return abs(float(figure) - value) <= 0.051


def test_advisor_downloads_a_shortage_profession_table_that_matches_the_screen(
    live_server, provider_index
):
    world = gap_world(provider_index)
    advisor = role_users(world.provider)["advisor"]
    advisor.set_password("conseil-2026")
    advisor.save()
    with chromium() as browser:
        page = browser.new_context(accept_downloads=True).new_page()
        page.goto(f"{live_server.url}/conseillers/")
        assert "/admin/login/" in page.url  # the advisor area asks for a sign-in first
        page.fill("input[name=username]", "advisor")
        page.fill("input[name=password]", "conseil-2026")
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        assert page.url == f"{live_server.url}/conseillers/"

        with page.expect_navigation():
            page.get_by_role("link", name="Métiers en pénurie").first.click()
        with page.expect_navigation():
            page.locator("table[data-table] tbody th a", has_text="=motion designer").click()
        assert page.locator("h1").inner_text() == "=motion designer"

        page.select_option("select[name=province]", "liege")
        with page.expect_navigation():
            page.get_by_role("button", name="Appliquer les filtres").click()
        assert "province=liege" in page.url
        assert page.locator("select[name=province]").input_value() == "liege"

        section = page.locator("#table-essential-skills")
        page.locator("details:has(#table-essential-skills) summary").click()
        header = section.locator("thead th").all_text_contents()  # not as CSS capitalises it
        rows = [
            row.locator("th, td").all_text_contents() for row in section.locator("tbody tr").all()
        ]
        assert len(rows) == 2, rows  # the profession's two essential skills
        with page.expect_download() as download_info:
            section.locator("a[data-export=csv]").click()
        download = download_info.value
        assert "province=liege" in download.url and "table=essential-skills" in download.url
        with open(download.path(), encoding="utf-8-sig", newline="") as downloaded:
            csv_rows = list(csv.reader(downloaded))

        assert [from_spreadsheet_cell(label) for label in csv_rows[0]] == [
            h.strip() for h in header
        ]
        assert len(csv_rows[1:]) == len(rows)
        for screen_row, csv_row in zip(rows, csv_rows[1:], strict=True):
            assert len(screen_row) == len(csv_row)
            mismatches = [
                (screen, downloaded)
                for screen, downloaded in zip(screen_row, csv_row, strict=True)
                if not screen_matches_download(screen, downloaded)
            ]
            assert mismatches == [], (screen_row, csv_row)
        labels = {from_spreadsheet_cell(row[0]) for row in csv_rows[1:]}
        assert labels == {"animer en 2D", "+compositing vidéo"}
        screenshot(page, "journey-4-advisor-profession")


# --------------------------------------------------------------------------- 3. the employer

JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
NEED_TEXT = (
    "Nous cherchons un développeur web pour créer des sites internet en JavaScript, HTML et CSS. "
    "Vous déboguez le code et rédigez la documentation technique."
)


def sign_in_to_the_admin(page, base_url: str, *, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/admin/login/" not in page.url, page.url


def test_employer_registers_is_approved_posts_a_need_and_asks_for_a_training(
    live_server, provider_index
):
    namur = make_provider(name="Centre Sambre Numérique", province=Province.NAMUR, commune="Namur")
    offer = make_offer(namur, title="JavaScript pour le web", summary="Coder des pages vivantes.")
    offer_skill_set(offer=offer, skill=Skill.objects.get(uri=JAVASCRIPT))
    get_user_model().objects.create_superuser("admin", "admin@example.be", "admin-2026")
    base = live_server.url

    with chromium() as browser:
        employer = browser.new_context().new_page()
        employer.goto(f"{base}/employeurs/inscription/")
        employer.fill("input[name=name]", "Agence Sambre Digitale")
        employer.fill("input[name=enterprise_number]", "0712 345 678")
        employer.fill("input[name=sector]", "Numérique")
        employer.fill("input[name=commune]", "Namur")
        employer.select_option("select[name=province]", "namur")
        employer.fill("input[name=username]", "claire")
        employer.fill("input[name=email]", "claire@example.be")
        employer.fill("input[name=password1]", "un-mot-de-passe-solide")
        employer.fill("input[name=password2]", "un-mot-de-passe-solide")
        with employer.expect_navigation():
            employer.get_by_role("button", name="S’inscrire").click()
        # Waiting for approval, and told so: no way to post a need yet.
        assert employer.url == f"{base}/employeurs/"
        waiting = employer.get_by_role("status").filter(has_text="approbation")
        assert "en attente" in waiting.first.inner_text() or "attend" in waiting.first.inner_text()
        assert employer.get_by_role("link", name="Publier un besoin").count() == 0
        response = employer.goto(f"{base}/employeurs/offres/nouvelle/")
        assert response.status == 403
        assert "approbation" in employer.locator("main").inner_text()

        admin = browser.new_context().new_page()
        sign_in_to_the_admin(admin, base, username="admin", password="admin-2026")
        admin.goto(f"{base}/admin/employers/")
        with admin.expect_navigation():
            admin.get_by_role("link", name="Agence Sambre Digitale").first.click()
        admin.select_option("select[name=status]", "approved")
        with admin.expect_navigation():
            admin.get_by_role("button", name="Enregistrer", exact=True).click()
        assert Employer.objects.get(name="Agence Sambre Digitale").is_approved

        employer.goto(f"{base}/employeurs/")
        with employer.expect_navigation():
            employer.locator("a.button", has_text="Publier un besoin").click()
        employer.fill("input[name=title]", "Développeur web")
        employer.fill("textarea[name=text]", NEED_TEXT)
        employer.fill("input[name=commune]", "Namur")
        with employer.expect_navigation():
            employer.locator("main form button[type=submit]").last.click()
        assert re.search(r"/employeurs/offres/\d+/$", employer.url), employer.url
        posting = JobPosting.objects.get(employer__name="Agence Sambre Digitale")
        proposed = employer.locator("input[name=occupation]").count()
        assert proposed >= 1  # the platform read an occupation in the title
        publish = employer.get_by_role("button", name="Confirmer et publier")
        assert publish.is_disabled()  # publishing never picks the occupation itself

        # Another occupation than the ones proposed, found by searching.
        employer.fill("#occupation-search", "infographiste 3D")
        with employer.expect_navigation():
            employer.press("#occupation-search", "Enter")
        other = employer.locator("label", has_text="animateur 3D/animatrice 3D").first
        other.locator("input[name=occupation]").check()
        with employer.expect_navigation():
            employer.get_by_role("button", name="Confirmer ce métier").click()
        chosen = posting.occupation_links.get(rank=1)
        assert chosen.is_confirmed
        assert chosen.occupation.preferred_label_fr == "animateur 3D/animatrice 3D"

        # One proposed skill removed, JavaScript added.
        skills = employer.locator(".skill-list > li")
        before = skills.count()
        assert before >= 1
        removed = skills.first.locator("a").inner_text()
        with employer.expect_navigation():
            skills.first.get_by_role("button").click()
        assert removed not in employer.locator(".skill-list").inner_text()
        employer.fill("#skill-search", "javascript")
        with employer.expect_navigation():
            employer.press("#skill-search", "Enter")
        suggestion = employer.locator(".skill-suggestions li", has_text="JavaScript").first
        with employer.expect_navigation():
            suggestion.get_by_role("button", name="Ajouter").click()
        assert "JavaScript" in employer.locator(".skill-list").inner_text()

        with employer.expect_navigation():
            employer.get_by_role("button", name="Confirmer et publier").click()
        posting.refresh_from_db()
        assert posting.status == JobPosting.Status.PUBLISHED
        assert "JavaScript pour le web" in employer.locator(".offer-ranking").inner_text()

        with employer.expect_navigation():
            employer.get_by_role("link", name="Demander une formation ciblée").click()
        boxes = employer.locator("input[name=skills]")
        assert boxes.count() >= 2  # the posting's skills, to narrow down to what is missing
        for index in range(boxes.count()):
            boxes.nth(index).uncheck()
        employer.get_by_label("JavaScript", exact=True).check()
        employer.fill("input[name=headcount]", "4")
        needed_by = timezone.localdate() + datetime.timedelta(days=90)
        employer.fill("input[name=needed_by]", needed_by.isoformat())
        employer.fill("textarea[name=message]", "Formation courte souhaitée, en soirée.")
        with employer.expect_navigation():
            employer.get_by_role("button", name="Envoyer la demande").click()
        request = TrainingRequest.objects.get(employer__name="Agence Sambre Digitale")
        assert [skill.uri for skill in request.skills.all()] == [JAVASCRIPT]
        assert request.headcount == 4 and request.posting_id == posting.pk
        assert "JavaScript" in employer.locator("#requests-title + *").inner_text()
        screenshot(employer, "journey-3-employer-request-sent")


# --------------------------------------------------------------------------- 2. the provider

WEB_COURSE_TEXT = (
    "Apprenez à créer des sites internet en JavaScript, HTML et CSS. Vous déboguez le code et "
    "rédigez la documentation technique."
)


def test_provider_editor_creates_an_offer_a_moderator_approves_it_it_is_found(
    live_server, provider_index
):
    moderation_setup(index_page=provider_index)
    provider = make_provider(name="Centre Hainaut Web", province=Province.HAINAUT, commune="Mons")
    editor = get_user_model().objects.create_user("editrice", "e@example.be", "editer-2026")
    editor.groups.add(provider_editors_group(provider))
    moderator = get_user_model().objects.create_user("moderateur", "m@example.be", "moderer-2026")
    moderator.groups.add(moderators_group())
    base = live_server.url
    start = timezone.localdate() + datetime.timedelta(days=40)

    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        sign_in_to_the_admin(page, base, username="editrice", password="editer-2026")
        page.goto(f"{base}/admin/pages/{provider.pk}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Ajouter une sous-page").first.click()
        # An offer is the one kind of page a provider holds: straight to its form.
        assert f"/admin/pages/add/courses/offerpage/{provider.pk}/" in page.url
        page.fill("input[name=title]", "Développement web : les bases")
        page.fill("input[name=summary]", "Ses premiers sites, du HTML au JavaScript.")
        page.locator(".public-DraftEditor-content").click()
        page.keyboard.type(WEB_COURSE_TEXT)
        page.select_option("select[name=format]", "short")
        page.select_option("select[name=modality]", "on-site")
        page.check("input[name=languages][value=fr]")
        page.check("input[name=is_free]")
        page.fill("input[name=registration_url]", "https://hainaut-web.example.be/inscription")
        page.locator("#id_sessions-ADD").click()
        page.fill("input[name=sessions-0-start_date]", start.isoformat())
        page.fill("input[name=sessions-0-seats]", "14")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer le brouillon").click()
        offer = OfferPage.objects.get(title="Développement web : les bases")
        assert re.search(rf"/admin/pages/{offer.pk}/edit/$", page.url), page.url

        # The skills suggested from the description, reviewed and accepted.
        with page.expect_navigation():
            page.get_by_role("link", name="Examiner les compétences et les métiers").click()
        accept = page.locator("table[data-pending] button[value=accept_skill]")
        assert accept.count() >= 1, "the description suggested no skill"
        while accept.count():
            with page.expect_navigation():
                accept.first.click()
        confirmed = list(offer.skill_links.public().values_list("skill__uri", flat=True))
        assert JAVASCRIPT in confirmed

        page.goto(f"{base}/admin/pages/{offer.pk}/edit/")
        page.get_by_role("button", name="Plus d'actions").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Soumettre à Offer moderation").click()
        offer.refresh_from_db()
        assert offer.workflow_in_progress and not offer.live

        moderation = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        sign_in_to_the_admin(moderation, base, username="moderateur", password="moderer-2026")
        moderation.goto(f"{base}/admin/pages/{offer.pk}/edit/")
        moderation.get_by_role("button", name="Plus d'actions").click()
        moderation.get_by_role("button", name="Approuver et Publier", exact=True).click()
        # The task's modal shows the pre-checks' findings, then confirms the decision.
        dialog = moderation.get_by_role("dialog")
        dialog.locator("form button[type=submit]").wait_for()
        assert "rien à signaler" in dialog.inner_text()
        with moderation.expect_navigation():
            dialog.locator("form button[type=submit]").click()
        offer.refresh_from_db()
        assert offer.live, "the moderator's approval publishes the offer"

        page.goto(f"{base}/formations/recherche/")
        page.fill("#search-q", "développement web")
        with page.expect_navigation():
            page.press("#search-q", "Enter")
        assert "Développement web : les bases" in page.locator(".hit__title").all_inner_texts()
        with page.expect_navigation():
            page.get_by_role("link", name="Développement web : les bases").click()
        assert "JavaScript" in page.locator("#skills").inner_text()
        screenshot(page, "journey-2-provider-offer-published")
