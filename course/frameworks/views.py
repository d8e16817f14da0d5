"""The framework browser: every framework, and one with its outcomes and criteria."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.auth import roles_required
from course.core.nav import nav_item
from course.extensions import db
from course.models.frameworks import Criterion, Framework, Outcome

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")
nav_item("Frameworks", "frameworks.index", order=10)


@bp.get("/")
@roles_required()
def index() -> Any:
    """All frameworks, with their criteria counts."""
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
    """One framework: its details, then each outcome with its criteria."""
    framework = db.session.scalar(
        select(Framework)
        .where(Framework.code == code)
        .options(selectinload(Framework.outcomes).selectinload(Outcome.criteria))
    )
    if framework is None:
        abort(404)
    return render_template("frameworks/detail.html", framework=framework)
