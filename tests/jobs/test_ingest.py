import json

import pytest
from django.core.management import call_command

from jobs.ingestion.formats import read_bytes
from jobs.models import IngestRun, JobPosting, PostingOccupation, PostingSkill
from jobs.services import posting_ingest
from skills.links import LinkStatus
from skills.models import Skill

DESCRIPTION = (
    "<p>Notre agence liégeoise recherche un développeur web pour créer des sites et des "
    "applications web. Vous utilisez JavaScript, HTML et CSS, vous concevez des bases de "
    "données et vous testez votre code.</p><ul><li>Développer des interfaces</li>"
    "<li>Assurer la maintenance</li></ul>"
)
# Literal labels of the fixture slice, for tests that need several skills found.
RICHER = (
    "<p>Vous maîtrisez CSS, Adobe Illustrator et la retouche d’images avec Adobe Photoshop.</p>"
)


def feed(count=6, **overrides):
    rows = []
    for n in range(count):
        row = {
            "id": f"F-{n}",
            "title": f"Développeur web {n}",
            "description": DESCRIPTION.replace("liégeoise", f"liégeoise n°{n} ({'x' * n})"),
            "city": "Liège",
            "contract_type": "CDI",
            "date_posted": "2026-01-1" + str(n % 10),
        }
        row.update(overrides)
        rows.append(row)
    return rows


def jsonl(rows) -> bytes:
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()


def state():
    """What a run leaves behind, independent of primary keys."""
    return sorted(
        (
            p.external_id,
            p.title,
            p.content_hash,
            p.duplicate_of.external_id if p.duplicate_of else None,
            tuple(sorted(p.skill_links.values_list("skill__uri", flat=True))),
        )
        for p in JobPosting.objects.select_related("duplicate_of")
    )


