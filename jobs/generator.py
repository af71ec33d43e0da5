"""A reproducible generator of realistic French job postings, for demo data, tests and benches.

    generator = PostingGenerator.from_database(seed=7, start=date(2024, 7, 1), months=24)
    for item in generator.generate(2000):
        item.source, item.record   # "forem" / "jobboard", a canonical feed record (dict)

Postings are built from ESCO occupations and their essential and optional skills (read once
from the database), Walloon communes with their provinces, contract types and sentences
written here. Creative-tech occupations (design, development, audiovisual, games, data) are
weighted up, as the platform's first sector. A share of postings are re-posts: the same job on
the second board, or re-published with small edits a few days later, as real feeds carry;
`GeneratedPosting.original_id` says which, so tests can check the deduplication.

The same seed, taxonomy and arguments give the same postings, byte for byte.
"""

from __future__ import annotations

import calendar
import random
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.places import COMMUNES

# ISCO-08 unit groups of the creative-tech professions (digital, design, audiovisual, games).
CREATIVE_TECH_ISCO = (
    "2166", "2163", "2161", "2511", "2512", "2513", "2514", "2519", "2521", "2522", "2523",
    "2529", "2120", "2431", "2432", "2642", "2651", "2652", "2654", "2655", "3431", "3432",
    "3435", "3511", "3512", "3513", "3514", "3521", "3522", "7322",
)  # fmt: skip
CREATIVE_TECH_WEIGHT = 25

SOURCES = ("forem", "jobboard")

COMPANY_KINDS = [
    ("studio de création", "Création"),
    ("agence de communication digitale", "Communication"),
    ("studio d'animation 2D et 3D", "Audiovisuel"),
    ("maison de production audiovisuelle", "Audiovisuel"),
    ("éditeur de logiciels", "Numérique"),
    ("société de services informatiques", "Numérique"),
    ("studio de jeux vidéo indépendant", "Jeu vidéo"),
    ("scale-up active dans la data", "Numérique"),
    ("PME industrielle en pleine transformation numérique", "Industrie"),
    ("bureau d'études", "Ingénierie"),
    ("ASBL culturelle", "Culture"),
    ("groupe de médias régional", "Médias"),
    ("centre hospitalier", "Santé"),
    ("entreprise de construction", "Construction"),
    ("acteur de la logistique", "Logistique"),
    ("administration communale", "Public"),
]
NAME_PREFIXES = ["Studio", "Atelier", "Agence", "Groupe", "Maison", "Collectif", "", "", ""]
NAME_ROOTS = [
    "Meuse", "Sambre", "Ardenne", "Hesbaye", "Condroz", "Famenne", "Gaume", "Pixel", "Lumen",
    "Vega", "Orbit", "Nova", "Hélix", "Prisme", "Boréal", "Cobalt", "Quartz", "Lynx", "Onyx",
    "Sillon", "Terril", "Perron", "Mosan", "Ourthe", "Lesse", "Semois", "Dyle", "Haine",
    "Escaut", "Vesdre", "Amblève", "Fagnes", "Brabant", "Senne", "Ciney", "Rixen",
]  # fmt: skip
NAME_SUFFIXES = ["Digital", "Lab", "Solutions", "Media", "Interactive", "Studio", "Tech",
                 "Production", "Systems", "Design", "Works", "SRL", "SA", "& Co"]  # fmt: skip

