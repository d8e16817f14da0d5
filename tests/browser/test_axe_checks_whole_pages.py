"""The axe-core check runs on the page a click leads to once all of it has arrived.

A link's click returns as soon as the next page starts to arrive. Run then, axe met a document
with no <head> yet ("Cannot read properties of null (reading 'appendChild')", a CI failure) or
could pass a page it had only half seen.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.browser.conftest import axe_violations, browser, browser_page  # noqa: F401

pytestmark = pytest.mark.browser

START = '<!doctype html><html lang="en"><head><title>Start</title></head><body><main><h1>Start</h1>' \
        '<a href="/slow">Slow page</a></main></body></html>'
# The slow page's first bytes commit the navigation; its body, with an image that has no text
# alternative, arrives a second later.
SLOW_FIRST = '<!doctype html><html lang="en">'
SLOW_REST = '<head><title>Slow</title></head><body><main><h1>Slow</h1>' \
            '<img src="/pixel.gif"></main></body></html>'


@Request.application
def _site(request: Request) -> Response:
    if request.path == "/slow":
        def arriving() -> Iterator[bytes]:
            yield SLOW_FIRST.encode()
            time.sleep(1.0)
            yield SLOW_REST.encode()
        return Response(arriving(), content_type="text/html; charset=utf-8")
    if request.path == "/pixel.gif":
        return Response(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif")
    return Response(START, content_type="text/html; charset=utf-8")


@pytest.fixture
def site() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _site, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()


def test_axe_checks_the_page_a_click_led_to_after_all_of_it_arrived(site: str, browser_page: Any) -> None:
    page = browser_page
    page.goto(site + "/")
    page.get_by_role("link", name="Slow page").click()
    violations = axe_violations(page)
    assert page.title() == "Slow"
    assert [v["id"] for v in violations] == ["image-alt"]
