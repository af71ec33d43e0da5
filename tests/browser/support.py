"""What the journey and accessibility tests share: Debian's chromium, a signed-in browser
context, the artifacts folder for screenshots, and axe-core run on a page.

Screenshots go to `$WAKE_TEST_ARTIFACTS` when it is set, else to `var/test-artifacts/` at the
repository root (ignored by git).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REPOSITORY = Path(__file__).resolve().parents[2]
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS_ENV = "WAKE_TEST_ARTIFACTS"
# axe's impact levels; the issue asks for none of the two highest.
BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.1 A and AA rules, plus axe's best practices (landmarks, one h1, region…).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def artifacts_dir() -> Path:
    folder = Path(os.environ.get(ARTIFACTS_ENV) or REPOSITORY / "var" / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, name: str) -> Path:
    """Write a full-page screenshot of `page` as `<artifacts>/<name>.png`; return its path."""
    path = artifacts_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@contextmanager
def chromium():
    """A headless chromium (Debian's, never a downloaded one), closed on the way out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in_context(browser, live_server, user, **options):
    """A browser context carrying a session of `user` (signed in through Django's test client,
    for pages whose sign-in is not what the test is about)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(**options)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context


def axe_violations(page, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """axe-core's violations on the current state of `page` whose impact is in `impacts`.

    The script is evaluated through the DevTools protocol, which the pages' Content Security
    Policy does not govern, so the check needs no change to the policy under test.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
        "['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
            "html": [node["html"][:200] for node in violation["nodes"]][:3],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']} at {v['targets']} {v['html']}" for v in violations
    )
