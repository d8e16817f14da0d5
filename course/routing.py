"""URL rules that write their URL-building code the first time a URL is built for them.

Werkzeug turns every rule into two small Python functions for ``url_for`` as the rule is added
(``Rule._compile_builder``: building an AST and compiling it). For the app's 156 rules that took
about 70 ms of the app's start-up (cProfile), and most rules never build a URL in a given process
(each RQ job's app, each test's app). Matching a request does not use these functions.
"""
from __future__ import annotations

from typing import Any, Callable

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A werkzeug Rule whose builders are compiled on the first ``url_for`` that needs them."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: Callable[..., tuple[str, str]] | None = None
        compile_now = super()._compile_builder

        # werkzeug binds what this returns to the rule (``__get__``), so it takes the rule first.
        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:
                compiled = compile_now(append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build
