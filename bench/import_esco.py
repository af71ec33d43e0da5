"""Time a full ESCO import into a fresh SQLite database, then a second (no-op) run.

    .venv/bin/python bench/import_esco.py

Prints the figures and ends with one line `RESULT first_s=... second_s=... skills=...`.
Target: the first import finishes in under 120 s on a 2-core machine.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wake-bench-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            result = subprocess.run(
                [*manage, "import_esco"], env=env, check=True, capture_output=True, text=True
            )
            timings.append(time.perf_counter() - started)
            print(result.stdout.strip().splitlines()[-1])
        counts = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from skills.models import Skill, Occupation, OccupationSkill;"
                "print(Skill.objects.count(), Occupation.objects.count(),"
                " OccupationSkill.objects.count())",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-3:]
    print(f"first import: {timings[0]:.1f}s (target < 120 s), second import: {timings[1]:.1f}s")
    print(f"skills={counts[0]} occupations={counts[1]} occupation_skill_links={counts[2]}")
    print(
        f"RESULT first_s={timings[0]:.1f} second_s={timings[1]:.1f} "
        f"skills={counts[0]} occupations={counts[1]} links={counts[2]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
