"""Skill extraction: French and English text to ranked ESCO skills and occupations.

    from skills.extraction import get_extractor
    extractor = get_extractor()
    extractor.extract("Vous maîtrisez After Effects et l'animation 2D.")  # thresholded
    extractor.rank("Experience with Unreal Engine", top_k=10)  # full ranking
    extractor.match_occupation("Développeur web (H/F/X) - CDI")

After curators add a `SkillSynonym` or a `RejectedMatchPattern`, call
`get_extractor(refresh=True)` (or `invalidate_extractor()`): the index is rebuilt for the new
taxonomy fingerprint. `manage.py build_extraction_index` builds the cache ahead of time.
"""

from skills.extraction.cache import build_index, get_extractor, invalidate_extractor
from skills.extraction.extractor import Extractor, OccupationMatch, SkillMatch

__all__ = [
    "Extractor",
    "OccupationMatch",
    "SkillMatch",
    "build_index",
    "get_extractor",
    "invalidate_extractor",
]
