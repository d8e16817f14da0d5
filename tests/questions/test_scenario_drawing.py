"""Issue 18: the scenario editor draws the branches as a graph (inline SVG): one box per step and
End, one arrow per answer's way on, and unreachable steps, dead ends and loops flagged in colour
(a CSS class) and in words on the box."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from course.questions.scenario_drawing import drawing
from tests.questions.test_forms import scenario_form

NS = {"svg": "http://www.w3.org/2000/svg"}

# s1: a -> s3, b -> s9 (gone), otherwise s2; s2 ends; s3 goes back to s1 (a loop); s4: nothing leads to it
QUESTION = {"type": "scenario", "steps": [
    {"id": "s1", "branches": {"a": "s3", "b": "s9"}, "next": None,
     "question": {"options": [{"id": "a", "text": "Ask him"}, {"id": "b", "text": "Tell him"}]}},
    {"id": "s2", "branches": {}, "next": "end"},
    {"id": "s3", "branches": {}, "next": "s1"},
    {"id": "s4", "branches": {}, "next": None}]}
LABELS = {"s1": "Step 1: First talk", "s2": "Step 2: His son", "s3": "Step 3: The plan, agreed with him and his son",
          "s4": "Step 4: Later"}


def parse(svg: str):
    root = ET.fromstring(str(svg))
    nodes = [(g.get("data-step"), g.get("class"), [t.text for t in g.findall("svg:text", NS)])
             for g in root.findall("svg:g", NS) if g.get("data-step")]
    edges = [(g.get("data-from"), g.get("data-to"), g.get("data-key"), g.get("class"))
             for g in root.findall("svg:g", NS) if g.get("data-from")]
    return root, nodes, edges


def test_the_drawing_has_a_box_per_step_an_arrow_per_way_on_and_flags_in_words():
    root, nodes, edges = parse(drawing(QUESTION, LABELS))
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == (
        "Drawing of the scenario: 4 steps and End, an arrow for each answer; the list of paths below says the "
        "same in words")
    assert nodes == [
        ("s1", "node dead-end", ["Step 1: First talk", "⚠ Dead end"]),
        ("s2", "node", ["Step 2: His son"]),
        ("s3", "node loop", ["Step 3: The plan, agreed with him and h…", "⚠ Loop"]),
        ("s4", "node unreachable", ["Step 4: Later", "⚠ Cannot be reached"]),
        ("end", "node end", ["End"]),
        ("missing", "node dead-end", ["A step that no longer exists", "⚠ Dead end"]),
    ]
    assert edges == [
        ("s1", "s3", "a", "edge"),
        ("s1", "missing", "b", "edge dead-end"),
        ("s1", "s2", "next", "edge"),
        ("s2", "end", "next", "edge"),
        ("s3", "s1", "next", "edge loop"),
        ("s4", "end", "next", "edge"),
    ]
    # boxes in a column, 72 px apart; an arrow curves out further the more rows it spans
    rects = [(r.get("x"), r.get("y")) for r in root.findall("svg:g/svg:rect", NS)]
    assert rects == [("8", str(8 + 72 * i)) for i in range(6)]
    paths = [p.get("d") for p in root.findall("svg:g[@data-from]/svg:path", NS)]
    assert paths[0] == "M308 20 C382 20 382 176 308 176"  # s1 (row 0) to s3 (row 2): 30 + 2 * 22 out
    assert paths[4] == "M308 164 C382 164 382 32 308 32"  # s3 back up to s1


def test_a_clean_scenario_has_no_flags_and_no_missing_box():
    question = {"type": "scenario", "steps": [{"id": "s1", "branches": {"true": "end"}, "next": None},
                                              {"id": "s2", "branches": {}, "next": None}]}
    _root, nodes, edges = parse(drawing(question, {"s1": "Step 1", "s2": "Step 2"}))
    assert nodes == [("s1", "node", ["Step 1"]), ("s2", "node", ["Step 2"]), ("end", "node end", ["End"])]
    assert edges == [("s1", "end", "true", "edge"), ("s1", "s2", "next", "edge"), ("s2", "end", "next", "edge")]


def test_unusable_step_ids_draw_nothing():
    question = {"type": "scenario", "steps": [{"id": "s1"}, {"id": "s1"}]}
    assert str(drawing(question, {})) == ""


def test_the_editor_page_shows_the_drawing_above_the_list_of_paths(client, tutor):
    data = dict(scenario_form(), _add="steps", **{"steps-0-question-options-1-goto": "s9"})
    html = client.post("/questions/new?type=scenario", data=data).get_data(as_text=True)
    section = html.split('id="scenario-graph"', 1)[1].split("</section>", 1)[0]
    assert section.index('id="graph-drawing"') < section.index('id="graph-body"')
    svg = section.split('class="graph-drawing">', 1)[1].split("</div>", 1)[0]
    _root, nodes, edges = parse(svg)
    assert [(n[0], n[1]) for n in nodes] == [("s1", "node dead-end"), ("s2", "node"), ("s3", "node"),
                                             ("end", "node end"), ("missing", "node dead-end")]
    assert nodes[0][2] == ["Step 1: What first?", "⚠ Dead end"]
    assert edges == [("s1", "s3", "a", "edge"), ("s1", "missing", "b", "edge dead-end"), ("s1", "s2", "next", "edge"),
                     ("s2", "end", "next", "edge"), ("s3", "end", "next", "edge")]
    assert "style=" not in svg  # CSP: styled by classes in questions.css
