"""Security headers on every response: Content-Security-Policy, HSTS over HTTPS, and no-store.

- The policy allows scripts, styles, images and connections from this site only, plus inline
  ``<script nonce="{{ csp_nonce() }}">`` elements carrying this request's nonce. Nothing inline
  runs without it: no ``on...=`` attributes, no ``style=`` attributes, no ``<style>`` blocks, no
  ``eval``. It is the second layer behind the HTML sanitiser (question_bank.text), which the player
  relies on when it writes pages and stems with ``innerHTML``. A view that sends its own policy
  (question images, uploaded files) keeps it.
- ``Strict-Transport-Security`` goes only on requests that arrived over HTTPS (behind a proxy,
  ``CARECOURSE_PROXY_FIX_X_PROTO`` lets werkzeug's ProxyFix say so); never over plain HTTP.
- Every response is ``Cache-Control: no-store`` (pages show learner data, downloads and the JSON
  APIs carry it) except static files and views marked ``@cacheable`` that chose their own caching.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

F = TypeVar("F", bound=Callable[..., Any])

HSTS = "max-age=31536000; includeSubDomains"

# Directive -> sources. data: images: the sanitiser lets pages carry small raster images inline,
# and the player's page has a data: favicon. Images from other sites are not shown.
POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),  # never framed (X-Frame-Options for older browsers)
}


def content_security_policy(nonce: str | None = None) -> str:
    """The Content-Security-Policy value; with ``nonce``, inline scripts carrying it may run."""
    parts = []
    for directive, sources in POLICY.items():
        if directive == "script-src" and nonce:
            sources = (*sources, f"'nonce-{nonce}'")
        parts.append(" ".join((directive, *sources)))
    return "; ".join(parts)


def csp_nonce() -> str:
    """This request's script nonce, made on first use (the policy names it only then)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def cacheable(view: F) -> F:
    """Declare that a view sets its own Cache-Control (files that hold no learner data)."""
    view.cacheable = True  # type: ignore[attr-defined]
    return view


def _may_keep_cache_control(response: Response) -> bool:
    """Whether the response's own Cache-Control stands: static files, ``@cacheable`` views."""
    if "Cache-Control" not in response.headers or not 200 <= response.status_code < 400:
        return False
    if request.endpoint == "static":
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "cacheable", False))


def add_security_headers(response: Response) -> Response:
    """Set the security headers on ``response`` (an ``after_request`` hook)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(g.get("csp_nonce")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if not _may_keep_cache_control(response):
        headers["Cache-Control"] = "no-store"
    return response


def setup_headers(app: Flask) -> None:
    """Send the security headers on every response of ``app``; ``csp_nonce()`` in templates."""
    app.after_request(add_security_headers)
    app.add_template_global(csp_nonce)
