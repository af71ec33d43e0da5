"""The apps' layering (ARCHITECTURE.md): each app imports only the apps below it.

core < skills < courses < jobs < search, analytics < cms < demo. `config` wires them all and is
outside the layering. Imports are read from the source with `ast`, so a lazy import inside a
function counts as much as one at the top of a module.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = [["core"], ["skills"], ["courses"], ["jobs"], ["search", "analytics"], ["cms"], ["demo"]]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", list(LEVEL))
def test_an_app_imports_only_the_apps_below_it(app):
    sources = sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
    assert sources
    offenders = sorted(
        f"{path.relative_to(settings.BASE_DIR)} imports {module}"
        for path in sources
        for module in imported_modules(path)
        if (other := module.split(".")[0]) in LEVEL and other != app and LEVEL[other] >= LEVEL[app]
    )
    assert offenders == []
