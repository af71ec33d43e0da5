"""The occupation of a posting as a prior on the skills its text points to."""

import numpy as np
import pytest

from skills.extraction.extractor import Extractor
from skills.extraction.taxonomy import load_snapshot


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    with django_db_blocker.unblock():
        return Extractor(load_snapshot(), fingerprint="test")


def test_only_listed_skills_the_text_points_to_gain_the_prior(extractor):
    occupation = next(
        i for i, links in enumerate(extractor.occupations.skill_sets) if len(links) > 1
    )
    pointed, silent = list(extractor.occupations.skill_sets[occupation])[:2]
    unlisted = next(
        skill
        for skill in range(len(extractor.uris))
        if skill not in extractor.occupations.skill_sets[occupation]
    )
    best = np.zeros(len(extractor.uris), dtype=np.float32)
    best[[pointed, unlisted]] = 0.5
    extractor._add_occupation_prior(best, [extractor.occupation_uris[occupation]])
    prior = extractor.calibration.occupation_prior
    assert best[pointed] == pytest.approx(0.5 + prior)
    assert best[unlisted] == pytest.approx(0.5)
    assert best[silent] == 0.0  # the prior never invents a skill the text is silent on


def test_an_unknown_occupation_changes_nothing(extractor):
    best = np.full(len(extractor.uris), 0.25, dtype=np.float32)
    extractor._add_occupation_prior(best, ["http://data.europa.eu/esco/occupation/unknown"])
    assert (best == 0.25).all()
