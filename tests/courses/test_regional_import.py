"""The Walloon training-offer export: providers by BCE number, offers by codeexterne, places per
locality, idempotent re-imports, monthly updates with archiving, conflicts, atomic errors."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from courses.importing import ImportFileError
from courses.importing.regional_reader import read_regional_catalogue
from courses.models import OfferPage, OfferSkill, ProviderKind, ProviderPage
from courses.selectors import offers_for_skill
from courses.services.links import IMPORTED_TITLE_METHOD
from courses.services.regional import (
    clean_title,
    normalise_enterprise_number,
    parse_audiences,
    parse_duration,
    provider_kind_for,
    regional_catalogue_import,
)
from skills.links import LinkStatus
from skills.models import Skill
from tests.courses.factories import make_provider


@pytest.fixture(autouse=True)
def english():
    """Reports are matched in English here; the platform speaks French by default."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "courses" / "data"
SAMPLE = DATA / "regional_catalogue_sample.csv"
NEXT_MONTH = DATA / "regional_catalogue_sample_next.csv"
HEADER = (
    "codeexterne;type_organisme;abreviation;denomination_sociale;denomination_commerciale;"
    "numeroidentification;localisation_potentielle;intitule;duree;Courte;moyenne;longue;"
    "qualifiante;certifiante;public;condition_specifique\n"
)
PHOTOSHOP = "http://data.europa.eu/esco/skill/14ced458-5f4b-495f-bd3d-9c240614bda0"


def load(path_or_text, *, dry_run=False):
    content = (
        path_or_text.read_bytes()
        if isinstance(path_or_text, Path)
        else ("\ufeff" + HEADER + path_or_text).encode()
    )
    return regional_catalogue_import(records=read_regional_catalogue(content), dry_run=dry_run)


def offer(code):
    return OfferPage.objects.get(external_id=code)


class TestCleaningRules:
    def test_enterprise_numbers_are_normalised_to_ten_digits(self):
        for written in ("0123.456.789", "123456789", "BE 0123 456 789", "0123456789"):
            assert normalise_enterprise_number(written) == "0123456789"
        assert normalise_enterprise_number("12345") == ""

    def test_durations_in_every_unit(self):
        assert parse_duration("14 Heures") == (Decimal("14"), "hours", 14)
        assert parse_duration("3 Jours") == (Decimal("3"), "days", 23)  # 3 x 7.6 h
        assert parse_duration("6 Semaines") == (Decimal("6"), "weeks", 228)
        assert parse_duration("2 Mois") == (Decimal("2"), "months", 329)
        assert parse_duration("1 Années") == (Decimal("1"), "years", 1368)
        assert parse_duration("1 Jour") == (Decimal("1"), "days", 8)
        assert parse_duration("beaucoup") is None

    def test_titles_in_capitals_keep_their_acronyms_and_fad_means_distance(self):
        assert clean_title("AUTOCAD 2D - NIVEAU 1") == ("AUTOCAD 2D - niveau 1", False)
        assert clean_title("ADOBE PHOTOSHOP POUR LE WEB") == ("Adobe Photoshop pour le web", False)
        assert clean_title("HTML ET CSS : LES BASES - FAD") == ("HTML et CSS : les bases", True)
        assert clean_title("Développeur web PHP et SQL") == ("Développeur web PHP et SQL", False)

    def test_kinds_and_audiences(self):
        assert provider_kind_for("CISP DéFI (Démarche)") == ProviderKind.CISP
        assert provider_kind_for("Organisme privé de formation (associatif)") == (
            ProviderKind.PRIVATE_CENTRE
        )
        assert provider_kind_for("Opérateur inconnu") is None
        assert parse_audiences("Chercheur d'emploi, Travailleur") == ["jobseekers", "workers"]
        assert parse_audiences("Retraité") is None


def test_reader_groups_rows_of_one_code_with_their_localities():
    records = read_regional_catalogue(SAMPLE.read_bytes())
    bachelor = next(r for r in records if r.code == "0423456789-201")
    assert bachelor.rows == [4, 5, 6]
    assert [locality for _row, locality in bachelor.localities] == ["Liège", "Verviers", "Huy"]


def test_reader_refuses_a_file_without_the_export_columns():
    with pytest.raises(ImportFileError):
        read_regional_catalogue(b"external_id;title\nA;B\n")


def test_dry_run_reports_everything_and_writes_nothing(provider_index):
    report = load(SAMPLE, dry_run=True)
    assert report.counts["created"] == 11
    assert len(report.providers_created) == 10
    assert not report.errors and not report.warnings
    assert not OfferPage.objects.exists()
    assert ProviderPage.objects.count() == 0


