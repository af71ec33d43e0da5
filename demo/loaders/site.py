"""The site tree and the superuser: a home page served as the default site, and `admin`; then
the content pages (about, method…) and the English translation of the site's own pages."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, NavigationItem, NavigationMenu, SiteSettings, StandardPage
from cms.services.page_translations import page_translation_ensure
from core.page_locales import default_locale
from courses.models import OfferIndexPage, ProviderIndexPage
from demo import datafiles
from demo.accounts import demo_account

SITE_NAME = "wake! for skills"


@transaction.atomic
def ensure_site() -> HomePage:
    """One HomePage under Wagtail's root, served as the default site."""
    home = HomePage.objects.filter(locale=default_locale()).first()
    if home is None:
        root = Page.get_first_root_node()
        text = datafiles.site_pages()["home"].texts["fr"]
        home = HomePage(title=text.title, slug="accueil", intro=text.intro)
        root.add_child(instance=home)
        home.save_revision().publish()
        # Wagtail's install creates a welcome page; the site now points at our home page.
        Page.objects.filter(depth=2).exclude(id=home.id).filter(content_type__model="page").delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=SITE_NAME,
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = SITE_NAME
        site.save()
    return home


def load(*, stdout) -> HomePage:
    """The site tree and the `admin` superuser; returns the home page the other loaders fill."""
    home = ensure_site()
    demo_account(
        username="admin",
        email="admin@example.invalid",
        first_name="Admin",
        last_name="Démo",
        is_staff=True,
        is_superuser=True,
    )
    stdout.write("cms: site tree and demo admin account ready")
    return home


def _ensure_content_pages(home: HomePage) -> list[StandardPage]:
    """The French content pages of `demo/data/site_pages.toml`, found by slug under `home`."""
    pages = []
    for entry in datafiles.site_pages().values():
        if not entry.slug:
            continue  # the home and index pages, made elsewhere
        page = StandardPage.objects.child_of(home).filter(slug=entry.slug).first()
        if page is None:
            text = entry.texts["fr"]
            page = StandardPage(title=text.title, slug=entry.slug, intro=text.intro, body=text.body)
            home.add_child(instance=page)
            page.save_revision().publish()
        pages.append(page)
    return pages


def load_translations(*, home: HomePage, stdout) -> None:
    """The content pages, then the English tree: the home page, the two index pages and the
    content pages, each with its English text (parents first: a translation hangs under its
    parent's translation). Pages already translated are left as editors made them."""
    data = datafiles.site_pages()
    content_pages = _ensure_content_pages(home)
    pages = [(home, data["home"])]
    pages += [(page, data["provider_index"]) for page in ProviderIndexPage.objects.child_of(home)]
    pages += [(page, data["offer_index"]) for page in OfferIndexPage.objects.child_of(home)]
    pages += [(page, data[page.slug]) for page in content_pages]
    translated = {}
    for page, entry in pages:
        text = entry.texts["en"]
        fields = {"title": text.title, "draft_title": text.title, "intro": text.intro}
        if text.body:
            fields["body"] = text.body
        translated[page.pk] = page_translation_ensure(page=page, language_code="en", fields=fields)
    _ensure_footer_menus(
        {"fr": content_pages, "en": [translated[page.pk] for page in content_pages]}
    )
    _ensure_site_settings()
    stdout.write(f"cms: {len(content_pages)} content pages, {len(pages)} pages in English")


def _ensure_footer_menus(pages_by_language: dict[str, list[Page]]) -> None:
    """A footer menu per language linking the content pages (left alone once it exists)."""
    source = None
    for language_code, pages in pages_by_language.items():
        locale = Locale.objects.get(language_code=language_code)
        menu = NavigationMenu.objects.filter(slot=NavigationMenu.Slot.FOOTER, locale=locale).first()
        if menu is None:
            menu = NavigationMenu(slot=NavigationMenu.Slot.FOOTER, locale=locale)
            if source is not None:
                menu.translation_key = source.translation_key
            menu.items = [NavigationItem(label=page.title, page=page) for page in pages]
            menu.save()
        source = source or menu


def _ensure_site_settings() -> None:
    settings = SiteSettings.load()
    if not settings.publisher_name:
        settings.publisher_name = "wake! for skills"
        settings.contact_email = "contact@example.invalid"
        settings.save()
