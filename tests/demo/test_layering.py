"""The demo sits on top of the layering: no other app of the project imports it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BELOW_THE_DEMO = ["core", "skills", "courses", "jobs", "search", "analytics", "cms", "config"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", BELOW_THE_DEMO)
def test_no_app_below_the_demo_imports_it(app):
    sources = sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
    assert sources
    offenders = {
        str(path.relative_to(settings.BASE_DIR))
        for path in sources
        for module in imported_modules(path)
        if module == "demo" or module.startswith("demo.")
    }
    assert offenders == set()
