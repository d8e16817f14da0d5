"""Question versions in memory: the rules the app's database-backed bank follows too.

- A question version is immutable once any response (an attempt) uses it.
- Editing a version in use makes a new version, which becomes current; editing a version no
  one has used yet replaces it in place (same number).
- Every version is kept. Stored marks never change, except through `regrade(..., apply=True)`,
  the explicit tutor action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .marking import mark
from .model import Mark, Question, ResponseError
from .schemas import load_question

__all__ = ["QuestionBank", "RegradeChange", "StoredResponse", "VersionError"]


class VersionError(KeyError):
    """An unknown question id or version, or an id added twice."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(slots=True)
class StoredResponse:
    """One learner response to one question version, with the mark that counts."""

    id: int
    question_id: str
    version: int
    response: Any
    mark: Mark
    marked_version: int


@dataclass(slots=True)
class RegradeChange:
    """What a regrade does to one stored response: new mark, or the error that prevents it."""

    response_id: int
    old: Mark
    new: Mark | None
    error: str | None = None


def _same(a: Mark, b: Mark) -> bool:
    return (a.score, a.max, a.correct, a.pending, a.feedback) == (b.score, b.max, b.correct,
                                                                    b.pending, b.feedback)


class QuestionBank:
    """An in-memory collection of question versions and the responses marked against them."""

    def __init__(self) -> None:
        self._versions: dict[str, list[Question]] = {}
        self._in_use: set[tuple[str, int]] = set()
        self._responses: list[StoredResponse] = []

    def __contains__(self, question_id: str) -> bool:
        return question_id in self._versions

    def __len__(self) -> int:
        return len(self._versions)

    def ids(self) -> list[str]:
        """Question ids, sorted."""
        return sorted(self._versions)

    def add(self, question: dict | Question) -> Question:
        """Add a new question as version 1 (whatever version it carried)."""
        data = question.to_dict() if isinstance(question, Question) else dict(question)
        if data.get("id") in self._versions:
            raise VersionError(f"question {data.get('id')!r} is already in the bank; edit it")
        loaded = load_question({**data, "version": 1})
        self._versions[loaded.id] = [loaded]
        return loaded

    def current(self, question_id: str) -> Question:
        """The current (latest) version."""
        return self.versions(question_id)[-1]

    def get(self, question_id: str, version: int) -> Question:
        """One version; VersionError when it does not exist."""
        for q in self.versions(question_id):
            if q.version == version:
                return q
        raise VersionError(f"question {question_id!r} has no version {version!r}")

    def versions(self, question_id: str) -> list[Question]:
        """Every version, oldest first."""
        try:
            return list(self._versions[question_id])
        except KeyError:
            raise VersionError(f"unknown question {question_id!r}") from None

    def in_use(self, question_id: str, version: int) -> bool:
        """Whether any response (attempt) uses this version."""
        return (question_id, version) in self._in_use

    def mark_in_use(self, question_id: str, version: int) -> None:
        """Record that an attempt uses this version: from now on it is immutable."""
        self.get(question_id, version)
        self._in_use.add((question_id, version))

    def edit(self, question_id: str, data: dict) -> Question:
        """Apply an edit: a new version if the current one is in use, else replace it in place."""
        if data.get("id", question_id) != question_id:
            raise VersionError(f"an edit cannot change the id {question_id!r}")
        versions = self._versions.get(question_id)
        if versions is None:
            raise VersionError(f"unknown question {question_id!r}")
        current = versions[-1]
        candidate = load_question({**data, "id": question_id, "version": current.version})
        if candidate == current:
            return current
        if self.in_use(question_id, current.version):
            candidate = load_question({**data, "id": question_id, "version": current.version + 1})
            versions.append(candidate)
        else:
            versions[-1] = candidate
        return candidate

    def record_response(self, question_id: str, version: int, response: Any) -> StoredResponse:
        """Mark a response against its version, store it, and put the version in use."""
        question = self.get(question_id, version)
        result = mark(question, response)
        self._in_use.add((question_id, version))
        stored = StoredResponse(len(self._responses) + 1, question_id, version, response, result,
                                version)
        self._responses.append(stored)
        return stored

    def responses(self, question_id: str, version: int | None = None) -> list[StoredResponse]:
        """Stored responses to a question (to one version when given), in the order recorded."""
        return [r for r in self._responses
                if r.question_id == question_id and (version is None or r.version == version)]

    def regrade(self, question_id: str, to_version: int | None = None, *,
                from_versions: list[int] | None = None, apply: bool = False) -> list[RegradeChange]:
        """Re-mark stored responses against `to_version` (default: current); return the changes.

        Only responses whose mark would change are listed. With apply=True the new marks are
        stored (responses that no longer fit the chosen version keep their old mark and are
        listed with the error).
        """
        if to_version is None:
            target = self.current(question_id)
        else:
            target = self.get(question_id, to_version)
        changes = []
        for stored in self.responses(question_id):
            if from_versions is not None and stored.version not in from_versions:
                continue
            try:
                new = mark(target, stored.response)
            except ResponseError as error:
                changes.append(RegradeChange(stored.id, stored.mark, None, str(error)))
                continue
            if _same(new, stored.mark):
                continue
            changes.append(RegradeChange(stored.id, stored.mark, new))
            if apply:
                stored.mark = new
                stored.marked_version = target.version
        return changes