def test_sample_import_builds_providers_offers_places_and_facets(provider_index):
    report = load(SAMPLE)
    assert report.counts["created"] == 11 and not report.errors
    pixelis = ProviderPage.objects.get(enterprise_number="0412345678")  # written without its 0
    assert pixelis.title == "Pixelis" and pixelis.kind == ProviderKind.PRIVATE_CENTRE
    valmont = ProviderPage.objects.get(enterprise_number="0423456789")
    assert valmont.title.startswith("Institut d'enseignement")  # no commercial name: legal name
    assert valmont.kind == ProviderKind.SOCIAL_PROMOTION
    assert ProviderPage.objects.get(enterprise_number="0490123456").kind == (
        ProviderKind.PUBLIC_ADMINISTRATION
    )

    bachelor = offer("0423456789-201")
    assert bachelor.live and bachelor.import_source == "regional"
    assert [(p.commune, p.province) for p in bachelor.places.all()] == [
        ("Liège", "liege"),
        ("Verviers", "liege"),
        ("Huy", "liege"),
    ]
    assert bachelor.format == "certifying" and bachelor.certification
    assert (bachelor.duration_value, bachelor.duration_unit) == (Decimal("3"), "years")
    assert bachelor.audiences == ["jobseekers"]
    assert bachelor.prerequisites == "CESS ou épreuve d'admission"

    html = offer("0412345678-102")
    assert (html.title, html.modality) == ("HTML et CSS : les bases", "distance")
    assert offer("0412345678-101").title == "Adobe Photoshop pour le web"
    assert offer("0445678901-401").format == "qualifying"
    assert offer("0434567890-301").format == "long"  # "moyenne": filed with the long ones
    assert offer("0456789012-501").format == "short"
    assert offer("0478901234-701").audiences == ["jobseekers", "workers"]


def test_second_run_of_the_same_file_changes_nothing(provider_index):
    load(SAMPLE)
    revisions = {o.pk: o.latest_revision_id for o in OfferPage.objects.all()}
    report = load(SAMPLE)
    assert report.changes == 0
    assert report.counts["unchanged"] == 11
    assert {o.pk: o.latest_revision_id for o in OfferPage.objects.all()} == revisions
    assert ProviderPage.objects.count() == 10


def test_next_month_updates_adds_archives_and_a_later_export_restores(provider_index):
    load(SAMPLE)
    report = load(NEXT_MONTH)
    assert report.counts == {
        "created": 1,
        "updated": 2,
        "unchanged": 8,
        "restored": 0,
        "conflict": 0,
        "archived": 1,
        "errors": 0,
    }
    photoshop = offer("0412345678-101")
    assert photoshop.title == "Adobe Photoshop pour le web et les réseaux sociaux"
    assert photoshop.duration_hours == 21
    assert [p.commune for p in offer("0434567890-301").places.all()] == ["Namur", "Dinant"]
    gone = offer("0401234567-951")
    assert not gone.live and gone.archived_reason  # archived, not deleted
    assert offer("0478901234-702").live

    report = load(SAMPLE)
    assert report.counts["restored"] == 1 and report.counts["archived"] == 1
    gone.refresh_from_db()
    assert gone.live and not gone.archived_reason
    assert not offer("0478901234-702").live


def test_offer_edited_in_the_platform_is_reported_not_overwritten(provider_index):
    load(SAMPLE)
    editor = get_user_model().objects.create_user("editor", "e@example.invalid", "pw")
    page = offer("0412345678-101").get_latest_revision_as_object()
    page.title = "Photoshop : notre version"
    page.save_revision(user=editor)

    report = load(NEXT_MONTH)
    conflict = next(o for o in report.outcomes if o.code == "0412345678-101")
    assert conflict.outcome == "conflict"
    assert "title" in conflict.details[0] and "duration_hours" in conflict.details[0]
    latest = offer("0412345678-101").get_latest_revision_as_object()
    assert latest.title == "Photoshop : notre version"


def test_existing_provider_is_matched_by_its_enterprise_number(provider_index):
    existing = make_provider(name="Pixelis (déjà là)", enterprise_number="0412345678")
    load(SAMPLE)
    assert ProviderPage.objects.filter(enterprise_number="0412345678").get() == existing
    assert OfferPage.objects.filter(provider=existing).count() == 2
    existing.refresh_from_db()
    assert existing.title == "Pixelis (déjà là)"  # the platform owns the provider page


def test_a_bad_row_means_nothing_is_imported_and_errors_name_rows(provider_index):
    rows = (
        "1-1;Cheque-formation;;Alpha SRL;;0111111111;Mons;Excel;7 Heures;OUI;NON;NON;NON;NON;"
        "Travailleur;\n"
        "2-1;Cheque-formation;;Beta SRL;;42;Mons;Word;beaucoup;OUI;NON;NON;NON;PEUT-ETRE;"
        "Retraité;\n"
    )
    report = load(rows)
    assert not OfferPage.objects.exists() and not ProviderPage.objects.exists()
    assert all(error.startswith("Row 3:") for error in report.errors)
    assert len(report.errors) == 4  # BCE, duree, certifiante, public
    assert "nothing written" in report.as_text()


