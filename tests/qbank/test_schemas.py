"""The question schemas: defaults, refusals with field paths, the scenario step graph."""

import json
from pathlib import Path

import pytest

from question_bank import QuestionSchema, ValidationError, dump_question, error_paths, load_question
from question_bank.schemas import CHILD_SCHEMAS, TYPE_SCHEMAS
from question_bank.types import REGISTRY
from tests.qbank.builders import EXAMPLES, make

ROOT = Path(__file__).resolve().parents[2]


def paths(data) -> dict:
    with pytest.raises(ValidationError) as caught:
        load_question(data)
    return dict(error_paths(caught.value))


def test_every_registered_type_has_a_schema_and_an_example():
    assert set(TYPE_SCHEMAS) == set(REGISTRY) == set(EXAMPLES)
    assert set(CHILD_SCHEMAS) == set(REGISTRY) - {"scenario"}


@pytest.mark.parametrize("qtype", sorted(EXAMPLES))
def test_minimal_question_loads_with_defaults_and_round_trips(qtype):
    question = load_question(make(qtype))
    data = dump_question(question)
    assert data["stem_format"] == "markdown"
    assert data["points"] == 1.0
    assert data["difficulty"] == "medium"
    assert data["tags"] == [] and data["general_feedback"] == ""
    assert list(data)[:3] == ["id", "version", "type"]
    assert load_question(data) == question
    assert dump_question(load_question(data)) == data
    assert json.loads(json.dumps(data)) == data


def test_defaults_of_type_keys():
    sa = dump_question(load_question(make("short_answer")))
    assert sa["gaps"] == [{"id": "g1", "answers": [{"text": "x", "credit": 1.0, "feedback": ""}],
                           "options": None, "case_sensitive": False, "wildcard": False}]
    nu = dump_question(load_question(make("numeric")))
    assert nu["answers"] == [{"value": 2.0, "tolerance": 0.0, "credit": 1.0, "feedback": ""}]
    assert nu["unit"] is None
    es = dump_question(load_question(make("essay")))
    assert (es["word_limit"], es["min_words"], es["marker_guidance"]) == (None, 0, "")
    assert dump_question(load_question(make("ordering")))["shuffle"] is True
    assert dump_question(load_question(make("multiple_response")))["all_or_nothing"] is False


@pytest.mark.parametrize("data, where", [
    (make("true_false", colour="red"), "colour"),
    (make("true_false", answer=1), "answer"),
    (make("true_false", answer="true"), "answer"),
    (make("true_false", points="1"), "points"),
    (make("true_false", points=0), "points"),
    (make("true_false", points=float("nan")), "points"),
    (make("true_false", version=True), "version"),
    (make("true_false", version=0), "version"),
    (make("true_false", id="has space"), "id"),
    (make("true_false", criteria=[]), "criteria"),
    (make("true_false", criteria=["K13"]), "criteria.0"),
    (make("true_false", criteria=["A/B", "A/B"]), "criteria"),
    (make("true_false", difficulty="tricky"), "difficulty"),
    (make("true_false", stem_format="rtf"), "stem_format"),
    (make("true_false", title=""), "title"),
    ({k: v for k, v in make("true_false").items() if k != "criteria"}, "criteria"),
    (make("single_choice", options=[{"id": "a", "text": "A", "correct": True},
                                    {"id": "a", "text": "B", "correct": False}]), "options.1.id"),
    (make("single_choice", options=[{"id": "a", "text": "A", "correct": True},
                                    {"id": "b", "text": "B", "correct": True}]), "options"),
    (make("single_choice", options=[{"id": "a", "text": "A", "correct": False},
                                    {"id": "b", "text": "B", "correct": False}]), "options"),
    (make("single_choice", options=[{"id": "a", "text": "A", "correct": True}]), "options"),
    (make("single_choice", options=[{"id": "a", "text": "A", "correct": True, "score": 1},
                                    {"id": "b", "text": "B", "correct": False}]), "options.0.score"),
    (make("multiple_response", options=[{"id": "a", "text": "A", "correct": False},
                                        {"id": "b", "text": "B", "correct": False}]), "options"),
    (make("matching", premises=[{"id": "p1", "text": "P", "match": "r9"}]), "premises.0.match"),
    (make("matching", responses=[{"id": "r1", "text": "R"}, {"id": "r1", "text": "S"}]),
     "responses.1.id"),
    (make("ordering", items=[{"id": "i1", "text": "1"}]), "items"),
    (make("short_answer", stem="No gaps here."), "gaps.0.id"),
    (make("short_answer", stem="{{g1}} and {{g2}}"), "stem"),
    (make("short_answer", stem="{{g1}} and {{g1}}"), "stem"),
    (make("short_answer", gaps=[{"id": "g1", "answers": [{"text": "x", "credit": 0.5}]}]),
     "gaps.0.answers"),
    (make("short_answer", gaps=[{"id": "g1", "answers": [{"text": "x", "credit": 1.5}]}]),
     "gaps.0.answers.0.credit"),
    (make("short_answer", gaps=[{"id": "g1", "answers": [{"text": "x"}], "options": ["y", "z"]}]),
     "gaps.0.answers.0.text"),
    (make("short_answer", gaps=[{"id": "g1", "answers": [{"text": "x"}], "options": ["x", "x"]}]),
     "gaps.0.options"),
    (make("short_answer", gaps=[{"id": "g1", "answers": [{"text": "x"}], "options": ["x", "y"],
                                 "wildcard": True}]), "gaps.0.wildcard"),
    (make("short_answer", gaps=[{"id": "g1", "answers": []}]), "gaps.0.answers"),
    (make("numeric", answers=[{"value": "3.5"}]), "answers.0.value"),
    (make("numeric", answers=[{"value": 3, "tolerance": -1}]), "answers.0.tolerance"),
    (make("numeric", answers=[{"value": 3, "credit": 0.5}]), "answers"),
    (make("essay", word_limit=0), "word_limit"),
    (make("essay", word_limit=10, min_words=11), "min_words"),
    (make("essay", word_limit=10.0), "word_limit"),
])
def test_refused_with_the_field_path(data, where):
    assert where in paths(data)


