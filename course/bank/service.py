"""Saving and finding bank questions. Flushes, never commits: the caller owns the transaction."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import exists, func, select

from course.bank.models import QuestionCriterion, QuestionVersion
from course.extensions import db
from question_bank import ValidationError, dump_question, error_paths, load_question


class BankError(ValueError):
    """Questions the bank refuses; `problems` lists "question-id: path: message" strings."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _org_id(organisation: Any) -> int:
    return organisation if isinstance(organisation, int) else organisation.id


def _user_id(user: Any) -> int | None:
    if user is None or isinstance(user, int):
        return user
    return user.id


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "version"} == {
        k: v for k, v in b.items() if k != "version"
    }


def validate_questions(questions: list[dict], *, unmapped: bool = False) -> list[dict]:
    """Canonical forms of all questions, or BankError naming every problem (nothing saved).

    ``unmapped``: questions without a criterion reference are accepted (imports; see
    question_bank.load_question), to be mapped by a tutor before a quiz can take them."""
    problems, canonical, seen = [], [], set()
    for index, q in enumerate(questions):
        name = q.get("id") if isinstance(q, dict) and q.get("id") else f"#{index + 1}"
        try:
            c = dump_question(load_question(q, unmapped=unmapped))
        except ValidationError as exc:
            problems += [f"{name}: {path}: {message}" for path, message in error_paths(exc)]
            continue
        if c["id"] in seen:
            problems.append(f"{name}: the same question id appears twice")
        seen.add(c["id"])
        canonical.append(c)
    if problems:
        raise BankError(problems)
    return canonical


def current_version(organisation: Any, question_id: str) -> QuestionVersion | None:
    return db.session.scalar(
        select(QuestionVersion).where(
            QuestionVersion.organisation_id == _org_id(organisation),
            QuestionVersion.question_id == question_id,
            QuestionVersion.is_current.is_(True),
        )
    )


def _stored_state(org_id: int, ids: list[str]) -> tuple[dict[str, QuestionVersion], dict[str, int]]:
    """The current version row and the highest version number of each id, in a few queries."""
    current: dict[str, QuestionVersion] = {}
    latest: dict[str, int] = {}
    unique = sorted(set(ids))
    for i in range(0, len(unique), 500):  # IN lists within every database's parameter limit
        chunk = unique[i : i + 500]
        mine = (QuestionVersion.organisation_id == org_id, QuestionVersion.question_id.in_(chunk))
        for row in db.session.scalars(select(QuestionVersion).where(*mine, QuestionVersion.is_current.is_(True))):
            current[row.question_id] = row
        for qid, version in db.session.execute(
            select(QuestionVersion.question_id, func.max(QuestionVersion.version))
            .where(*mine).group_by(QuestionVersion.question_id)
        ):
            latest[qid] = version
    return current, latest


def save_questions(
    questions: list[dict], *, organisation: Any, user: Any, unmapped: bool = False
) -> list[QuestionVersion]:
    """Store questions (validated all first): new ids start at version 1; an unchanged question is
    left alone; a changed question is edited in place unless an attempt uses it (`in_use`), in
    which case a new version becomes current. Returns the current version of each, in order.
    ``unmapped`` as for validate_questions."""
    canonical = validate_questions(questions, unmapped=unmapped)
    org_id, user_id = _org_id(organisation), _user_id(user)
    currents, latest = _stored_state(org_id, [q["id"] for q in canonical])
    out = []
    with db.session.no_autoflush:
        for q in canonical:
            current = currents.get(q["id"])
            if current is not None and _same(current.data, q):
                out.append(current)
                continue
            if current is not None and not current.in_use:
                data = dict(q, version=current.version)
                current.data = data
                _fill(current, data)
                out.append(current)
                continue
            version = latest.get(q["id"], 0) + 1
            if current is not None:
                current.is_current = False
            row = QuestionVersion(
                question_id=q["id"],
                version=version,
                organisation_id=org_id,
                is_current=True,
                in_use=False,
                created_by=user_id,
            )
            data = dict(q, version=version)
            row.data = data
            _fill(row, data)
            db.session.add(row)
            out.append(row)
    db.session.flush()
    return out


def _fill(row: QuestionVersion, data: dict) -> None:
    row.type = data["type"]
    row.title = data["title"][:500]
    row.criteria = list(data["criteria"])
    row.tags = list(data.get("tags") or [])
    wanted = list(data["criteria"])
    for link in list(row.criterion_links):
        if link.criterion_ref not in wanted:
            row.criterion_links.remove(link)
    have = {link.criterion_ref: link for link in row.criterion_links}
    for n, ref in enumerate(wanted):
        if ref in have:
            have[ref].position = n
        else:
            row.criterion_links.append(QuestionCriterion(criterion_ref=ref, position=n))


def current_questions(
    organisation: Any,
    criterion: str | None = None,
    tag: str | None = None,
    *,
    include_unmapped: bool = False,
) -> list[QuestionVersion]:
    """Current versions of the organisation's questions, by question id; optionally only those
    evidencing `criterion` or carrying `tag`.

    Questions not yet mapped to any criterion (imported without one) are left out unless
    `include_unmapped`: the bank's own list and exports show them, quizzes never take them."""
    stmt = select(QuestionVersion).where(
        QuestionVersion.organisation_id == _org_id(organisation),
        QuestionVersion.is_current.is_(True),
    )
    if not include_unmapped and criterion is None:
        stmt = stmt.where(
            exists().where(QuestionCriterion.question_version_id == QuestionVersion.id)
        )
    if criterion is not None:
        stmt = stmt.join(QuestionCriterion).where(QuestionCriterion.criterion_ref == criterion)
    rows = list(db.session.scalars(stmt.order_by(QuestionVersion.question_id)))
    if tag is not None:
        rows = [r for r in rows if tag in (r.tags or [])]
    return rows


def get_version(
    question_id: str, version: int, *, organisation: Any = None
) -> QuestionVersion | None:
    """One version of a question (within an organisation when given)."""
    stmt = select(QuestionVersion).where(
        QuestionVersion.question_id == question_id, QuestionVersion.version == version
    )
    if organisation is not None:
        stmt = stmt.where(QuestionVersion.organisation_id == _org_id(organisation))
    return db.session.scalars(stmt).first()


def mark_in_use(row: QuestionVersion) -> None:
    """Called when an attempt first uses this version: from now on edits make a new version."""
    row.in_use = True


def question_data(row: QuestionVersion) -> dict:
    return copy.deepcopy(row.data)


def count_unmapped(organisation: Any) -> int:
    """How many current questions of the organisation evidence no criterion yet."""
    return db.session.scalar(
        select(func.count(QuestionVersion.id)).where(
            QuestionVersion.organisation_id == _org_id(organisation),
            QuestionVersion.is_current.is_(True),
            ~exists().where(QuestionCriterion.question_version_id == QuestionVersion.id),
        )
    )
