"""Generated postings for the tests of the generator and of the deduplication."""

from datetime import date

from demo.generator import GeneratedPosting, PostingGenerator

START = date(2025, 1, 1)


def generated(count: int = 120, seed: int = 3, **kwargs) -> list[GeneratedPosting]:
    """`count` postings of the test taxonomy over the twelve months of 2025."""
    generator = PostingGenerator.from_database(seed=seed, start=START, months=12, **kwargs)
    return list(generator.generate(count))
