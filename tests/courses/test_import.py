"""Bulk import: CSV template and LHEO-style XML, dry run, idempotence, bad files and rows."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from courses.importing import ImportFileError, read_offer_file
from courses.models import OfferPage, OfferSkill
from courses.services.importing import offer_import
from skills.links import LinkMethod
from tests.courses.factories import make_provider

pytestmark = pytest.mark.django_db

TEMPLATE = Path(settings.BASE_DIR) / "courses" / "data" / "offer_import_template.csv"
UI_DESIGN = "http://data.europa.eu/esco/skill/fd33c66c-70c4-40e6-b87c-5495bd3bf26e"
HEADER = (
    "external_id;title;summary;format;modality;price;is_free;skills;"
    "session_start;session_registration_deadline\n"
)

LHEO = """<?xml version="1.0" encoding="UTF-8"?>
<lheo xmlns="http://lheo.gouv.fr/2.3">
  <offres>
    <formation numero="SON-1">
      <intitule-formation>Sound design pour le jeu vidéo</intitule-formation>
      <objectif-formation>Créer l’univers sonore d’un jeu.</objectif-formation>
      <contenu-formation>Prise de son, montage, intégration.</contenu-formation>
      <resultats-attendus>Certificat</resultats-attendus>
      <certifiante>1</certifiante>
      <action numero="A">
        <modalites-enseignement>0</modalites-enseignement>
        <nombre-heures-total>80</nombre-heures-total>
        <prix-total-TTC>950</prix-total-TTC>
        <session numero="S1">
          <periode><debut>20990110</debut><fin>20990220</fin></periode>
          <adresse-inscription><adresse><ville>Liège</ville></adresse></adresse-inscription>
          <etat-recrutement>1</etat-recrutement>
          <extras><extra info="date-limite-inscription">20981220</extra>
                  <extra info="places">10</extra></extras>
        </session>
      </action>
      <extras>
        <extra info="eqf_level">5</extra>
        <extra info="esco-skill">http://data.europa.eu/esco/skill/c2218533-3e2a-4f50-b4fd-afde71dcf442</extra>
        <extra info="esco-occupation">http://data.europa.eu/esco/occupation/790c8dca-f624-4bdc-ac16-27bc13ead188</extra>
        <extra info="funding">cheques-formation</extra>
      </extras>
    </formation>
    <formation numero="SON-2">
      <intitule-formation>Atelier mixage</intitule-formation>
      <objectif-formation>Mixer en direct.</objectif-formation>
      <action numero="A"><modalites-enseignement>9</modalites-enseignement></action>
    </formation>
  </offres>
</lheo>
"""


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; French has its own test below."""
    with translation.override("en"):
        yield


@pytest.fixture
def provider(provider_index):
    return make_provider(name="Technifutur")


def test_errors_are_reported_in_french_by_default():
    with translation.override("fr"), pytest.raises(ImportFileError, match="colonne"):
        read_offer_file(content=b"title;summary\nA;B\n", filename="offers.csv")


def run(provider, content: bytes, filename="offers.csv", **kwargs):
    return offer_import(
        provider=provider, records=read_offer_file(content=content, filename=filename), **kwargs
    )


def test_template_dry_run_writes_nothing_then_import_creates_the_offer(provider):
    content = TEMPLATE.read_bytes()
    report = run(provider, content, dry_run=True)
    assert [(o.key, o.outcome, o.rows) for o in report.outcomes] == [("UX-2026", "created", [2, 3])]
    assert not OfferPage.objects.filter(provider=provider).exists()

    report = run(provider, content, dry_run=False)
    assert report.counts["created"] == 1, report.as_text()
    offer = OfferPage.objects.get(provider=provider, external_id="UX-2026")
    latest = offer.get_latest_revision_as_object()
    assert not offer.live  # a draft: imports go through moderation unless published
    assert [s.commune for s in latest.sessions.all()] == ["Mons", "Charleroi"]
    assert latest.is_free and latest.price is None
    assert {f.slug for f in latest.funding_schemes.all()} == {"forem-gratuit"}
    assert latest.description.startswith("<p>Recherche utilisateur")
    link = offer.skill_links.get(skill__uri=UI_DESIGN)
    assert link.is_confirmed and link.method == LinkMethod.IMPORTED


