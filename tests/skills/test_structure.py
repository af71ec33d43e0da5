"""Splitting a posting into its parts, and HTML entities decoded with offsets kept."""

import itertools

import pytest

from skills.extraction.structure import (
    PartKind,
    decode_entities,
    heading_kind,
    part_at,
    split_parts,
)

POSTING = """Développeur Java (H/F) – CDI – Liège

Qui sommes-nous ?
SIDERSOFT édite des logiciels pour l'industrie métallurgique depuis 2004.

Vos missions :
- Développer des services REST en Java ;
- Écrire des requêtes SQL.

Profil recherché
- Trois ans d'expérience en Java.

Ce que nous offrons
- Un CDI, des chèques-repas et une voiture de société.

Procédure : envoyez votre CV ; un premier échange téléphonique suivra.

Informations légales
Nous garantissons l'égalité des chances.
"""


def kinds_of(text: str) -> list[PartKind]:
    return [part.kind for part in split_parts(text)]


def text_of(text: str, kind: PartKind) -> str:
    return "".join(text[p.start : p.end] for p in split_parts(text) if p.kind == kind)


class TestHeadings:
    @pytest.mark.parametrize(
        ("line", "kind"),
        [
            ("Qui sommes-nous ?", PartKind.COMPANY),
            ("À propos de Finlytix", PartKind.COMPANY),
            ("Votre mission", PartKind.MISSIONS),
            ("Vos missions :", PartKind.MISSIONS),
            ("VOS TÂCHES", PartKind.MISSIONS),
            ("Description du poste :", PartKind.MISSIONS),
            ("Profil recherché", PartKind.PROFILE),
            ("Votre profil", PartKind.PROFILE),
            ("Compétences requises", PartKind.PROFILE),
            ("Nous offrons", PartKind.OFFER),
            ("Ce que nous offrons :", PartKind.OFFER),
            ("Avantages", PartKind.OFFER),
            ("Procédure de recrutement", PartKind.PROCESS),
            ("Intéressé(e) ?", PartKind.PROCESS),
            ("Pour postuler", PartKind.PROCESS),
            ("Informations légales", PartKind.LEGAL),
            ("What we offer", PartKind.OFFER),
            ("Your profile:", PartKind.PROFILE),
            ("- Responsibilities", PartKind.MISSIONS),
        ],
    )
    def test_headings_with_or_without_colon_in_french_and_english(self, line, kind):
        assert heading_kind(line) == kind

    def test_a_heading_may_open_its_line(self):
        assert heading_kind("Procédure : envoyez votre CV à jobs@example.be.") == PartKind.PROCESS
        assert heading_kind("Intéressé(e) ? Postulez via notre site.") == PartKind.PROCESS

    @pytest.mark.parametrize(
        "line",
        [
            "- Développer des services REST en Java ;",
            "Très bonne maîtrise du SQL ;",
            "Vous gérez les missions des techniciens sur le terrain et leurs plannings.",
        ],
    )
    def test_ordinary_lines_are_not_headings(self, line):
        assert heading_kind(line) is None


class TestSplitParts:
    def test_a_posting_is_cut_at_its_headings(self):
        assert kinds_of(POSTING) == [
            PartKind.TITLE,
            PartKind.COMPANY,
            PartKind.MISSIONS,
            PartKind.PROFILE,
            PartKind.OFFER,
            PartKind.PROCESS,
            PartKind.LEGAL,
        ]
        assert "industrie métallurgique" in text_of(POSTING, PartKind.COMPANY)
        assert "échange téléphonique" in text_of(POSTING, PartKind.PROCESS)
        assert "Trois ans d'expérience en Java" in text_of(POSTING, PartKind.PROFILE)

    def test_parts_cover_the_text_in_order(self):
        parts = split_parts(POSTING)
        assert parts[0].start == 0 and parts[-1].end == len(POSTING)
        assert parts, "the check below needs something to check"
        assert all(a.end == b.start for a, b in itertools.pairwise(parts))

    def test_without_headings_cues_find_the_company_and_the_process(self):
        text = (
            "Plombier-chauffagiste (H/F) – Arlon\n\n"
            "Installée à Messancy depuis 2004, la société Thermo-Sud compte 12 techniciens. "
            "Nos clients nous confient des salles de bains complètes.\n\n"
            "Vous installez les réseaux d'alimentation et posez les appareils sanitaires.\n\n"
            "Nous offrons un salaire attractif et des chèques-repas. "
            "Les candidatures sont à adresser à Madame Lambert."
        )
        company = text_of(text, PartKind.COMPANY)
        assert "Thermo-Sud" in company and "salles de bains" in company
        assert "Vous installez" in text_of(text, PartKind.BODY)
        assert "chèques-repas" in text_of(text, PartKind.OFFER)
        assert "Madame Lambert" in text_of(text, PartKind.PROCESS)

    def test_a_short_need_keeps_its_request_whole(self):
        text = (
            "bonjour, on est une boulangerie artisanale a Ciney. "
            "on cherche qqn pour faire nos videos youtube et les reseaux sociaux."
        )
        assert kinds_of(text) == [PartKind.COMPANY, PartKind.BODY]
        assert "videos youtube" in text_of(text, PartKind.BODY)

    @pytest.mark.parametrize(
        "title",
        [
            "RGPD : mise en conformité pour les PME",
            "Initiation Excel",
            "HTML et CSS : créer des pages web",
            "Profil",
        ],
    )
    def test_a_title_or_one_sentence_is_one_body_part(self, title):
        assert split_parts(title) == [split_parts(title)[0]]
        assert kinds_of(title) == [PartKind.BODY]

    def test_empty_text_has_no_parts(self):
        assert split_parts("") == []

    def test_part_at_finds_the_part_of_an_offset(self):
        parts = split_parts(POSTING)
        assert part_at(parts, POSTING.index("chèques-repas")).kind == PartKind.OFFER
        assert part_at(parts, 0).kind == PartKind.TITLE


class TestEntities:
    def test_entities_are_decoded_and_offsets_map_back(self):
        text = "Chiffre d&apos;affaires &amp; marge : Adobe Photoshop &#233;tendu"
        decoded = decode_entities(text)
        assert decoded.text == "Chiffre d'affaires & marge : Adobe Photoshop étendu"
        start = decoded.text.index("Adobe Photoshop")
        end = start + len("Adobe Photoshop")
        assert text[decoded.original(start) : decoded.original(end)] == "Adobe Photoshop"
        # The decoded character maps to the whole entity.
        amp = decoded.text.index("&")
        assert text[decoded.original(amp) : decoded.original(amp + 1)] == "&amp;"

    def test_text_without_entities_is_unchanged(self):
        decoded = decode_entities("R&D, AT&T et 5 & 6")
        assert decoded.text == "R&D, AT&T et 5 & 6"
        assert decoded.original(7) == 7
