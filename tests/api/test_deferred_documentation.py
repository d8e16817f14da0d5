"""``CarecourseApi.register_blueprint`` does what flask-smorest's own ``Api.register_blueprint``
does, with the documentation half deferred until the OpenAPI document is read (course/api/core.py).

Ours restates flask-smorest's steps rather than calling its method, so this test reads the
installed flask-smorest's method and fails if a new version does anything ours does not: that
step would have to be added to ours too.
"""
from __future__ import annotations

import ast
import inspect
import re
import textwrap

from flask_smorest import Api

from course.api.core import CarecourseApi


def _statements(method: object, *, nested: bool) -> list[str]:
    """The method's simple statements as source text (its docstring left out); with ``nested``,
    those of functions it defines too."""
    function = ast.parse(textwrap.dedent(inspect.getsource(method))).body[0]
    nodes = ast.walk(function) if nested else iter(function.body)  # type: ignore[attr-defined]
    return [ast.unparse(node) for node in nodes
            if isinstance(node, (ast.Assign, ast.Expr)) and not isinstance(getattr(node, "value", None), ast.Constant)]


def test_ours_takes_every_step_flask_smorest_takes_to_register_a_blueprint() -> None:
    # Ours names the blueprint ``name`` and, documenting later, reads the document it holds.
    theirs = [re.sub(r"\bblp_name\b", "name", step).replace("self.spec", "self._spec")
              for step in _statements(Api.register_blueprint, nested=False)]
    ours = _statements(CarecourseApi.register_blueprint, nested=True)
    assert len(theirs) >= 4, theirs  # the name, the app's blueprint, the views' documentation, the tag
    missing = [step for step in theirs if step not in ours]
    assert missing == [], ("flask-smorest's Api.register_blueprint has steps CarecourseApi.register_blueprint "
                           f"lacks: {missing}")


def test_ours_defers_only_the_documentation() -> None:
    top_level = _statements(CarecourseApi.register_blueprint, nested=False)
    assert top_level[-1] == "self.document_later(document)"
    assert not any("register_views_in_doc" in step or ".tag(" in step for step in top_level)
