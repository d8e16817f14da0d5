"""The scenario editor's drawn graph: an inline SVG with one box per step (then End), one arrow per
way on (each answer's branch, and the step's own "after this step"), and the problems
``scenario_graph`` finds flagged on the boxes in colour and in words ("Cannot be reached",
"Dead end", "Loop"), so colour is never the only sign.

The layout is a column of boxes in the form's order with the arrows curving on the right, wider
the further they go, so it needs no layout engine and the script draws exactly the same:
``course/static/questions/scenario.js`` (``drawing``) redraws it as the tutor edits; the constants
here and there must agree. The list of paths under it stays the text version. Pure: no Flask.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from course.questions import scenario_graph

NODE_W, NODE_H, ROW, PAD = 300, 48, 72, 8
LABEL_CHARS = 40
FLAG_WORDS = {"unreachable": "Cannot be reached", "dead-end": "Dead end", "loop": "Loop"}
MISSING = "missing"  # the box the arrows to steps that no longer exist point at


@dataclass
class Node:
    id: str
    label: str
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # a step id, "end" or MISSING
    key: str  # the answer's id ("a", "true"), or "next" for the step's own way on
    flag: str = ""  # "dead-end" or "loop"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"


def layout(question: dict, labels: dict[str, str]) -> tuple[list[Node], list[Edge]]:
    """The boxes and arrows of a scenario; ``labels`` names each step id ("Step 2: His son")."""
    graph = scenario_graph.analyse(question)
    if not graph.ids:
        return [], []
    nodes = [Node(i, _short(labels.get(i) or f"Step {n + 1}")) for n, i in enumerate(graph.ids)]
    by_id = {node.id: node for node in nodes}
    looping = {id(choice) for choice, _ in graph.loops}
    dead = {id(choice) for choice in graph.dead_ends}
    edges = []
    for step_id in graph.ids:
        for choice in graph.choices[step_id]:
            flag = "dead-end" if id(choice) in dead else "loop" if id(choice) in looping else ""
            target = MISSING if flag == "dead-end" else choice.target
            edges.append(Edge(step_id, target, choice.key if choice.key is not None else "next", flag))
            if flag and flag not in by_id[step_id].flags:
                by_id[step_id].flags.append(flag)
    for step_id in graph.unreachable:
        by_id[step_id].flags.insert(0, "unreachable")
    nodes.append(Node("end", "End"))
    if any(e.target == MISSING for e in edges):
        nodes.append(Node(MISSING, "A step that no longer exists", ["dead-end"]))
    return nodes, edges


def _node_svg(index: int, node: Node) -> str:
    y = PAD + index * ROW
    classes = " ".join(["node", *node.flags, "end" if node.id == "end" else ""]).strip()
    flag = " · ".join(FLAG_WORDS[f] for f in node.flags)
    return (
        f'<g class="{classes}" data-step="{escape(node.id)}">'
        f'<rect x="{PAD}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"></rect>'
        f'<text x="{PAD + 10}" y="{y + 20}">{escape(node.label)}</text>'
        + (f'<text class="flag" x="{PAD + 10}" y="{y + 38}">⚠ {escape(flag)}</text>' if flag else "")
        + "</g>"
    )


def _edge_geometry(source: int, target: int, ordinal: int) -> tuple[int, int, int, int, int]:
    """(x1, y1, y2, the curve's control x, the label's x offset): the label sits a quarter of the
    way along the curve, near its own step, so two arrows between the same steps do not share it."""
    x1 = PAD + NODE_W
    y1 = PAD + source * ROW + 12 + min(ordinal, 3) * 8
    y2 = PAD + target * ROW + NODE_H // 2
    cx = x1 + 30 + 22 * abs(target - source) + 8 * ordinal
    return x1, y1, y2, cx, (9 * (cx - x1)) // 16


def render(nodes: list[Node], edges: list[Edge]) -> Markup:
    """The SVG (empty when there is nothing to draw)."""
    if not nodes:
        return Markup("")
    index = {node.id: i for i, node in enumerate(nodes)}
    parts, ordinals, right = [], {}, PAD + NODE_W
    for edge in edges:
        k = ordinals[edge.source] = ordinals.get(edge.source, -1) + 1
        x1, y1, y2, cx, mid = _edge_geometry(index[edge.source], index[edge.target], k)
        right = max(right, cx)
        classes = " ".join(["edge", edge.flag]).strip()
        parts.append(
            f'<g class="{classes}" data-from="{escape(edge.source)}" data-to="{escape(edge.target)}" '
            f'data-key="{escape(edge.key)}"><path d="M{x1} {y1} C{cx} {y1} {cx} {y2} {x1} {y2}" '
            f'marker-end="url(#graph-arrow)"></path>'
            f'<text x="{x1 + mid + 3}" y="{(27 * y1 + 5 * y2) // 32 + 4}">{escape(edge.key)}</text></g>'
        )
    width, height = right + 40, 2 * PAD + len(nodes) * ROW - (ROW - NODE_H)
    steps = sum(1 for n in nodes if n.id not in ("end", MISSING))
    return Markup(
        f'<svg class="scenario-drawing" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="graph-drawing-title">'
        f'<title id="graph-drawing-title">Drawing of the scenario: {steps} step{"s" if steps != 1 else ""} '
        "and End, an arrow for each answer; the list of paths below says the same in words</title>"
        '<defs><marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z"></path></marker></defs>'
        + "".join(parts)
        + "".join(_node_svg(i, node) for i, node in enumerate(nodes))
        + "</svg>"
    )


def drawing(question: dict, labels: dict[str, str]) -> Markup:
    """The drawn graph of a scenario, as the page shows it before any edit."""
    return render(*layout(question, labels))
