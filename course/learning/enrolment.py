"""Enrolment: one learner by hand or a whole CSV, all or nothing.

Every function flushes and never commits; the views commit once per request.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from course.authoring.models import Course
from course.extensions import db
from course.learning.errors import Invalid
from course.learning.models import Enrolment
from course.models.users import User
from question_bank.limits import LEARNERS_PER_CSV, too_many


def is_enrolled(user: User, course: Course) -> bool:
    """Whether ``user`` is enrolled on ``course``."""
    return enrolment_of(user, course) is not None


def enrolment_of(user: User, course: Course) -> Enrolment | None:
    """The user's enrolment on the course, or None."""
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_learner_fields(name: str, email: str, cohort: str) -> list[str]:
    problems = []
    if not name.strip():
        problems.append("name is empty")
    elif len(name.strip()) > 200:
        problems.append("name is longer than 200 characters")
    if not EMAIL_RE.match(email.strip()):
        problems.append(f"email {email.strip()!r} is not an email address" if email.strip() else "email is empty")
    if len(cohort.strip()) > 100:
        problems.append("cohort is longer than 100 characters")
    return problems


def refusal(user: User, course: Course) -> str | None:
    """Why the existing account ``user`` cannot be enrolled on ``course``, or None if it can.

    Nothing is said about an account outside the course's organisation beyond that it cannot be
    enrolled: not its organisation, nor its role (a tutor must not learn who works elsewhere).
    Accounts of the tutor's own organisation get the real reason. A learner with no
    organisation can be enrolled.
    """
    own = user.organisation_id == course.organisation_id
    if own and user.role != "learner":
        article = "an" if user.role[0] in "aeiou" else "a"
        return f"{user.email} is {article} {user.role} in your organisation; only learners can be enrolled"
    if not own and (user.organisation_id is not None or user.role != "learner"):
        return f"{user.email} cannot be enrolled with this email address; ask your administrator"
    return None


def enrol_learner(
    course: Course, *, name: str, email: str, cohort: str = "", by: User | None = None
) -> tuple[Enrolment, bool]:
    """Enrol the learner with ``email`` on ``course``, creating the account if new.

    Returns (enrolment, created_account). An account created here has no password: the learner
    sets one through the password reset. An existing enrolment keeps its date and takes the new
    cohort when one is given. Refused (``Invalid``) for bad fields, for a tutor or admin of the
    course's organisation, and for any account of another organisation (``refusal`` says how).
    """
    problems = _check_learner_fields(name, email, cohort)
    if problems:
        raise Invalid("; ".join(problems))
    user = User.by_email(email)
    created = False
    if user is None:
        user = User(email=email, name=name.strip(), role="learner", organisation_id=course.organisation_id)
        db.session.add(user)
        db.session.flush()
        created = True
    else:
        problem = refusal(user, course)
        if problem:
            raise Invalid(problem)
    enrolment = enrolment_of(user, course)
    if enrolment is None:
        enrolment = Enrolment(
            user_id=user.id, course_id=course.id, cohort=cohort.strip(), enrolled_by_id=by.id if by else None
        )
        db.session.add(enrolment)
    elif cohort.strip():
        enrolment.cohort = cohort.strip()
    db.session.flush()
    return enrolment, created


@dataclass
class CsvResult:
    """What an enrolment CSV did: rows enrolled, accounts created, who was not enrolled before."""

    enrolled: int = 0
    created: int = 0
    problems: list[str] = field(default_factory=list)
    newly_enrolled_ids: list[int] = field(default_factory=list)


class CsvError(Invalid):
    """The CSV was refused; ``problems`` names each bad row. Nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


CSV_COLUMNS = ("name", "email", "cohort")


def enrol_from_csv(course: Course, data: bytes | str, *, by: User | None = None) -> CsvResult:
    """Enrol every row of a CSV with columns name, email, cohort (header row required).

    All or nothing: every row is checked first and ``CsvError`` lists each problem as
    "row N: ..." (N counts lines of the file, the header being row 1); nothing is enrolled then.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvError(["the file is not UTF-8 text (save it as \"CSV UTF-8\")"]) from None
    else:
        text = data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) - 1 > LEARNERS_PER_CSV:
        raise CsvError([f"the file has {too_many(len(rows) - 1, LEARNERS_PER_CSV, 'rows')} "
                        "(split it into several files)"])
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvError(["the file is empty; expected a header row: name,email,cohort"])
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in ("name", "email") if c not in header]
    unknown = [c for c in header if c and c not in CSV_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        raise CsvError(["row 1: " + "; ".join(parts) + " (expected name,email,cohort)"])
    col = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    problems: list[str] = []
    wanted: list[tuple[int, str, str, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"row {number}: {len(row)} values, but the header has {len(header)} columns")
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        name, email, cohort = cell("name"), cell("email"), cell("cohort")
        row_problems = _check_learner_fields(name, email, cohort)
        key = User.normalise_email(email)
        if not row_problems and key in seen:
            row_problems.append(f"email {email} is also on row {seen[key]}")
        if not row_problems:
            user = User.by_email(email)
            problem = refusal(user, course) if user is not None else None
            if problem:
                row_problems.append(problem)
        seen.setdefault(key, number)
        if row_problems:
            problems.append(f"row {number}: " + "; ".join(row_problems))
        else:
            wanted.append((number, name, email, cohort))
    if problems:
        raise CsvError(problems)
    if not wanted:
        raise CsvError(["the file has a header but no learners"])
    result = CsvResult()
    before = set(db.session.scalars(select(Enrolment.user_id).where(Enrolment.course_id == course.id)))
    for _, name, email, cohort in wanted:
        enrolment, created = enrol_learner(course, name=name, email=email, cohort=cohort, by=by)
        result.enrolled += 1
        result.created += int(created)
        if enrolment.user_id not in before:
            result.newly_enrolled_ids.append(enrolment.user_id)
    return result