def test_unknown_and_missing_type():
    assert "Unknown question type 'hotspot'" in paths(make("essay", type="hotspot"))["type"]
    data = make("essay")
    del data["type"]
    assert paths(data) == {"type": "Missing data for required field."}
    with pytest.raises(ValidationError) as caught:
        load_question(["not", "an", "object"])
    assert error_paths(caught.value) == [("_schema", "Invalid input type: expected an object.")]


@pytest.mark.parametrize("kind", [{}, [], ["essay"], 3, None])
def test_a_type_that_is_not_a_string_is_refused_naming_it(kind):
    assert paths(make("essay", type=kind)) == {"type": f"Unknown question type {kind!r}; expected one of "
                                                       + ", ".join(TYPE_SCHEMAS) + "."}
    scenario = make("scenario")
    scenario["steps"][0]["question"]["type"] = kind
    assert list(paths(scenario)) == ["steps.0.question.type"]


def step(sid, child_id, qtype="true_false", branches=None, next_=None, **keys):
    child = {"id": child_id, "type": qtype, "stem": "?", **keys}
    if qtype == "true_false":
        child.setdefault("answer", True)
    return {"id": sid, "question": child, "branches": branches or {}, "next": next_}


def scenario(*steps):
    return make("scenario", steps=list(steps))


@pytest.mark.parametrize("data, where, message", [
    (scenario(step("s1", "c1", next_="s9")), "steps.0.next", "Unknown step 's9'."),
    (scenario(step("s1", "c1", branches={"true": "s9"})), "steps.0.branches", "Unknown step 's9'."),
    (scenario(step("s1", "c1", branches={"maybe": "end"})), "steps.0.branches",
     "Unknown option 'maybe'."),
    (scenario(step("s1", "c1", "single_choice", branches={"z": "end"},
                   options=EXAMPLES["single_choice"]["options"])), "steps.0.branches",
     "Unknown option 'z'."),
    (scenario(step("s1", "c1", "essay", branches={"true": "end"})), "steps.0.branches",
     "A step of type essay cannot branch."),
    (scenario(step("s1", "c1", next_="end"), step("s2", "c2")), "steps.1.id",
     "Step 's2' cannot be reached from the first step."),
    (scenario(step("s1", "c1"), step("s2", "c2", next_="s1")), "steps",
     "The steps form a cycle: s1 -> s2 -> s1."),
    (scenario(step("s1", "c1", next_="s1")), "steps", "The steps form a cycle: s1 -> s1."),
    (scenario(step("s1", "c1"), step("s1", "c2")), "steps.1.id", "Duplicate id 's1'."),
    (scenario(step("s1", "c1"), step("s2", "c1")), "steps.1.question",
     "Duplicate child question id 'c1'."),
    (scenario(step("end", "c1")), "steps.0.id", "'end' is reserved."),
    (scenario(step("s1", "c1", version=2)), "steps.0.question.version", "Unknown field."),
    (scenario(step("s1", "c1", "scenario")), "steps.0.question.type",
     "A scenario step cannot be a scenario."),
    (make("scenario", steps=[]), "steps", "Shorter than minimum length 1."),
])
def test_scenario_graph_refusals(data, where, message):
    assert paths(data).get(where) == message