def test_unknown_kind_and_place_are_warnings_and_the_offer_is_imported(provider_index):
    rows = (
        "0222222222-1;Opérateur mystère;;Gamma ASBL;;0222222222;Trifouillis;Excel;7 Heures;"
        "OUI;NON;NON;NON;NON;Travailleur;\n"
        "0222222222-1;Opérateur mystère;;Gamma ASBL;;0222222222;Mons;Excel;7 Heures;"
        "OUI;NON;NON;NON;NON;Travailleur;\n"
    )
    report = load(rows)
    assert len(report.warnings) == 2
    assert report.warnings[0].startswith("Row 2:")
    provider = ProviderPage.objects.get(enterprise_number="0222222222")
    assert provider.kind == ProviderKind.OTHER and provider.province == "hainaut"
    assert [(p.commune, p.province) for p in offer("0222222222-1").places.all()] == [
        ("Trifouillis", ""),
        ("Mons", "hainaut"),
    ]


def test_rows_of_one_code_that_disagree_are_an_error(provider_index):
    rows = (
        "0333333333-1;Autre;;Delta;;0333333333;Mons;Excel;7 Heures;OUI;NON;NON;NON;NON;"
        "Travailleur;\n"
        "0333333333-1;Autre;;Delta;;0333333333;Namur;Word;7 Heures;OUI;NON;NON;NON;NON;"
        "Travailleur;\n"
    )
    report = load(rows)
    assert report.errors and "intitule" in report.errors[0]
    assert not OfferPage.objects.exists()


def test_title_skills_are_suggested_and_high_scores_count_publicly(
    provider_index, django_capture_on_commit_callbacks
):
    """A skill only an imported offer teaches is found by a learner once the import's
    background reading has run: strong matches from the title are confirmed at once."""
    with django_capture_on_commit_callbacks(execute=True):
        load(SAMPLE)
    photoshop = Skill.objects.get(uri=PHOTOSHOP)
    link = OfferSkill.objects.get(offer=offer("0412345678-101"), skill=photoshop)
    assert (link.status, link.method) == (LinkStatus.CONFIRMED, IMPORTED_TITLE_METHOD)
    assert offer("0412345678-101") in list(offers_for_skill(skill=photoshop))
    # Weaker suggestions wait for the provider, as for any offer.
    assert not OfferSkill.objects.filter(method=IMPORTED_TITLE_METHOD, score__lt=0.9).exists()


def test_a_rejected_title_skill_is_not_confirmed_again(
    provider_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load(SAMPLE)
    link = OfferSkill.objects.get(offer=offer("0412345678-101"), skill__uri=PHOTOSHOP)
    link.status = LinkStatus.REJECTED
    link.save()
    with django_capture_on_commit_callbacks(execute=True):
        load(NEXT_MONTH)  # the title changed: the offer is read again
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED


def test_command_dry_run_prints_the_report_and_refuses_bad_files(provider_index, tmp_path):
    out = io.StringIO()
    call_command("import_regional_catalogue", str(SAMPLE), "--dry-run", stdout=out)
    assert "created: 11" in out.getvalue() and "dry run" in out.getvalue()
    assert not OfferPage.objects.exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"nothing;here\n1;2\n")
    with pytest.raises(CommandError):
        call_command("import_regional_catalogue", str(bad), stdout=io.StringIO())


def test_imported_pages_form_a_sound_tree_each_live_at_its_import_revision(client, provider_index):
    """The import writes pages in bulk: the tree, revisions, history and URLs must still be what
    Wagtail leaves when pages are added and published one by one."""
    from wagtail.models import Page, PageLogEntry

    load(SAMPLE)
    load(NEXT_MONTH)  # creates, updates and archives on top of the first import
    assert [problems for problems in Page.find_problems() if problems] == []
    for provider in ProviderPage.objects.all():
        assert provider.numchild == provider.get_children().count()
        assert provider.live and provider.live_revision_id == provider.latest_revision_id
    for page in OfferPage.objects.filter(live=True):
        assert page.latest_revision_id == page.live_revision_id == page.import_revision_id
        assert page.provider_id == page.get_parent().pk
        assert PageLogEntry.objects.filter(
            page=page, action="wagtail.publish", revision_id=page.import_revision_id
        ).exists()
        assert client.get(page.url).status_code == 200
    updated = offer("0412345678-101")
    assert updated.revisions.count() == 2
    assert updated.live_revision.as_object().title == updated.title
    gone = offer("0401234567-951")
    assert client.get(gone.get_url()).status_code == 404


def test_a_value_beyond_what_the_cadastre_stores_is_a_row_error(provider_index):
    rows = (
        "0444444444-1;Autre;;Epsilon;;0444444444;Mons;Excel;123456789 Heures;OUI;NON;NON;"
        "NON;NON;Travailleur;\n"
    )
    report = load(rows)
    assert report.errors and report.errors[0].startswith("Row 2: duration")
    assert not OfferPage.objects.exists() and not ProviderPage.objects.exists()


def test_a_new_provider_whose_slug_is_taken_gets_a_numbered_one(provider_index):
    make_provider(name="Homonyme", slug="pixelis-0412345678")
    report = load(SAMPLE)
    assert not report.errors
    pixelis = ProviderPage.objects.get(enterprise_number="0412345678")
    assert pixelis.slug == "pixelis-0412345678-2"
