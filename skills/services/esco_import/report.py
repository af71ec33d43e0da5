"""What an ESCO import did: counts per table and outcome, warnings, duration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[str], None]


@dataclass
class ImportReport:
    esco_version: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changes(self) -> int:
        """Rows created, updated, obsoleted, linked or unlinked: zero on a repeated run."""
        return sum(
            value
            for key, value in self.counts.items()
            if key.rsplit(".", 1)[-1] in {"created", "updated", "obsoleted", "deleted"}
        )

    def add(self, prefix: str, outcome: dict[str, int]) -> None:
        for key, value in outcome.items():
            self.counts[f"{prefix}.{key}"] += value