def test_import_queues_suggestions_for_every_offer_it_writes(
    provider, django_capture_on_commit_callbacks
):
    """Once the import is committed, the extractor reads every offer written (in the
    background, never during the import); the imported links stay as the file declared them."""
    photoshop = "Retouche d’images avec Adobe Photoshop et Adobe Illustrator"
    content = (
        HEADER
        + f"WEB-1;Graphiste web;{photoshop};short;on-site;300;no;{UI_DESIGN};2099-01-10;\n"
        + f"IMG-1;Retouche photo;{photoshop};short;on-site;200;no;;2099-02-10;\n"
    ).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        run(provider, content, dry_run=True)
    assert callbacks == []  # a dry run writes nothing, so reads nothing
    with django_capture_on_commit_callbacks() as callbacks:
        report = run(provider, content, dry_run=False)
    assert report.counts["created"] == 2
    offers = OfferPage.objects.filter(provider=provider)
    assert not OfferSkill.objects.pending().filter(offer__in=offers).exists()
    assert callbacks  # the suggestions (and the search index refresh) run after commit
    for callback in callbacks:
        callback()
    for offer in offers:
        assert offer.skill_links.pending().exists(), offer.title
    imported = offers.get(external_id="WEB-1").skill_links.get(skill__uri=UI_DESIGN)
    assert imported.is_confirmed and imported.method == LinkMethod.IMPORTED


def test_second_run_of_the_same_file_changes_nothing(provider):
    content = TEMPLATE.read_bytes()
    run(provider, content, dry_run=False, publish=True)
    offer = OfferPage.objects.get(provider=provider)
    revisions = offer.revisions.count()
    report = run(provider, content, dry_run=False, publish=True)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 1, "error": 0}
    assert report.changes == 0
    assert offer.revisions.count() == revisions


def test_changed_row_updates_the_offer(provider):
    run(provider, TEMPLATE.read_bytes(), dry_run=False, publish=True)
    changed = TEMPLATE.read_bytes().replace(b"2027-02-15", b"2027-03-01")
    assert run(provider, changed, dry_run=True).outcomes[0].outcome == "updated"
    run(provider, changed, dry_run=False, publish=True)
    offer = OfferPage.objects.get(provider=provider)
    assert sorted(str(s.start_date) for s in offer.sessions.all())[-1] == "2027-03-01"
    assert OfferPage.objects.filter(provider=provider).count() == 1


def test_wrong_encoding_is_refused_with_a_clear_error(provider):
    latin1 = (HEADER + "X1;Montage vidéo;Résumé;short;on-site;100;no;;;\n").encode("cp1252")
    with pytest.raises(ImportFileError, match="UTF-8"):
        read_offer_file(content=latin1, filename="offers.csv")
    assert not OfferPage.objects.filter(provider=provider).exists()


def test_lheo_offers_of_another_organisation_are_refused(provider):
    """A catalogue whose <organisme> is someone else never lands in this provider's subtree."""
    content = LHEO.replace(
        '<extras>\n        <extra info="eqf_level">',
        "<organisme-formation-responsable><raison-sociale>Technocité</raison-sociale>"
        '</organisme-formation-responsable>\n      <extras>\n        <extra info="eqf_level">',
    ).encode()
    report = run(provider, content, filename="catalogue.xml", dry_run=False, publish=True)
    outcome = {o.key: o for o in report.outcomes}["SON-1"]
    assert outcome.outcome == "error"
    assert "Technocité" in outcome.reasons[0]
    assert not OfferPage.objects.filter(provider=provider, external_id="SON-1").exists()
    # The provider's own name (any case or accents) is accepted.
    own = content.replace("Technocité".encode(), b"TECHNIFUTUR")
    report = run(provider, own, filename="catalogue.xml", dry_run=False, publish=True)
    assert {o.key: o.outcome for o in report.outcomes}["SON-1"] == "created"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"title;summary\nA;B\n", "missing column"),
        (HEADER.encode() + b'X1;"Titre"oops;R;short;on-site;1;no;;;\n', "malformed"),
        (HEADER.encode() + b"X1;T;R;short;on-site;1;no;;;;extra;values\n", "found 12"),
        (HEADER.replace("price", "prix").encode(), "Unknown column"),
    ],
)
def test_malformed_csv_files_are_refused(content, message):
    with pytest.raises(ImportFileError, match=message):
        read_offer_file(content=content, filename="offers.csv")


def test_invalid_rows_are_reported_and_never_half_written(provider):
    content = (
        HEADER
        + "OK-1;Data science;Analyser des données;short;on-site;300;no;;2099-01-10;2098-12-20\n"
        + "BAD-FORMAT;Python;Programmer;weekly;on-site;300;no;;2099-01-10;\n"
        + "BAD-DATE;Python;Programmer;short;on-site;300;no;;10 janvier;\n"
        + "BAD-SKILL;Python;Programmer;short;on-site;300;no;http://data.europa.eu/esco/skill/nope;;\n"
        + "BAD-PRICE;Python;Programmer;short;on-site;trois cents;yes;;;\n"
        + "OK-1;Data science;Autre résumé;short;on-site;300;no;;2099-02-10;\n"
    ).encode()
    report = run(provider, content, dry_run=False)
    outcomes = {o.key: o for o in report.outcomes}
    assert outcomes["OK-1"].outcome == "error"  # its two rows disagree on the summary
    assert "summary" in outcomes["OK-1"].reasons[0]
    assert (
        outcomes["BAD-FORMAT"].outcome == "error" and "weekly" in outcomes["BAD-FORMAT"].reasons[0]
    )
    assert "date" in outcomes["BAD-DATE"].reasons[0]
    assert "nope" in outcomes["BAD-SKILL"].reasons[0]
    assert "amount" in outcomes["BAD-PRICE"].reasons[0]
    assert not OfferPage.objects.filter(provider=provider).exists()


