"""Guards for the Content-Security-Policy: templates and scripts need nothing the policy blocks.

Templates: no ``on...=`` handler or ``style=`` attribute, no ``<style>`` block, and an inline
``<script>`` only with ``nonce="{{ csp_nonce() }}"``. Scripts (the app's and the player's): no
``eval``, ``new Function``, string timers, or handlers and styles set as attributes.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted([*ROOT.glob("course/**/templates/**/*.html"), ROOT / "scorm_export" / "player" / "index.html"])
SCRIPTS = sorted([*ROOT.glob("course/static/**/*.js"), *ROOT.glob("scorm_export/player/*.js")])

HANDLER_OR_STYLE = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|style)\s*=", re.S)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.S)
NONCE = 'nonce="{{ csp_nonce() }}"'
BLOCKED_JS = {
    "eval": re.compile(r"(?<![\w.])eval\s*\("),
    "new Function": re.compile(r"\bnew\s+Function\s*\("),
    "a timer given a string": re.compile(r"\bset(?:Timeout|Interval)\s*\(\s*[\"'`]"),
    "a handler or style set as an attribute": re.compile(r"setAttribute\(\s*[\"'](?:on[a-z]+|style)[\"']"),
    "a handler or style written into HTML": re.compile(r"(?:innerHTML|outerHTML|insertAdjacentHTML)[^;\n]*[\"'`][^\"'`]*\s(?:on[a-z]+|style)="),
}


def test_the_guards_see_the_files() -> None:
    assert len(TEMPLATES) > 30 and len(SCRIPTS) >= 5


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_code_without_a_nonce(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = HANDLER_OR_STYLE.search(text)
    assert found is None, f"{found.group(1)}= attribute: move it to a script or stylesheet" if found else ""
    assert "<style" not in text, "<style> block: move it to a stylesheet under course/static"
    for tag in SCRIPT_TAG.findall(text):
        assert " src=" in tag or NONCE in tag, f"inline script without {NONCE}: {tag}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_script_builds_no_code_from_strings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for what, pattern in BLOCKED_JS.items():
        found = pattern.search(text)
        assert found is None, f"{what}: {found.group(0)!r}" if found else ""


@pytest.mark.parametrize("sample, blocked", [
    ('<button onclick="go()">', True), ('<span class="x" style="width: 5%">', True),
    ('<p class="onboarding">', False), ('<a href="/x?style=1">', False),
])
def test_the_attribute_guard_tells_blocked_from_allowed(sample: str, blocked: bool) -> None:
    assert (HANDLER_OR_STYLE.search(sample) is not None) is blocked