REASONS = [
    "renforcer son équipe",
    "accompagner sa croissance",
    "un nouveau projet européen",
    "remplacer un collègue qui part à la retraite",
    "ouvrir un nouveau pôle",
    "répondre à une hausse de la demande de ses clients",
    "développer une nouvelle gamme de services",
]
INTROS = [
    "{employer}, {kind} basé(e) à {commune}, recherche un(e) {title} (H/F/X) pour {reason}.",
    "Pour {reason}, {employer} ({kind}, {commune}) engage un(e) {title} (H/F/X).",
    "{employer} est un(e) {kind} installé(e) à {commune} depuis {years} ans. Afin de {reason2}, "
    "nous cherchons un(e) {title} motivé(e) (H/F/X).",
    "Envie de rejoindre une équipe de {size} personnes à {commune} ? {employer}, {kind}, "
    "ouvre un poste de {title} (H/F/X).",
]
COMPANY_LINES = [
    "Nos clients sont des entreprises wallonnes, des institutions publiques et des acteurs "
    "culturels.",
    "Nous travaillons en méthode agile, en petites équipes pluridisciplinaires.",
    "L'entreprise place la qualité, la curiosité et l'entraide au cœur de sa culture.",
    "Nous investissons chaque année dans la formation de nos collaborateurs.",
    "Nos projets vont du prototype à la mise en production, en Belgique et à l'étranger.",
    "Notre équipe mélange profils juniors et seniors, designers, techniciens et gestionnaires.",
]
MISSION_HEADINGS = ["Votre mission", "Vos responsabilités", "Ce que vous ferez", "Vos tâches"]
MISSION_LEADS = [
    "Au sein de l'équipe, vous serez amené(e) à :",
    "Concrètement, vous devrez :",
    "Vos principales missions consistent à :",
    "Rattaché(e) au responsable d'équipe, vous allez :",
]
TASK_TAILS = [
    "",
    "",
    " au quotidien",
    " en lien avec les clients",
    " avec le reste de l'équipe",
    " dans le respect des délais",
    " sur des projets variés",
]
KNOWLEDGE_PHRASES = [
    "Vous maîtrisez {label}.",
    "Vous avez une bonne connaissance de {label}.",
    "Une expérience en {label} est indispensable.",
    "Vous êtes à l'aise avec {label}.",
]
OPTIONAL_PHRASES = [
    "La connaissance de {label} est un atout.",
    "Une première expérience en {label} serait appréciée.",
    "Vous avez idéalement des notions de {label}.",
    "{label_cap} : un plus.",
]
SOFT_SKILLS = [
    "Vous êtes autonome, rigoureux(se) et organisé(e).",
    "Vous aimez travailler en équipe et partager vos connaissances.",
    "Vous faites preuve de créativité et de curiosité.",
    "Vous communiquez clairement, à l'écrit comme à l'oral.",
    "Vous savez gérer les priorités et respecter les échéances.",
    "Vous êtes orienté(e) solution et avez le sens du service.",
]
LANGUAGE_LINES = [
    "Vous parlez couramment le français ; l'anglais est un atout.",
    "Français courant exigé, bonne compréhension de l'anglais technique.",
    "La connaissance du néerlandais est un plus.",
    "Vous êtes à l'aise en français et en anglais.",
]
BENEFITS = [
    "chèques-repas",
    "éco-chèques",
    "assurance groupe et hospitalisation",
    "deux jours de télétravail par semaine",
    "horaires flexibles",
    "budget de formation annuel",
    "voiture de société",
    "vélo en leasing",
    "13e mois",
    "32 jours de congé",
    "intervention dans les frais de transport en commun",
    "ordinateur portable et smartphone",
]
CLOSINGS = [
    "Intéressé(e) ? Envoyez votre CV et une lettre de motivation avant le {deadline}.",
    "Postulez via notre site avant le {deadline} ; nous répondons à chaque candidature.",
    "Envoyez-nous votre candidature (CV et portfolio si pertinent) avant le {deadline}.",
    "Les entretiens auront lieu dans la seconde quinzaine suivant le {deadline}.",
]
CONTRACTS = [
    ("CDI", 55),
    ("CDD", 15),
    ("Intérim", 10),
    ("Indépendant", 6),
    ("Alternance", 5),
    ("Stage", 5),
    ("Job étudiant", 4),
]
CONTRACT_PHRASES = {
    "CDI": "un contrat à durée indéterminée",
    "CDD": "un contrat à durée déterminée de {months} mois, avec possibilité de prolongation",
    "Intérim": "une mission intérimaire de {months} mois en vue d'un engagement",
    "Indépendant": "une collaboration en tant qu'indépendant(e) pour {months} mois",
    "Alternance": "un contrat d'alternance (formation IFAPME ou CEFA)",
    "Stage": "un stage de {months} mois, encadré par un tuteur",
    "Job étudiant": "un job étudiant de {months} mois",
}
EDUCATION = {
    "2": ["master", "bachelier", "master"],
    "3": ["bachelier", "secondaire", "bachelier"],
    "other": ["secondaire", "aucun", "secondaire"],
}
EDUCATION_PHRASES = {
    "master": "Vous êtes titulaire d'un master ou équivalent par expérience.",
    "bachelier": "Vous êtes titulaire d'un bachelier dans le domaine, ou équivalent.",
    "secondaire": "Vous avez terminé vos études secondaires (CESS).",
    "aucun": "Aucun diplôme n'est exigé : votre motivation compte avant tout.",
}


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
    _skills: list[str] = field(default_factory=list)


