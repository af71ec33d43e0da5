"""A reproducible generator of realistic French job postings, for demo data, tests and benches.

    generator = PostingGenerator.from_database(seed=7, start=date(2024, 7, 1), months=24)
    for item in generator.generate(2000):
        item.source, item.record   # "forem" / "jobboard", a canonical feed record (dict)

Postings are built from ESCO occupations and their essential and optional skills (read once
from the database), Walloon communes with their provinces (`core.places.COMMUNES`), and the
contract types, employer names and sentences of `demo/data/posting_vocabulary.toml`.
Creative-tech occupations (design, development, audiovisual, games, data) are weighted up, as the
platform's first sector. A share of postings are re-posts: the same job on the second board, or
re-published with small edits a few days later, as real feeds carry;
`GeneratedPosting.original_id` says which, so tests can check the deduplication.

Two options tell a story over time (the demo uses them; the defaults leave them off): `boosted`
occupations (by URI) are drawn that many times more often, more so as the window advances
(`rising`), and creative-tech postings mention new practices (`emerging_practices` of the
vocabulary) more and more often, up to `emerging_rate` in the last month.

The same seed, taxonomy, vocabulary and arguments give the same postings, byte for byte.
"""

from __future__ import annotations

import calendar
import random
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from core.places import COMMUNES
from demo.datafiles import PostingVocabulary, posting_vocabulary

SOURCES = ("forem", "jobboard")


@dataclass(frozen=True, slots=True)
class OccupationProfile:
    uri: str
    titles: tuple[str, ...]
    isco: str
    essential: tuple[tuple[str, str], ...]  # (French label, skill type)
    optional: tuple[tuple[str, str], ...]
    weight: int


@dataclass(frozen=True, slots=True)
class Employer:
    name: str
    kind: str
    sector: str
    commune: str
    postal_code: str
    province: str
    size: int
    years: int


@dataclass(slots=True)
class GeneratedPosting:
    source: str
    record: dict
    occupation_uri: str
    original_id: str | None = None  # external id of the posting this one re-posts
    original_source: str | None = None


def _masculine(label: str) -> str:
    """ "développeur web/développeuse web" → "développeur web"."""
    return label.split("/", 1)[0].strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def load_profiles() -> list[OccupationProfile]:
    """Every occupation with at least three linked skills, from the database."""
    from skills.models import Occupation, OccupationJobTitle, OccupationSkill

    vocabulary = posting_vocabulary()
    skills: dict[int, tuple[list, list]] = {}
    rows = OccupationSkill.objects.values_list(
        "occupation_id", "relation", "skill__preferred_label_fr", "skill__skill_type"
    ).order_by("occupation_id", "skill__uri")
    for occupation_id, relation, label, skill_type in rows.iterator(chunk_size=10_000):
        if not label:
            continue
        essential, optional = skills.setdefault(occupation_id, ([], []))
        label = label.replace("\xa0", " ")
        (essential if relation == "essential" else optional).append((label, skill_type))
    titles: dict[int, list[str]] = {}
    for occupation_id, label in OccupationJobTitle.objects.filter(language="fr").values_list(
        "occupation_id", "label"
    ):
        titles.setdefault(occupation_id, []).append(label)
    profiles = []
    for occupation in Occupation.objects.current().order_by("uri"):
        essential, optional = skills.get(occupation.pk, ([], []))
        if len(essential) + len(optional) < 3 or not occupation.preferred_label_fr:
            continue
        isco = (occupation.code or "")[:4]
        names = [_masculine(occupation.preferred_label_fr)]
        names += [_masculine(t) for t in sorted(titles.get(occupation.pk, []))[:6] if len(t) < 80]
        weight = (
            vocabulary.creative_tech_weight if isco.startswith(vocabulary.creative_tech_isco) else 1
        )
        profiles.append(
            OccupationProfile(
                uri=occupation.uri,
                titles=tuple(dict.fromkeys(names)),
                isco=isco,
                essential=tuple(essential),
                optional=tuple(optional),
                weight=weight,
            )
        )
    return profiles


