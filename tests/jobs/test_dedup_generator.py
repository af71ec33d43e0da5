from datetime import date

import pytest
from datasketch import MinHash

from jobs.ingestion.dedup import (
    _PERMUTATIONS,
    NUM_PERM,
    DuplicateIndex,
    normalised_tokens,
    signature,
    similarity,
)
from jobs.models import FeedSource, JobPosting
from jobs.services import posting_ingest
from tests.demo.helpers import generated


def ingest_by_source(items, **kwargs):
    """Ingest each board's feed, in date order within each board, as the feeds would."""
    for name in ("forem", "jobboard"):
        source, _ = FeedSource.objects.get_or_create(name=name)
        posting_ingest(
            records=[item.record for item in items if item.source == name],
            source=source,
            today=date(2026, 1, 15),
            **kwargs,
        )


@pytest.mark.parametrize(
    "text",
    [
        "Développeur web à Liège, contrat à durée indéterminée, télétravail partiel possible.",
        "Graphiste",
        "Motion designer (H/F/X) After Effects Cinema 4D " * 20,
        "",
    ],
)
def test_signature_equals_datasketch_minhash(text):
    """`signature` writes datasketch's MinHash out by hand: the values must stay the same, or
    the fingerprints stored on existing postings would stop matching new ones."""
    tokens = normalised_tokens(text)
    shingles = (
        {" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)}
        if len(tokens) >= 3
        else {" ".join(tokens)}
    )
    reference = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS)
    reference.update_batch([shingle.encode() for shingle in shingles])
    assert signature(text) == reference.hashvalues.astype("<u4").tobytes()


@pytest.mark.django_db
class TestDuplicates:
    def test_small_edits_are_near_duplicates_and_different_jobs_are_not(self):
        items = generated(300)
        signatures = {
            item.record["id"]: signature(item.record["title"] + item.record["description"])
            for item in items
        }
        reposts = [item for item in items if item.original_id]
        assert reposts
        for item in reposts:
            assert similarity(signatures[item.record["id"]], signatures[item.original_id]) > 0.7
        originals = [item for item in items if not item.original_id]
        same_job = {}
        for item in originals:
            same_job.setdefault(item.occupation_uri, []).append(item.record["id"])
        pairs = [(a, b) for ids in same_job.values() for a in ids[:6] for b in ids[:6] if a < b]
        assert pairs
        assert max(similarity(signatures[a], signatures[b]) for a, b in pairs) < 0.7

    def test_reposts_across_two_sources_link_to_the_earliest_posting(self):
        items = generated(150)
        ingest_by_source(items, parse=False)
        expected = {item.record["id"]: item.original_id for item in items}
        postings = {p.external_id: p for p in JobPosting.objects.select_related("duplicate_of")}
        for external_id, original_id in expected.items():
            posting = postings[external_id]
            if original_id is None:
                assert posting.duplicate_of is None or (
                    posting.duplicate_of.posted_on <= posting.posted_on
                )
            else:
                root = postings[original_id].duplicate_of or postings[original_id]
                assert posting.duplicate_of_id == root.pk, external_id
        reposts = sum(1 for item in items if item.original_id)
        originals = len(items) - reposts
        assert JobPosting.objects.unique().count() == originals
        assert JobPosting.objects.duplicates().count() == reposts
        sources = {p.source.name for p in JobPosting.objects.duplicates().select_related("source")}
        assert sources == {"forem", "jobboard"}

    def test_an_earlier_repost_arriving_later_becomes_the_original(self):
        index = DuplicateIndex()
        sig = signature("Développeur web à Liège, contrat à durée indéterminée " * 5)
        assert index.link(10, sig, date(2026, 3, 10).toordinal()) == {}
        changes = index.link(11, sig, date(2026, 3, 1).toordinal())
        assert changes == {10: 11, 11: None}
        assert index.link(12, sig, date(2026, 3, 20).toordinal()) == {12: 11}

    def test_the_same_text_a_year_later_is_a_new_vacancy(self):
        index = DuplicateIndex()
        sig = signature("Graphiste polyvalent pour une agence de Namur " * 5)
        index.link(1, sig, date(2025, 1, 1).toordinal())
        assert index.link(2, sig, date(2026, 1, 1).toordinal()) == {}