def test_scenario_children_inherit_criteria_and_difficulty():
    data = scenario(step("s1", "c1", branches={"false": "s3"}), step("s2", "c2", next_="end"),
                    step("s3", "c3", criteria=["HSCCLD327/K13"], difficulty="hard"))
    data["difficulty"] = "easy"
    loaded = dump_question(load_question(data))
    children = [s["question"] for s in loaded["steps"]]
    assert [c["criteria"] for c in children] == [["NOS-EFFREL/K14"], ["NOS-EFFREL/K14"],
                                                 ["HSCCLD327/K13"]]
    assert [c["difficulty"] for c in children] == ["easy", "easy", "hard"]
    assert loaded["steps"][0]["branches"] == {"false": "s3"}


def test_many_reports_errors_by_index():
    schema = QuestionSchema(many=True)
    good = make("essay")
    assert [q["id"] for q in schema.load([good, good])] == ["q1", "q1"]
    with pytest.raises(ValidationError) as caught:
        schema.load([good, make("essay", points=-1)])
    assert list(caught.value.messages) == [1]
    assert error_paths(caught.value) == [("1.points", "Must be greater than 0.")]


def test_validate_returns_the_messages():
    assert QuestionSchema().validate(make("essay")) == {}
    assert QuestionSchema().validate(make("essay", word_limit=0)) == {
        "word_limit": ["Must be greater than or equal to 1."]}
    assert QuestionSchema().dump(load_question(make("essay")))["type"] == "essay"


def test_shipped_course_questions_load():
    files = sorted((ROOT / "course" / "shipped" / "modules").glob("*.json"))
    assert files, "no shipped modules to check"
    count = 0
    for path in files:
        for data in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            assert load_question(data).id == data["id"], path.name
            count += 1
    assert count >= len(files)


@pytest.mark.parametrize("criteria", [[], None])
def test_an_unmapped_question_loads_only_when_allowed(criteria):
    data = make("scenario", criteria=criteria)
    if criteria is None:
        del data["criteria"]
    expected = ("A question evidences at least one criterion: give one FRAMEWORK/CODE reference."
                if criteria == [] else "Missing data for required field.")
    assert paths(data) == {"criteria": expected}
    loaded = dump_question(data, unmapped=True)
    # the scenario evidences nothing yet; its step will inherit what the scenario is given
    assert loaded["criteria"] == [] and loaded["steps"][0]["question"]["criteria"] is None
    mapped_later = dump_question(dict(loaded, criteria=["NOS-X/K1"]))
    assert mapped_later["steps"][0]["question"]["criteria"] == ["NOS-X/K1"]
    assert "UNMAPPED" not in json.dumps(loaded)
    # every other rule still holds
    with pytest.raises(ValidationError):
        load_question(make("scenario", criteria=[], steps=[]), unmapped=True)
    # a mapped question is unaffected by the flag; a step's own criteria stay
    mapped = make("scenario")
    mapped["steps"][0]["question"]["criteria"] = ["NOS-X/K2"]
    assert dump_question(mapped, unmapped=True) == dump_question(mapped)
    unmapped_parent = make("scenario", criteria=[])
    unmapped_parent["steps"][0]["question"]["criteria"] = ["NOS-X/K2"]
    assert dump_question(unmapped_parent, unmapped=True)["steps"][0]["question"]["criteria"] == ["NOS-X/K2"]