@pytest.mark.django_db
class TestIngest:
    def test_same_file_twice_changes_nothing(self, source):
        payload = jsonl(feed())
        first = posting_ingest(records=read_bytes(payload, "jsonl"), source=source)
        assert (first.created, first.updated, first.unchanged, first.rejected) == (6, 0, 0, 0)
        before = state()
        second = posting_ingest(records=read_bytes(payload, "jsonl"), source=source)
        assert (second.created, second.updated, second.unchanged) == (0, 0, 6)
        assert state() == before
        assert IngestRun.objects.filter(source=source).count() == 2

    def test_changed_record_updates_its_posting(self, source):
        rows = feed()
        posting_ingest(records=rows, source=source)
        rows[2]["title"] = "Développeuse web senior"
        report = posting_ingest(records=rows, source=source)
        assert (report.updated, report.unchanged, report.created) == (1, 5, 0)
        assert JobPosting.objects.get(external_id="F-2").title == "Développeuse web senior"
        assert JobPosting.objects.count() == 6

    def test_same_external_id_in_two_sources_are_two_postings(self, source, other_source):
        posting_ingest(records=feed(2), source=source)
        posting_ingest(records=feed(2), source=other_source)
        assert JobPosting.objects.filter(external_id="F-0").count() == 2

    def test_bad_records_are_rejected_with_reasons_and_the_rest_lands(self, source):
        rows = feed(3)
        rows[0]["title"] = ""
        rows[1]["date_posted"] = "2099-01-01"
        raw = jsonl(rows) + b"\n{broken\n" + b'{"id": "E", "title": "Caf\xe9"}\n'
        report = posting_ingest(records=read_bytes(raw, "jsonl"), source=source)
        assert report.created == 1
        assert report.rejected == 4
        reasons = {e["external_id"] or e["record"]: " ".join(e["errors"]) for e in report.errors}
        assert "no title" in reasons["F-0"]
        assert "in the future" in reasons["F-1"]
        assert "not valid JSON" in reasons[4]
        assert "not valid UTF-8" in reasons["E"]
        run = IngestRun.objects.get(pk=report.run_id)
        assert run.status == IngestRun.Status.SUCCEEDED
        assert run.rejected == 4 and len(run.errors) == 4

    def test_html_is_sanitised_on_the_way_in(self, source):
        rows = feed(1, description='<p>Bonjour</p><script>alert("x")</script><b onclick=1>!</b>')
        posting_ingest(records=rows, source=source)
        posting = JobPosting.objects.get()
        assert posting.description_html == "<p>Bonjour</p><b>!</b>"
        assert posting.description_text == "Bonjour\n!"

    def test_interrupted_batch_rerun_ends_like_a_clean_run(self, source, other_source):
        rows = feed(9)
        rows[7] = {**rows[1], "id": "F-7"}  # a re-post, to check duplicate links too

        def dying(records, after):
            for n, row in enumerate(records):
                if n == after:
                    raise RuntimeError("worker killed")
                yield row

        with pytest.raises(RuntimeError):
            posting_ingest(records=dying(rows, 5), source=source, chunk_size=2)
        run = IngestRun.objects.get()
        assert run.status == IngestRun.Status.FAILED
        assert 0 < JobPosting.objects.count() < 9
        posting_ingest(records=rows, source=source, chunk_size=2)
        interrupted = state()

        JobPosting.objects.all().delete()
        posting_ingest(records=rows, source=source, chunk_size=2)
        assert state() == interrupted
        # The feed's postings are near-copies of each other: all link to the first one.
        assert set(
            JobPosting.objects.duplicates().values_list("duplicate_of__external_id", flat=True)
        ) == {"F-0"}

    def test_worker_processes_write_what_one_process_writes(self, source):
        """Forked workers (large batches) must land the very same postings, links and
        duplicate groups as the single-process path, scores and spans included."""
        rows = feed(9)
        rows[7] = {**rows[1], "id": "F-7"}

        def links():
            return sorted(
                (link.posting.external_id, link.skill.uri, link.score, str(link.spans), link.method)
                for link in PostingSkill.objects.select_related("posting", "skill")
            ) + sorted(
                (link.posting.external_id, link.occupation.uri, link.score, link.rank)
                for link in PostingOccupation.objects.select_related("posting", "occupation")
            )

        posting_ingest(records=rows, source=source, chunk_size=2)
        single = (state(), links())
        JobPosting.objects.all().delete()
        report = posting_ingest(records=rows, source=source, chunk_size=2, workers=2)
        assert report.created == 9
        assert (state(), links()) == single
        assert JobPosting.objects.filter(parsed_at__isnull=True).count() == 0

    def test_parsing_links_skills_and_top_three_occupations(self, source):
        posting_ingest(records=feed(1), source=source)
        posting = JobPosting.objects.get()
        assert posting.parsed_at is not None
        skills = PostingSkill.objects.filter(posting=posting)
        assert skills.exists()
        assert not skills.exclude(status=LinkStatus.SUGGESTED).exists()
        assert skills, "the check below needs something to check"
        assert all(link.esco_version == link.skill.esco_version for link in skills)
        assert all(0 <= link.score <= 1 for link in skills)
        text = f"{posting.title}\n\n{posting.description_text}"
        spans = [span for link in skills for span in link.spans]
        assert spans and all(0 <= start < end <= len(text) for start, end in spans)
        occupations = list(PostingOccupation.objects.filter(posting=posting))
        assert 1 <= len(occupations) <= 3
        assert occupations[0].rank == 1
        assert "web" in occupations[0].occupation.preferred_label_en.lower()

    def test_changed_record_is_read_again_under_the_one_rule(self, source):
        """Decided links survive an update untouched, found or not; suggestions follow the text."""
        rows = feed(1, description=DESCRIPTION + RICHER)
        posting_ingest(records=rows, source=source)
        posting = JobPosting.objects.get()
        found = list(posting.skill_links.order_by("-score", "skill_id"))
        assert len(found) >= 3, "the extractor found too little"
        confirmed, rejected, suggestion = found[:3]
        PostingSkill.objects.filter(pk=confirmed.pk).update(status=LinkStatus.CONFIRMED, score=0.5)
        PostingSkill.objects.filter(pk=rejected.pk).update(status=LinkStatus.REJECTED)
        absent = Skill.objects.exclude(pk__in=[link.skill_id for link in found]).order_by("uri")
        kept = PostingSkill.objects.create(
            posting=posting, skill=absent[0], status=LinkStatus.CONFIRMED, method="manual"
        )
        stale = PostingSkill.objects.create(posting=posting, skill=absent[1], method="label")
        primary = posting.occupation_links.get(rank=1)
        PostingOccupation.objects.filter(pk=primary.pk).update(status=LinkStatus.CONFIRMED)

        rows[0]["title"] = "Développeuse web senior"
        assert posting_ingest(records=rows, source=source).updated == 1
        links = {link.pk: link for link in posting.skill_links.all()}
        assert (links[confirmed.pk].status, links[confirmed.pk].score) == ("confirmed", 0.5)
        assert links[rejected.pk].status == LinkStatus.REJECTED
        assert links[kept.pk].status == LinkStatus.CONFIRMED
        assert stale.pk not in links  # the text does not support it
        assert posting.skill_links.get(skill=suggestion.skill).status == LinkStatus.SUGGESTED
        assert posting.skill_links.filter(skill=rejected.skill).count() == 1
        occupations = list(posting.occupation_links.order_by("rank"))
        assert occupations[0].pk == primary.pk and occupations[0].is_confirmed
        assert [link.rank for link in occupations] == list(range(1, len(occupations) + 1))


@pytest.mark.django_db
def test_command_ingests_a_csv_file(tmp_path, source):
    path = tmp_path / "feed.csv"
    path.write_text(
        "id;title;description;city;date_posted\n"
        "C1;Graphiste;<p>Création graphique</p>;Mons;2026-02-01\n"
        "C2;;<p>Sans titre</p>;Mons;2026-02-01\n",
        encoding="utf-8",
    )
    call_command("ingest_postings", str(path), source="forem", format="auto")
    assert JobPosting.objects.get().province == "hainaut"
    run = IngestRun.objects.get()
    assert (run.created, run.rejected, run.trigger) == (1, 1, "command")


@pytest.mark.django_db
def test_command_background_runs_the_task(tmp_path, source):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(feed(3)))
    call_command("ingest_postings", str(path), source="forem", background=True)
    run = IngestRun.objects.get()
    assert run.status == IngestRun.Status.SUCCEEDED
    assert run.created == 3 and run.processed == 3


@pytest.mark.django_db
def test_parse_postings_fills_in_unparsed_postings(source):
    posting_ingest(records=feed(2), source=source, parse=False)
    assert JobPosting.objects.unparsed().count() == 2
    call_command("parse_postings")
    assert JobPosting.objects.unparsed().count() == 0
    assert PostingSkill.objects.exists()


@pytest.mark.django_db
def test_background_run_knows_its_size(tmp_path, source):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(feed(4)))
    call_command("ingest_postings", str(path), source="forem", background=True)
    run = IngestRun.objects.get()
    assert run.total == 4
    assert run.progress == "4 / 4 (100 %)"
