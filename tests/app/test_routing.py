"""URLs built by the app's lazily compiled rules are exactly those werkzeug's own rules build."""
from __future__ import annotations

import pytest
from werkzeug.routing import Map, Rule

from course.routing import LazyBuilderRule

RULES = [
    ("/courses/<slug>/modules/<module_slug>", {}),
    ("/jobs/<id>/output", {}),
    ("/reports/<int:page>", {"page": 1}),
    ("/files/<path:name>", {}),
    ("/", {}),
]
VALUES = [
    ("/courses/<slug>/modules/<module_slug>", {"slug": "care ä", "module_slug": "m01"}),
    ("/courses/<slug>/modules/<module_slug>", {"slug": "c", "module_slug": "m/1", "next": "/a b?c"}),
    ("/jobs/<id>/output", {"id": "0f" * 16, "download": "1", "tag": ["a", "b"]}),
    ("/reports/<int:page>", {}),
    ("/reports/<int:page>", {"page": 1, "q": "Smith & Sons"}),
    ("/files/<path:name>", {"name": "modules/m01.quiz.js"}),
    ("/", {"q": "x"}),
]


def _adapter(rule_class: type[Rule]) -> object:
    url_map = Map([rule_class(path, endpoint=path, defaults=defaults or None) for path, defaults in RULES])
    return url_map.bind("lms.example.org", "/carecourse")


@pytest.mark.parametrize("endpoint, values", VALUES)
@pytest.mark.parametrize("append_unknown", [True, False])
def test_lazy_rules_build_what_werkzeug_builds(endpoint, values, append_unknown):
    eager, lazy = _adapter(Rule), _adapter(LazyBuilderRule)
    built = lazy.build(endpoint, values, append_unknown=append_unknown)
    assert built == eager.build(endpoint, values, append_unknown=append_unknown)
    # again, from the builder compiled by the first call
    assert lazy.build(endpoint, values, append_unknown=append_unknown) == built


def test_the_app_uses_them_and_url_for_works(app):
    from flask import url_for

    # every rule but Flask's static one, which Flask adds as the app is made
    kinds = [(rule.endpoint == "static", type(rule)) for rule in app.url_map.iter_rules()]
    assert kinds.count((True, Rule)) == 1 and kinds.count((False, LazyBuilderRule)) == len(kinds) - 1 > 150
    with app.test_request_context():
        assert url_for("static", filename="app.css", v="2") == "/static/app.css?v=2"
