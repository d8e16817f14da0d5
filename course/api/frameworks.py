"""The API's frameworks (NOS standards, QCF and RQF units, shared by every organisation):
read only."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from course.api.core import api_roles, fail
from course.api.docs import CODE, errors
from course.api.resources import AUTHORS, api_blueprint, one_page
from course.api.schemas import FrameworkOut, FrameworkSummary, QueryArgs
from course.extensions import db
from course.models.frameworks import Framework

bp = api_blueprint("api_frameworks", "/api/v1/frameworks",
                   "Frameworks (NOS standards, QCF and RQF units) with outcomes and criteria; "
                   "read only.")


def _framework_out(fw: Framework) -> dict[str, Any]:
    return {
        "code": fw.code, "kind": fw.kind, "title": fw.title, "glh": fw.glh, "version": fw.version,
        "level": fw.level, "credit": fw.credit, "tqt": fw.tqt, "tqt_hours": fw.tqt_hours,
        "urn": fw.urn, "overview": fw.overview, "keywords": fw.keywords,
        "outcomes": [{
            "code": o.code, "ref": f"{fw.code}/{o.code}", "title": o.title, "kind": o.kind,
            "criteria": [{"code": c.code, "ref": f"{fw.code}/{c.code}", "kind": c.kind, "text": c.text,
                          "workplace": c.workplace} for c in o.criteria],
        } for o in fw.outcomes],
    }


@bp.route("")
class Frameworks(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QueryArgs, location="query")
    @bp.response(200, FrameworkSummary(many=True))
    @bp.paginate()
    @errors(bp)
    def get(self, args: dict, pagination_parameters: Any) -> Any:
        """Every framework, by code."""
        rows = list(db.session.scalars(select(Framework).order_by(Framework.code)))
        return one_page(rows, pagination_parameters)


@bp.route("/<code>", parameters=[CODE])
class FrameworkDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, FrameworkOut)
    @errors(bp, (404, "No framework has this code."))
    def get(self, code: str) -> Any:
        """One framework with its outcomes and criteria."""
        fw = Framework.by_code(code)
        if fw is None:
            fail(404, f"No framework {code!r}.")
        return _framework_out(fw)