def _masculine(label: str) -> str:
    """ "développeur web/développeuse web" → "développeur web"."""
    return label.split("/", 1)[0].strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def load_profiles() -> list[OccupationProfile]:
    """Every occupation with at least three linked skills, from the database."""
    from skills.models import Occupation, OccupationJobTitle, OccupationSkill

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
        weight = CREATIVE_TECH_WEIGHT if isco.startswith(CREATIVE_TECH_ISCO) else 1
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
    ):
        if not profiles:
            raise ValueError("No occupation with skills: import the ESCO taxonomy first.")
        self.profiles = profiles
        self.seed = seed
        self.start = start or date(2024, 1, 1)
        self.months = months
        self.repost_rate = repost_rate
        self.id_prefix = id_prefix
        self._weights = [p.weight for p in profiles]
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
        kind, sector = rng.choice(COMPANY_KINDS)
        name = " ".join(
            part
            for part in (
                rng.choice(NAME_PREFIXES),
                rng.choice(NAME_ROOTS),
                rng.choice(NAME_SUFFIXES),
            )
            if part
        )
        commune, postal_code, province, _weight = rng.choices(
            COMMUNES, weights=[c[3] for c in COMMUNES]
        )[0]
        return Employer(
            name=f"{name} {n}" if n >= len(NAME_ROOTS) * 4 else name,
            kind=kind,
            sector=sector,
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
        recent: deque[GeneratedPosting] = deque(maxlen=300)  # streams: memory stays flat
        for number, posted_on in enumerate(self._dates(rng, count), start=1):
            if recent and rng.random() < self.repost_rate:
                item = self._repost(rng, rng.choice(recent), number, posted_on)
            else:
                item = self._posting(rng, number, posted_on)
                recent.append(item)
            yield item

    def _posting(self, rng: random.Random, number: int, posted_on: date) -> GeneratedPosting:
        profile = rng.choices(self.profiles, weights=self._weights)[0]
        employer = rng.choice(self.employers)
        title = _cap(rng.choice(profile.titles))
        contract = rng.choices([c for c, _w in CONTRACTS], weights=[w for _c, w in CONTRACTS])[0]
        part_time = rng.random() < 0.18
        years = rng.choice([0, 1, 2, 3, 5, 8])
        education = rng.choice(EDUCATION.get(profile.isco[:1], EDUCATION["other"]))
        deadline = posted_on + timedelta(days=rng.choice([21, 30, 45, 60]))
        description = self._description(
            rng, profile, employer, title, contract, part_time, years, education, deadline
        )
        source = SOURCES[0] if rng.random() < 0.7 else SOURCES[1]
        record = {
            "id": f"{self.id_prefix}-{self.seed}-{number:07d}",
            "title": f"{title} (H/F/X)",
            "description": description,
            "employer": employer.name,
            "city": employer.commune,
            "postal_code": employer.postal_code,
            "contract_type": contract,
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
        lower_title = title[:1].lower() + title[1:]
        intro = rng.choice(INTROS).format(
            employer=employer.name,
            kind=employer.kind,
            commune=employer.commune,
            title=lower_title,
            reason=rng.choice(REASONS),
            reason2=rng.choice(["renforcer son équipe", "accompagner sa croissance"]),
            years=employer.years,
            size=employer.size,
        )
        parts = [f"<p>{intro} {' '.join(rng.sample(COMPANY_LINES, 2))}</p>"]

        essential = list(profile.essential)
        rng.shuffle(essential)
        competences = [label for label, kind in essential if kind != "knowledge"][:6]
        knowledge = [label for label, kind in essential if kind == "knowledge"][:4]
        if len(competences) < 3:
            competences += [label for label, _kind in essential if label not in competences][
                : 3 - len(competences)
            ]
        tasks = "".join(
            f"<li>{_cap(label)}{rng.choice(TASK_TAILS)} ;</li>" for label in competences
        )
        parts.append(
            f"<h3>{rng.choice(MISSION_HEADINGS)}</h3><p>{rng.choice(MISSION_LEADS)}</p>"
            f"<ul>{tasks}</ul>"
        )

        profile_lines = [EDUCATION_PHRASES[education]]
        profile_lines.append(
            f"Vous justifiez d'au moins {years} ans d'expérience dans une fonction similaire."
            if years
            else "Débutant(e) bienvenu(e) : vous serez formé(e) en interne."
        )
        profile_lines += [rng.choice(KNOWLEDGE_PHRASES).format(label=label) for label in knowledge]
        optional = list(profile.optional)
        rng.shuffle(optional)
        for label, _kind in optional[: rng.randint(1, 3)]:
            profile_lines.append(
                rng.choice(OPTIONAL_PHRASES).format(label=label, label_cap=_cap(label))
            )
        profile_lines += rng.sample(SOFT_SKILLS, 2)
        profile_lines.append(rng.choice(LANGUAGE_LINES))
        parts.append(
            "<h3>Votre profil</h3><ul>"
            + "".join(f"<li>{line}</li>" for line in profile_lines)
            + "</ul>"
        )

        offer = CONTRACT_PHRASES[contract].format(months=rng.choice([3, 6, 9, 12]))
        benefits = ", ".join(rng.sample(BENEFITS, 3))
        schedule = "à temps partiel (4/5e possible)" if part_time else "à temps plein"
        parts.append(
            f"<h3>Nous offrons</h3><p>Nous vous proposons {offer}, {schedule}, un salaire "
            f"conforme à la commission paritaire et des avantages extralégaux : {benefits}. "
            f"Lieu de travail : {employer.commune} ({employer.postal_code}).</p>"
        )
        parts.append(
            f"<p>{rng.choice(CLOSINGS).format(deadline=deadline.strftime('%d/%m/%Y'))}</p>"
        )
        return "".join(parts)

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