class PostingGenerator:
    """Seeded postings over `months` months from `start`; see the module docstring."""

    def __init__(
        self,
        *,
        profiles: list[OccupationProfile],
        seed: int = 0,
        start: date | None = None,
        months: int = 24,
        repost_rate: float = 0.06,
        id_prefix: str = "GEN",
        boosted: Mapping[str, float] | None = None,
        rising: float = 0.0,
        emerging_rate: float = 0.0,
    ):
        if not profiles:
            raise ValueError("No occupation with skills: import the ESCO taxonomy first.")
        self.profiles = profiles
        self.seed = seed
        self.start = start or date(2024, 1, 1)
        self.months = months
        self.repost_rate = repost_rate
        self.id_prefix = id_prefix
        self.vocabulary: PostingVocabulary = posting_vocabulary()
        self._weights = [p.weight for p in profiles]
        boosted = boosted or {}
        self._boosted = [p for p in profiles if p.uri in boosted]
        self._boosted_weights = [p.weight * boosted[p.uri] for p in self._boosted]
        self._others = [p for p in profiles if p.uri not in boosted]
        self._other_weights = [p.weight for p in self._others]
        self.rising = rising
        self.emerging_rate = emerging_rate
        rng = random.Random(f"{seed}-employers")
        self.employers = [self._employer(rng, n) for n in range(max(50, len(profiles) // 4))]

    @classmethod
    def from_database(cls, **kwargs) -> PostingGenerator:
        return cls(profiles=load_profiles(), **kwargs)

    @property
    def end(self) -> date:
        year = self.start.year + (self.start.month - 1 + self.months) // 12
        month = (self.start.month - 1 + self.months) % 12 + 1
        return date(year, month, 1) - timedelta(days=1)

    def _employer(self, rng: random.Random, n: int) -> Employer:
        words = self.vocabulary
        company = rng.choice(words.company_kinds)
        name = " ".join(
            part
            for part in (
                rng.choice(words.name_prefixes),
                rng.choice(words.name_roots),
                rng.choice(words.name_suffixes),
            )
            if part
        )
        commune, postal_code, province, _weight = rng.choices(
            COMMUNES, weights=[c[3] for c in COMMUNES]
        )[0]
        return Employer(
            name=f"{name} {n}" if n >= len(words.name_roots) * 4 else name,
            kind=company.kind,
            sector=company.sector,
            commune=commune,
            postal_code=postal_code,
            province=str(province),
            size=rng.choice([5, 8, 12, 20, 35, 60, 120, 250]),
            years=rng.randint(2, 40),
        )

    def _dates(self, rng: random.Random, count: int) -> list[date]:
        """Posting dates, denser in recent months (demand grows) and thinner in summer."""
        months = []
        for offset in range(self.months):
            year = self.start.year + (self.start.month - 1 + offset) // 12
            month = (self.start.month - 1 + offset) % 12 + 1
            weight = (1 + offset / self.months) * (0.6 if month in (7, 8, 12) else 1.0)
            months.append(((year, month), weight))
        picks = rng.choices([m for m, _w in months], weights=[w for _m, w in months], k=count)
        days = []
        for year, month in picks:
            days.append(date(year, month, rng.randint(1, calendar.monthrange(year, month)[1])))
        days.sort()
        return days

    def generate(self, count: int) -> Iterator[GeneratedPosting]:
        rng = random.Random(self.seed)
        # Its own stream, so that emerging practices leave every other draw as it was.
        self._emerging_rng = random.Random(f"{self.seed}-emerging")
        recent: deque[GeneratedPosting] = deque(maxlen=300)  # streams: memory stays flat
        for number, posted_on in enumerate(self._dates(rng, count), start=1):
            if recent and rng.random() < self.repost_rate:
                item = self._repost(rng, rng.choice(recent), number, posted_on)
            else:
                item = self._posting(rng, number, posted_on)
                recent.append(item)
            yield item

    def _progress(self, posted_on: date) -> float:
        """0 on the first day of the window, 1 on the last."""
        span = (self.end - self.start).days or 1
        return min(1.0, max(0.0, (posted_on - self.start).days / span))

    def _profile(self, rng: random.Random, posted_on: date) -> OccupationProfile:
        if not self._boosted:
            return rng.choices(self.profiles, weights=self._weights)[0]
        ramp = 1 - self.rising / 2 + self.rising * self._progress(posted_on)
        boosted = sum(self._boosted_weights) * ramp
        if rng.random() < boosted / (boosted + sum(self._other_weights)):
            return rng.choices(self._boosted, weights=self._boosted_weights)[0]
        return rng.choices(self._others, weights=self._other_weights)[0]

    def _posting(self, rng: random.Random, number: int, posted_on: date) -> GeneratedPosting:
        profile = self._profile(rng, posted_on)
        employer = rng.choice(self.employers)
        title = _cap(rng.choice(profile.titles))
        words = self.vocabulary
        contract = rng.choices(words.contracts, weights=[c.weight for c in words.contracts])[0]
        part_time = rng.random() < 0.18
        years = rng.choice([0, 1, 2, 3, 5, 8])
        levels = words.education_levels
        education = rng.choice(levels.get(profile.isco[:1], levels["other"]))
        deadline = posted_on + timedelta(days=rng.choice([21, 30, 45, 60]))
        description = self._description(
            rng, profile, employer, title, contract, part_time, years, education, deadline
        )
        if self.emerging_rate and profile.weight > 1:
            description = self._with_emerging_practice(description, posted_on)
        source = SOURCES[0] if rng.random() < 0.7 else SOURCES[1]
        record = {
            "id": f"{self.id_prefix}-{self.seed}-{number:07d}",
            "title": f"{title} (H/F/X)",
            "description": description,
            "employer": employer.name,
            "city": employer.commune,
            "postal_code": employer.postal_code,
            "contract_type": contract.name,
            "working_time": "temps partiel" if part_time else "temps plein",
            "experience": f"{years} ans" if years else "aucune",
            "education_level": education,
            "date_posted": posted_on.isoformat(),
            "valid_through": deadline.isoformat(),
            "language": "fr",
            "url": f"https://emploi.example.be/offres/{self.seed}-{number}",
        }
        return GeneratedPosting(source, record, profile.uri)

    def _description(
        self, rng, profile, employer, title, contract, part_time, years, education, deadline
    ) -> str:
        words = self.vocabulary
        lower_title = title[:1].lower() + title[1:]
        intro = rng.choice(words.intros).format(
            employer=employer.name,
            kind=employer.kind,
            commune=employer.commune,
            title=lower_title,
            reason=rng.choice(words.reasons),
            reason2=rng.choice(words.reasons_after_afin_de),
            years=employer.years,
            size=employer.size,
        )
        parts = [f"<p>{intro} {' '.join(rng.sample(words.company_lines, 2))}</p>"]

        essential = list(profile.essential)
        rng.shuffle(essential)
        competences = [label for label, kind in essential if kind != "knowledge"][:6]
        knowledge = [label for label, kind in essential if kind == "knowledge"][:4]
        if len(competences) < 3:
            competences += [label for label, _kind in essential if label not in competences][
                : 3 - len(competences)
            ]
        tasks = "".join(
            f"<li>{_cap(label)}{rng.choice(words.task_tails)} ;</li>" for label in competences
        )
        parts.append(
            f"<h3>{rng.choice(words.mission_headings)}</h3><p>{rng.choice(words.mission_leads)}</p>"
            f"<ul>{tasks}</ul>"
        )

        profile_lines = [words.education_phrases[education]]
        profile_lines.append(
            f"Vous justifiez d'au moins {years} ans d'expérience dans une fonction similaire."
            if years
            else "Débutant(e) bienvenu(e) : vous serez formé(e) en interne."
        )
        profile_lines += [
            rng.choice(words.knowledge_phrases).format(label=label) for label in knowledge
        ]
        optional = list(profile.optional)
        rng.shuffle(optional)
        for label, _kind in optional[: rng.randint(1, 3)]:
            profile_lines.append(
                rng.choice(words.optional_phrases).format(label=label, label_cap=_cap(label))
            )
        profile_lines += rng.sample(words.soft_skills, 2)
        profile_lines.append(rng.choice(words.language_lines))
        parts.append(
            "<h3>Votre profil</h3><ul>"
            + "".join(f"<li>{line}</li>" for line in profile_lines)
            + "</ul>"
        )

        offer = contract.phrase.format(months=rng.choice([3, 6, 9, 12]))
        benefits = ", ".join(rng.sample(words.benefits, 3))
        schedule = "à temps partiel (4/5e possible)" if part_time else "à temps plein"
        parts.append(
            f"<h3>Nous offrons</h3><p>Nous vous proposons {offer}, {schedule}, un salaire "
            f"conforme à la commission paritaire et des avantages extralégaux : {benefits}. "
            f"Lieu de travail : {employer.commune} ({employer.postal_code}).</p>"
        )
        parts.append(
            f"<p>{rng.choice(words.closings).format(deadline=deadline.strftime('%d/%m/%Y'))}</p>"
        )
        return "".join(parts)

    def _with_emerging_practice(self, description: str, posted_on: date) -> str:
        """A line on a new practice, more often as the window advances."""
        words = self.vocabulary
        chance = self.emerging_rate * self._progress(posted_on) ** 2
        if not words.emerging_practices or self._emerging_rng.random() >= chance:
            return description
        practice = self._emerging_rng.choice(words.emerging_practices)
        line = self._emerging_rng.choice(words.emerging_lines).format(practice=practice)
        line = _cap(line)
        return description.replace(
            "<h3>Votre profil</h3><ul>", f"<h3>Votre profil</h3><ul><li>{line}</li>", 1
        )

    def _repost(
        self, rng: random.Random, original: GeneratedPosting, number: int, posted_on: date
    ) -> GeneratedPosting:
        """The same job again: on the other board, or re-published with small edits."""
        record = dict(original.record)
        record["id"] = f"{self.id_prefix}-{self.seed}-{number:07d}"
        original_date = date.fromisoformat(original.record["date_posted"])
        posted_on = (
            max(posted_on, original_date)
            if posted_on - original_date < timedelta(days=60)
            else original_date + timedelta(days=rng.randint(1, 20))
        )
        record["date_posted"] = posted_on.isoformat()
        record["valid_through"] = (posted_on + timedelta(days=30)).isoformat()
        description = record["description"]
        edit = rng.randrange(4)
        if edit == 0:
            description = description.replace("(H/F/X)", "(m/f/x)")
            record["title"] = record["title"].replace("(H/F/X)", "- " + record["contract_type"])
        elif edit == 1:
            description = re.sub(r"<li>[^<]*</li>", "", description, count=1)
        elif edit == 2:
            description = (
                description.replace("Nous offrons", "Ce que nous vous offrons")
                + "<p>Candidatures spontanées également bienvenues.</p>"
            )
        else:
            record["title"] = record["title"].replace(" (H/F/X)", "")
            description = "<p><strong>Offre republiée.</strong></p>" + description
        record["description"] = description
        source = SOURCES[1] if original.source == SOURCES[0] else SOURCES[0]
        if rng.random() < 0.4:
            source = original.source  # a re-post on the same board, under a new reference
        return GeneratedPosting(
            source,
            record,
            original.occupation_uri,
            original_id=original.record["id"],
            original_source=original.source,
        )
