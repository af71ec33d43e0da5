"""Time a full ESCO import into a fresh SQLite database, then a second (no-op) run.

    .venv/bin/python bench/import_esco.py [--upgrade]

Prints the figures and ends with one line `RESULT first_s=... second_s=... skills=...`.
Target: the first import finishes in under 120 s on a 2-core machine.

`--upgrade` times a version upgrade instead of the no-op run: after the first import, the same
files are imported again as version `UPGRADE_VERSION`, so that every concept and every
occupation-skill link changes its `esco_version` (the write an ESCO release costs even when few
labels change). Its `RESULT` line adds `upgrade_s=` and `upgrade_changes=`, and `second_s=` is
then a no-op re-run of the upgraded version. Target: the upgrade takes seconds, not minutes.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPGRADE_VERSION = "1.2.0"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--upgrade",
        action="store_true",
        help=f"Also time re-importing the same files as ESCO {UPGRADE_VERSION}.",
    )
    upgrade = parser.parse_args().upgrade
    with tempfile.TemporaryDirectory(prefix="wake-bench-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)

        def timed_import(*options: str) -> tuple[float, int]:
            """Seconds one `import_esco` takes, and the changes it reports."""
            started = time.perf_counter()
            result = subprocess.run(
                [*manage, "import_esco", *options],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - started
            summary = result.stdout.strip().splitlines()[-1]
            print(summary)
            return seconds, int(re.search(r"(\d+) change\(s\)", summary).group(1))

        first_s, _changes = timed_import()
        upgrade_s, upgrade_changes = (
            timed_import("--esco-version", UPGRADE_VERSION) if upgrade else (None, None)
        )
        again = ("--esco-version", UPGRADE_VERSION) if upgrade else ()
        second_s, second_changes = timed_import(*again)
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
    print(f"first import: {first_s:.1f}s (target < 120 s), second import: {second_s:.1f}s")
    if upgrade:
        print(
            f"upgrade to {UPGRADE_VERSION}: {upgrade_s:.1f}s, {upgrade_changes} change(s); "
            f"re-run of {UPGRADE_VERSION}: {second_changes} change(s)"
        )
    print(f"skills={counts[0]} occupations={counts[1]} occupation_skill_links={counts[2]}")
    upgrade_figures = (
        f"upgrade_s={upgrade_s:.1f} upgrade_changes={upgrade_changes} " if upgrade else ""
    )
    print(
        f"RESULT first_s={first_s:.1f} {upgrade_figures}second_s={second_s:.1f} "
        f"skills={counts[0]} occupations={counts[1]} links={counts[2]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
