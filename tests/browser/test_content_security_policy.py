"""In Chromium the app's Content-Security-Policy blocks injected inline code, and the fixtures'
watcher (``watch_csp``, used by every checked context) reports each violation."""
from __future__ import annotations

import pytest

from tests.browser.conftest import watch_csp

pytestmark = pytest.mark.browser

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.body.append(script);
  document.querySelector("h1").setAttribute("style", "color: red");
  const img = document.createElement("img");
  img.src = "https://images.example.org/x.png";
  document.body.append(img);
}"""


def test_injected_inline_code_is_blocked_and_reported(live_server, browser):
    context = browser.new_context()
    try:
        violations = watch_csp(context)
        page = context.new_page()
        page.goto(live_server.url + "/login")
        color = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
        page.evaluate(INJECT)
        page.wait_for_function("() => window.cspViolations === 3")  # reports are queued as tasks
        assert page.evaluate("window.injected === undefined")
        assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == color
        assert [v.split(" in ")[0] for v in violations] == [
            "Content-Security-Policy violation: script-src-elem blocked inline",
            "Content-Security-Policy violation: style-src-attr blocked inline",
            "Content-Security-Policy violation: img-src blocked https://images.example.org/x.png",
        ], violations
    finally:
        context.close()
