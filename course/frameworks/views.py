"""The framework browser: every framework, and one with its outcomes and criteria."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.auth import roles_required
from course.core.nav import nav_item
from course.extensions import db
from course.frameworks.search import MAX_RESULTS, SearchError, matching_ids, parse_query, search_all
from course.models.frameworks import Criterion, Framework, Outcome

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")
nav_item("Frameworks", "frameworks.index", order=10)


@bp.get("/")
@roles_required()
def index() -> Any:
    """All frameworks, with their criteria counts; with ?q= the criteria of every unit it finds."""
    try:
        query = parse_query(request.args.get("q"))
    except SearchError as error:
        return render_template("frameworks/search.html", q=request.args["q"], error=str(error)), 400
    if query is not None:
        hits = search_all(query)
        return render_template("frameworks/search.html", q=query.text, query=query,
                               hits=hits[:MAX_RESULTS], total=len(hits), error=None)
    counts = (
        select(Criterion.framework_id, Criterion.kind, func.count().label("n"))
        .group_by(Criterion.framework_id, Criterion.kind)
    )
    per_framework: dict[int, dict[str, int]] = {}
    for framework_id, kind, n in db.session.execute(counts):
        per_framework.setdefault(framework_id, {})[kind] = n
    frameworks = db.session.scalars(select(Framework).order_by(Framework.code)).all()
    return render_template("frameworks/index.html", frameworks=frameworks, counts=per_framework)


@bp.get("/<code>")
@roles_required()
def detail(code: str) -> Any:
    """One framework: its details, then each outcome with its criteria; ?q= filters them."""
    try:
        query = parse_query(request.args.get("q"))
    except SearchError as error:
        query, search_error = None, str(error)
    else:
        search_error = None
    framework = db.session.scalar(
        select(Framework)
        .where(Framework.code == code)
        .options(selectinload(Framework.outcomes).selectinload(Outcome.criteria))
    )
    if framework is None:
        abort(404)
    found = None if query is None else matching_ids(framework, query)
    html = render_template("frameworks/detail.html", framework=framework, query=query, found=found,
                           q=request.args.get("q", ""), search_error=search_error)
    return html, 400 if search_error else 200
