"""Near-duplicate detection: MinHash signatures of the normalised text and an LSH index.

The same job is posted on several boards, or re-posted with small edits. We fold the title
and plain text (case, accents, punctuation), take word 3-shingles, and keep a 64-value MinHash
signature (datasketch). Locality-sensitive hashing over 16 bands of 4 rows finds candidates
whose Jaccard similarity is likely above 0.5; candidates are then confirmed on the estimated
similarity (`SIMILARITY_THRESHOLD`) and on their dates (a job re-posted a year later is a new
vacancy, not a duplicate). The duplicate links to the earliest posting of its group.

Signatures are stored on the posting (`JobPosting.fingerprint`, 256 bytes) so an ingestion
rebuilds the index from the database without re-reading any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from hashlib import sha1

import numpy as np
from datasketch import MinHash

from core.text import fold

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
SIMILARITY_THRESHOLD = 0.7
WINDOW_DAYS = 120

_WORDS = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=20260101)
_PERMUTATIONS = _TEMPLATE.permutations
_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def normalised_tokens(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def signature(text: str) -> bytes:
    """The MinHash signature (64 × uint32, little-endian bytes) of `text`'s 3-word shingles."""
    tokens = normalised_tokens(text)
    if len(tokens) < SHINGLE_WORDS:
        shingles = {" ".join(tokens)}
    else:
        # The word sequence beside itself shifted by one and two words: zip stops at the
        # shortest, the last full shingle.
        shifted = (tokens[offset:] for offset in range(SHINGLE_WORDS))
        shingles = set(map(" ".join, zip(*shifted, strict=False)))
    # datasketch's MinHash.update_batch with its default sha1_hash32, written out: calling
    # the hash function once per shingle through datasketch cost half of the signature's time.
    # `test_signature_equals_datasketch_minhash` holds the two to the same values.
    digests = b"".join([sha1(shingle).digest()[:4] for shingle in map(str.encode, shingles)])
    hashes = np.frombuffer(digests, dtype="<u4").astype(np.uint64)
    a, b = _PERMUTATIONS
    permuted = np.bitwise_and((hashes[:, None] * a + b) % _MERSENNE_PRIME, _MAX_HASH)
    return permuted.min(axis=0).astype("<u4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts behind two signatures."""
    return np.count_nonzero(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4")) / NUM_PERM


@dataclass
class DuplicateIndex:
    """Every known posting's signature, in LSH buckets, with its date and group root.

    A group is an original and its duplicates; `root` maps each posting to the original.
    Memory: about 1 KB per posting (100,000 postings ≈ 100 MB).
    """

    _buckets: dict[int, list[int]] = field(default_factory=dict)
    _signatures: dict[int, bytes] = field(default_factory=dict)
    _dates: dict[int, int] = field(default_factory=dict)
    root: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows) -> DuplicateIndex:
        """rows: (id, fingerprint bytes, posted_on date, duplicate_of_id) in id order."""
        index = cls()
        for posting_id, fingerprint, posted_on, duplicate_of_id in rows:
            if fingerprint:
                index.add(posting_id, bytes(fingerprint), posted_on.toordinal())
                index._attach(posting_id, duplicate_of_id or posting_id)
        return index

    def __len__(self) -> int:
        return len(self._signatures)

    @staticmethod
    def _band_keys(sig: bytes) -> list[int]:
        width = ROWS * 4
        return [hash((band, sig[band * width : (band + 1) * width])) for band in range(BANDS)]

    def add(self, posting_id: int, sig: bytes, posted_ordinal: int) -> None:
        self._signatures[posting_id] = sig
        self._dates[posting_id] = posted_ordinal
        for key in self._band_keys(sig):
            self._buckets.setdefault(key, []).append(posting_id)
        self._attach(posting_id, posting_id)

    def discard(self, posting_id: int) -> None:
        sig = self._signatures.pop(posting_id, None)
        if sig is None:
            return
        self._dates.pop(posting_id, None)
        for key in self._band_keys(sig):
            bucket = self._buckets.get(key)
            if bucket and posting_id in bucket:
                bucket.remove(posting_id)
        root = self.root.pop(posting_id, posting_id)
        if posting_id in self.members.get(root, []):
            self.members[root].remove(posting_id)

    def _attach(self, posting_id: int, root: int) -> None:
        old = self.root.get(posting_id)
        if old is not None and posting_id in self.members.get(old, []):
            self.members[old].remove(posting_id)
        self.root[posting_id] = root
        self.members.setdefault(root, []).append(posting_id)

    def _key(self, posting_id: int) -> tuple[int, int]:
        return (self._dates[posting_id], posting_id)

    def link(self, posting_id: int, sig: bytes, posted_ordinal: int) -> dict[int, int | None]:
        """Add a posting and return the `duplicate_of` changes it causes: {id: root or None}.

        The new posting joins every group it nearly duplicates; merged groups take the
        earliest posting (by date, then id) as their original.
        """
        # Every candidate of the shared buckets within the date window, compared at once:
        # postings written from one template share buckets by the thousand.
        candidates = []
        seen = {posting_id}
        for key in self._band_keys(sig):
            for other in self._buckets.get(key, ()):
                if other not in seen:
                    seen.add(other)
                    if abs(self._dates[other] - posted_ordinal) <= WINDOW_DAYS:
                        candidates.append(other)
        roots = set()
        if candidates:
            others = np.frombuffer(
                b"".join([self._signatures[other] for other in candidates]), "<u4"
            ).reshape(len(candidates), NUM_PERM)
            shares = np.count_nonzero(others == np.frombuffer(sig, "<u4"), axis=1) / NUM_PERM
            roots = {
                self.root[other]
                for other, share in zip(candidates, shares.tolist(), strict=True)
                if share >= SIMILARITY_THRESHOLD
            }
        self.add(posting_id, sig, posted_ordinal)
        if not roots:
            return {}
        original = min([*roots, posting_id], key=self._key)
        changes: dict[int, int | None] = {}
        for root in [*roots, posting_id]:
            for member in list(self.members.get(root, [])):
                if self.root[member] != original or member == posting_id:
                    self._attach(member, original)
                    changes[member] = None if member == original else original
        return changes

    def has_duplicates(self, posting_id: int) -> bool:
        """True for the original of a group with other members (its links stay as they are)."""
        return self.root.get(posting_id) == posting_id and len(self.members[posting_id]) > 1
