"""QuestionBank: versions are immutable once used; edits, lookups and explicit regrades."""

import pytest

from question_bank.versions import QuestionBank, VersionError
from tests.qbank.builders import make

OPTIONS_B_RIGHT = [{"id": "a", "text": "A", "correct": False}, {"id": "b", "text": "B", "correct": True}]


@pytest.fixture
def bank():
    bank = QuestionBank()
    bank.add(make("single_choice", version=7))
    return bank


def test_add_starts_at_version_one_and_refuses_the_same_id(bank):
    assert [q.version for q in bank.versions("q1")] == [1]
    assert bank.ids() == ["q1"] and "q1" in bank and len(bank) == 1
    with pytest.raises(VersionError, match="already in the bank"):
        bank.add(make("single_choice"))


def test_edit_of_unused_version_replaces_it_in_place(bank):
    edited = bank.edit("q1", make("single_choice", title="Better title"))
    assert edited.version == 1
    assert [q.title for q in bank.versions("q1")] == ["Better title"]


def test_edit_of_a_version_in_use_makes_a_new_current_version(bank):
    bank.mark_in_use("q1", 1)
    edited = bank.edit("q1", make("single_choice", options=OPTIONS_B_RIGHT))
    assert edited.version == 2
    assert bank.current("q1") is edited
    assert [q.version for q in bank.versions("q1")] == [1, 2]
    assert bank.get("q1", 1).data["options"][0]["correct"] is True  # the old version is untouched


def test_an_edit_that_changes_nothing_makes_no_version(bank):
    bank.mark_in_use("q1", 1)
    assert bank.edit("q1", make("single_choice")).version == 1
    assert len(bank.versions("q1")) == 1


def test_edit_cannot_change_the_id_and_unknowns_are_named(bank):
    with pytest.raises(VersionError, match="cannot change the id 'q1'"):
        bank.edit("q1", make("single_choice", id="q2"))
    with pytest.raises(VersionError, match="unknown question 'q9'"):
        bank.edit("q9", make("single_choice", id="q9"))
    with pytest.raises(VersionError, match="has no version 3"):
        bank.get("q1", 3)
    with pytest.raises(VersionError, match="unknown question 'q9'"):
        bank.current("q9")


def test_recorded_marks_never_change_without_an_explicit_regrade(bank):
    wrong = bank.record_response("q1", 1, "b")
    right = bank.record_response("q1", 1, "a")
    assert bank.in_use("q1", 1)
    bank.edit("q1", make("single_choice", options=OPTIONS_B_RIGHT))
    assert [r.mark.score for r in bank.responses("q1")] == [0.0, 1.0]

    preview = bank.regrade("q1")
    assert [(c.response_id, c.old.score, c.new.score) for c in preview] == [(wrong.id, 0.0, 1.0),
                                                                             (right.id, 1.0, 0.0)]
    assert [r.mark.score for r in bank.responses("q1")] == [0.0, 1.0]  # a preview changes nothing

    applied = bank.regrade("q1", 2, apply=True)
    assert len(applied) == 2
    assert [(r.mark.score, r.marked_version, r.version) for r in bank.responses("q1")] == [
        (1.0, 2, 1), (0.0, 2, 1)]
    assert bank.regrade("q1", 2) == []


def test_regrade_reports_responses_that_no_longer_fit(bank):
    bank.record_response("q1", 1, "b")
    bank.mark_in_use("q1", 1)
    bank.edit("q1", make("single_choice", options=[{"id": "a", "text": "A", "correct": True},
                                                   {"id": "c", "text": "C", "correct": False}]))
    [change] = bank.regrade("q1", apply=True)
    assert change.new is None and change.error == "unknown option 'b'"
    assert bank.responses("q1")[0].mark.score == 0.0


def test_regrade_can_pick_the_versions_to_regrade(bank):
    bank.record_response("q1", 1, "b")
    bank.edit("q1", make("single_choice", options=OPTIONS_B_RIGHT))
    bank.record_response("q1", 2, "a")
    assert [c.response_id for c in bank.regrade("q1", 1, from_versions=[2])] == [2]
    assert [c.response_id for c in bank.regrade("q1", 2, from_versions=[1])] == [1]
    assert len(bank.responses("q1", 2)) == 1