def test_valid_rows_are_imported_beside_invalid_ones(provider):
    content = (
        HEADER
        + "OK-1;Data science;Analyser des données;short;on-site;300;no;;2099-01-10;\n"
        + "KO-1;;Sans titre;short;on-site;300;no;;;\n"
    ).encode()
    report = run(provider, content, dry_run=False)
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "error": 1}
    assert list(
        OfferPage.objects.filter(provider=provider).values_list("external_id", flat=True)
    ) == ["OK-1"]


def test_lheo_xml_import_and_reimport(provider):
    content = LHEO.encode()
    report = run(provider, content, filename="catalogue.xml", dry_run=False, publish=True)
    outcomes = {o.key: o for o in report.outcomes}
    assert outcomes["SON-1"].outcome == "created", report.as_text()
    assert outcomes["SON-2"].outcome == "error"  # modality code 9 is not LHEO's
    offer = OfferPage.objects.get(provider=provider, external_id="SON-1")
    assert offer.live and offer.format == "certifying" and offer.eqf_level == 5
    session = offer.sessions.get()
    assert (str(session.start_date), session.commune, session.seats) == ("2099-01-10", "Liège", 10)
    assert str(session.registration_deadline) == "2098-12-20"
    assert offer.occupation_links.public().count() == 1
    again = run(provider, content, filename="catalogue.xml", dry_run=False, publish=True)
    assert {o.key: o.outcome for o in again.outcomes}["SON-1"] == "unchanged"


@pytest.mark.parametrize(
    "content",
    [
        b"<lheo><offres><formation>",
        b"<catalogue/>",
        b'<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        b"<lheo><offres><formation numero='1'><intitule-formation>&b;</intitule-formation>"
        b"</formation></offres></lheo>",
    ],
)
def test_malformed_or_dangerous_xml_is_refused(content):
    with pytest.raises(ImportFileError):
        read_offer_file(content=content, filename="catalogue.xml")


def test_command_dry_run_and_errors(provider, tmp_path):
    path = tmp_path / "offers.csv"
    path.write_bytes(TEMPLATE.read_bytes())
    out = io.StringIO()
    call_command("import_offers", str(path), provider=provider.slug, dry_run=True, stdout=out)
    assert "[created] UX-2026" in out.getvalue() and "dry run" in out.getvalue()
    assert not OfferPage.objects.filter(provider=provider).exists()
    call_command("import_offers", str(path), provider=provider.slug, stdout=io.StringIO())
    assert OfferPage.objects.filter(provider=provider).count() == 1
    with pytest.raises(CommandError, match="No provider"):
        call_command("import_offers", str(path), provider="nope")
    path.write_bytes("external_id;title\né".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_offers", str(path), provider=provider.slug)


def test_admin_upload_dry_run_then_confirm(client, provider):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from courses.services.providers import provider_editors_group

    other = make_provider(name="Autre centre")
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    url = reverse("courses_admin:offer_import")
    assert client.get(url).status_code == 200

    def upload(target):
        file = SimpleUploadedFile("offers.csv", TEMPLATE.read_bytes(), "text/csv")
        return client.post(url, {"provider": target.pk, "file": file})

    refused = upload(other)  # not this editor's provider
    assert refused.context["report"] is None and refused.context["form"].errors
    response = upload(provider)
    assert response.context["report"].dry_run
    assert 'data-outcome="created"' in response.content.decode()
    assert not OfferPage.objects.exists()
    token = response.context["token"]
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.context["report"].counts["created"] == 1
    offer = OfferPage.objects.get(provider=provider)
    assert not offer.live  # editors cannot publish: the offer awaits moderation
    replay = client.post(url, {"confirm": "1", "token": token})
    assert replay.status_code == 302  # a token is used once
    assert OfferPage.objects.count() == 1

    outsider = get_user_model().objects.create_user("out", "out@example.invalid", "pw")
    client.force_login(outsider)
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("encoding", ["x-no-such-encoding", "utf-16"])
def test_xml_declaring_an_encoding_it_cannot_be_read_in_is_refused_clearly(encoding):
    """#9 defect 10: an unknown encoding gave a LookupError traceback."""
    content = f'<?xml version="1.0" encoding="{encoding}"?><lheo><offres/></lheo>'.encode()
    with pytest.raises(ImportFileError, match=r"encoding|malformed"):
        read_offer_file(content=content, filename="catalogue.xml")
