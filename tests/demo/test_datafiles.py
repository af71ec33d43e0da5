"""The demo's data files read into their records, refer to each other and to real ESCO URIs."""

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from demo import datafiles

VENDORED_ESCO = Path(settings.BASE_DIR) / "skills" / "data" / "esco"


def vendored_uris(file_name: str) -> set[str]:
    with gzip.open(VENDORED_ESCO / file_name, "rt", encoding="utf-8", newline="") as handle:
        return {row["conceptUri"] for row in csv.DictReader(handle)}


def test_offers_name_known_variants_and_providers_once_each():
    variants = datafiles.offer_variants()
    slugs = [provider.slug for provider in datafiles.providers()]
    professions = datafiles.professions()
    assert len(set(slugs)) == len(slugs)
    assert len({p.code for p in professions}) == len(professions)
    placements = [(p.code, o.variant, o.provider) for p in professions for o in p.offers]
    assert {variant for _code, variant, _provider in placements} <= set(variants)
    assert {provider for _code, _variant, provider in placements} <= set(slugs)
    # The import keys an offer on (provider, DEMO-<code>-<variant>): a repeat would overwrite.
    assert [key for key, n in Counter(placements).items() if n > 1] == []


def test_every_profession_uri_exists_in_the_full_vendored_esco():
    """Read the vendored export directly: the test database holds only a slice of ESCO."""
    professions = datafiles.professions()
    skills = {uri for p in professions for uri in p.skills}
    occupations = {uri for p in professions for uri in p.occupations}
    assert skills and occupations
    assert skills - vendored_uris("skills_fr_en_merged.csv.gz") == set()
    assert occupations - vendored_uris("occupations_en.csv.gz") == set()


def test_a_free_variant_has_no_price_and_patterns_use_known_words():
    """A price of "0" would make a free offer paid (`is_free` follows whether a price is
    given), and a misspelt {word} would fail the whole cadastre load."""
    words = {"job": "", "theme": "", "tool": "", "job_lower": "", "theme_lower": ""}
    for variant in datafiles.offer_variants().values():
        assert variant.price is None or float(variant.price) > 0, variant.key
        variant.title.format(**words)
        variant.summary.format(**words)


def test_a_misspelt_key_fails_the_read_instead_of_being_dropped(tmp_path, monkeypatch):
    (tmp_path / "providers.toml").write_text(
        '[[providers]]\nslug = "x"\nname = "X"\nkind = "association"\ncommune = "Mons"\n'
        'postal_code = "7000"\nprovince = "hainaut"\nlatitude = "50.45"\nlongitude = "3.95"\n'
        'websit = ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    with pytest.raises(TypeError, match="websit"):
        datafiles.providers.__wrapped__()
