"""The question form, driven by one field spec per question type.

A form is described by nodes: ``Field`` (one input), ``Rows`` (a repeatable list: options,
premises, gaps, steps...), ``Group`` (a nested object: a scenario's case) and ``Child`` (a
scenario step's question, whose fields depend on its own type). One generic mechanism does
everything else:

* ``parse_form`` reads submitted form data into a *draft*: nested dicts and lists of raw strings,
  shaped like the question JSON; ``apply_action`` adds or removes a row of the draft;
* ``draft_to_question`` turns a draft into question JSON for ``question_bank.schemas``, and
  records which form input each JSON path came from, so that ``map_errors`` can put each
  marshmallow error next to its field;
* ``question_to_draft`` fills a draft from stored question JSON (to edit it);
* the template ``questions/_fields.html`` renders nodes and a draft with the same input names.

Input names join the path with "-": ``title``, ``options-0-text``, ``steps-1-question-options-0-id``.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any, ClassVar

from question_bank import REGISTRY

OMIT = object()  # a draft value that leaves its key out of the JSON (the schema's default applies)
LIST_KINDS = ("criteria", "child_criteria")  # ticked boxes: a list of values, not one string

TYPE_LABELS: dict[str, str] = {
    "single_choice": "Single choice",
    "multiple_response": "Multiple response",
    "true_false": "True or false",
    "matching": "Matching",
    "ordering": "Ordering",
    "short_answer": "Short answer with gaps",
    "numeric": "Numeric",
    "essay": "Essay",
    "scenario": "Scenario",
}
assert set(TYPE_LABELS) == set(REGISTRY), "a question type has no form label"


@dataclass(frozen=True)
class Field:
    """One input. ``kind`` says how it is shown and how its text becomes JSON (see ``_convert``)."""

    node: ClassVar[str] = "field"
    name: str
    label: str
    kind: str = "text"
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    default: Any = ""
    more: bool = False  # shown under "More settings", collapsed, so the form stays short


@dataclass(frozen=True)
class Rows:
    """A repeatable list of rows, each with the same fields; ``ids`` prefills new rows' ids."""

    node: ClassVar[str] = "rows"
    name: str
    label: str
    item: str
    fields: tuple[Any, ...]
    start: int = 2
    ids: str = "{n}"
    hint: str = ""


@dataclass(frozen=True)
class Group:
    """A nested object with fixed fields."""

    node: ClassVar[str] = "group"
    name: str
    label: str
    fields: tuple[Any, ...]


@dataclass(frozen=True)
class Child:
    """A scenario step's question: the child common fields, then its type's fields."""

    node: ClassVar[str] = "child"
    name: str = "question"
    label: str = "Question"


def _text(name: str, label: str, hint: str = "", default: Any = "", more: bool = False) -> Field:
    return Field(name, label, "text", hint, default=default, more=more)


def _area(name: str, label: str, hint: str = "", more: bool = False) -> Field:
    return Field(name, label, "textarea", hint, more=more)


def _bool(name: str, label: str, default: bool = False, hint: str = "") -> Field:
    return Field(name, label, "bool", hint, default=default)


ID_HINT = "Letters, digits, _ . - and no spaces."
OPTION = (
    _text("id", "Id", ID_HINT),
    _area("text", "Text"),
    _bool("correct", "Correct"),
    _text("feedback", "Feedback", "Shown when this option is chosen."),
)
CHOICES = {
    "difficulty": (("easy", "Easy"), ("medium", "Medium"), ("hard", "Hard")),
    "stem_format": (("markdown", "Markdown"), ("html", "HTML")),
}

TYPE_FIELDS: dict[str, tuple[Any, ...]] = {
    "single_choice": (
        Rows("options", "Options", "Option", OPTION, start=4, ids="{letter}",
             hint="Tick exactly one option as correct."),
        _bool("shuffle", "Shuffle the options for each learner"),
    ),
    "multiple_response": (
        Rows("options", "Options", "Option", OPTION, start=4, ids="{letter}",
             hint="Tick every correct option."),
        _bool("shuffle", "Shuffle the options for each learner"),
        _bool("all_or_nothing", "All or nothing (no partial credit)"),
    ),
    "true_false": (
        Field("answer", "The statement is", "truefalse"),
        _text("feedback_true", "Feedback when the learner answers true"),
        _text("feedback_false", "Feedback when the learner answers false"),
    ),
    "matching": (
        Rows("premises", "Premises", "Premise",
             (_text("id", "Id", ID_HINT), _area("text", "Text"),
              _text("match", "Matching response id", "The id of its response below.")),
             start=3, ids="p{n}"),
        Rows("responses", "Responses", "Response",
             (_text("id", "Id", ID_HINT), _area("text", "Text")), start=3, ids="r{n}",
             hint="Responses no premise points at are distractors."),
        _bool("shuffle", "Shuffle the responses for each learner"),
    ),
    "ordering": (
        Rows("items", "Items, in the correct order", "Item",
             (_text("id", "Id", ID_HINT), _area("text", "Text")), start=3, ids="i{n}",
             hint="Learners always see them shuffled."),
    ),
    "short_answer": (
        Rows("gaps", "Gaps", "Gap",
             (_text("id", "Id", "Write it in the stem as {{id}}, e.g. {{g1}}."),
              Field("answers", "Accepted answers", "gap_answers",
                    "One per line: answer | credit 0 to 1 (default 1) | feedback."),
              Field("options", "Dropdown options", "lines",
                    "One per line; leave empty for a typed answer."),
              _bool("case_sensitive", "Case sensitive"),
              _bool("wildcard", "* in an answer matches any text")),
             start=1, ids="g{n}"),
    ),
    "numeric": (
        Rows("answers", "Answers", "Answer",
             (Field("value", "Value", "number"),
              Field("tolerance", "Tolerance", "number", "Plus or minus; default 0."),
              Field("credit", "Credit", "number", "0 to 1; default 1."),
              _text("feedback", "Feedback")),
             start=1, ids=""),
        Field("unit", "Unit", "opt_text", "Optional, e.g. ml; learners may type it after the number."),
    ),
    "essay": (
        Field("word_limit", "Word limit", "opt_int", "Leave empty for no limit."),
        Field("min_words", "Minimum words", "int", default="0"),
        _area("marker_guidance", "Guidance for the marker"),
    ),
    "scenario": (
        Group("case", "The case", (
            Field("person", "Person", "textarea", "Who it is about."),
            Field("setting", "Setting", "textarea", "Where it happens."),
            Field("situation", "Situation", "textarea", "What is going on."),
        )),
        Rows("steps", "Steps", "Step",
             (_text("id", "Step id"),
              Child(),
              Field("next", "After this step, go to", "step_next")),
             start=1, ids="s{n}"),  # one to start with: "Add step" adds the next, in place
    ),
}
assert set(TYPE_FIELDS) == set(REGISTRY), "a question type has no form fields"

GOTO_HINT = "Where the learner goes after choosing this answer."
CHILD_TYPE_FIELDS: dict[str, tuple[Any, ...]] = {
    "single_choice": (
        Rows("options", "Options", "Option", OPTION + (Field("goto", "If chosen, go to", "goto"),),
             start=4, ids="{letter}", hint="Tick exactly one option as correct."),
        Field("shuffle", "Shuffle the options for each learner", "bool", more=True),
    ),
    "true_false": TYPE_FIELDS["true_false"] + (
        Field("goto_true", "If the learner answers true, go to", "goto"),
        Field("goto_false", "If the learner answers false, go to", "goto"),
    ),
}
# The branch key each "goto" input stands for (an option row's key is that option's id).
GOTO_KEYS = {"goto_true": "true", "goto_false": "false"}

CHILD_TYPES = tuple((name, TYPE_LABELS[name]) for name in TYPE_FIELDS if name != "scenario")

COMMON_FIELDS: tuple[Any, ...] = (
    _text("title", "Title", "Short, for lists and reports."),
    Field("stem", "Question text", "markdown", "Markdown."),
    Field("stem_format", "Text format", "choice", choices=CHOICES["stem_format"], default="markdown", more=True),
    Field("points", "Points", "number", "More than 0; default 1.", default="1", more=True),
    Field("difficulty", "Difficulty", "choice", choices=CHOICES["difficulty"], default="medium", more=True),
    Field("tags", "Tags", "tags", "Separated by commas, e.g. trust, safeguarding.", more=True),
    _area("general_feedback", "General feedback", "Shown after any answer.", more=True),
)

CHILD_FIELDS: tuple[Any, ...] = (
    _text("title", "Step title (optional)"),
    Field("type", "Question type", "child_type", choices=CHILD_TYPES, default="single_choice"),
    Field("stem", "Question text", "markdown"),
)
CHILD_TAIL: tuple[Any, ...] = (
    Field("criteria", "Criteria this step evidences", "child_criteria",
          "None ticked: the scenario's criteria apply."),
    _text("id", "Question id", "Unique within the scenario.", more=True),
    Field("stem_format", "Text format", "choice", choices=CHOICES["stem_format"], default="markdown", more=True),
    Field("points", "Points", "number", "Default 1.", default="1", more=True),
    Field("difficulty", "Difficulty", "choice", choices=(("", "As the scenario"),) + CHOICES["difficulty"],
          more=True),
    Field("tags", "Tags", "tags", "Separated by commas.", more=True),
    _area("general_feedback", "General feedback", more=True),
)


def type_fields(type_name: str) -> tuple[Any, ...]:
    """The type-specific nodes of ``type_name`` (empty for an unknown type)."""
    return TYPE_FIELDS.get(type_name, ())


def child_nodes(draft: dict) -> tuple[Any, ...]:
    """A step question's nodes: the child common fields and its chosen type's fields (with a
    "go to" choice per answer for the types that branch)."""
    type_name = draft.get("type") or "single_choice"
    return CHILD_FIELDS + CHILD_TYPE_FIELDS.get(type_name, type_fields(type_name)) + CHILD_TAIL


# --------------------------------------------------------------------------- drafts


def _row_id(rows: Rows, n: int, taken: set[str]) -> str:
    if not rows.ids:
        return ""
    while True:
        n += 1
        letter = string.ascii_lowercase[(n - 1) % 26] * ((n - 1) // 26 + 1)
        candidate = rows.ids.format(n=n, letter=letter)
        if candidate not in taken:
            return candidate


def blank_draft(nodes: tuple[Any, ...]) -> dict:
    """A draft with every field at its default and each list at its starting number of rows."""
    draft: dict[str, Any] = {}
    for node in nodes:
        if isinstance(node, Field):
            draft[node.name] = [] if node.kind in LIST_KINDS else node.default
        elif isinstance(node, Rows):
            draft[node.name] = []
            for _ in range(node.start):
                add_row(node, draft[node.name])
        elif isinstance(node, Group):
            draft[node.name] = blank_draft(node.fields)
        elif isinstance(node, Child):
            child: dict[str, Any] = {"type": "single_choice"}
            draft[node.name] = blank_draft(child_nodes(child))
    return draft


def add_row(rows: Rows, items: list[dict]) -> None:
    """Append a blank row, with the next free id."""
    row = blank_draft(rows.fields)
    if "id" in row:
        row["id"] = _row_id(rows, len(items), {str(r.get("id")) for r in items})
        if isinstance(row.get("question"), dict) and not row["question"].get("id"):
            row["question"]["id"] = f"{row['id']}-q"  # a step's question: unique as the step id is
    items.append(row)


def parse_form(nodes: tuple[Any, ...], form: Any, prefix: str = "") -> dict:
    """Read a draft from submitted form data (a werkzeug MultiDict)."""
    draft: dict[str, Any] = {}
    for node in nodes:
        name = prefix + node.name
        if isinstance(node, Field):
            if node.kind in LIST_KINDS:
                draft[node.name] = [v.replace("\x00", "")[:200] for v in form.getlist(name)[:500]]
            elif node.kind == "bool":
                draft[node.name] = name in form
            else:
                draft[node.name] = form.get(name, "").replace("\r\n", "\n").replace("\x00", "")
        elif isinstance(node, Rows):
            if name + "-rows" not in form:  # never shown (a step's type just changed): start rows
                draft[node.name] = []
                for _ in range(node.start):
                    add_row(node, draft[node.name])
                continue
            try:
                count = min(int(form.get(name + "-rows", "0")), 200)
            except ValueError:
                count = 0
            draft[node.name] = [parse_form(node.fields, form, f"{name}-{i}-") for i in range(count)]
        elif isinstance(node, Group):
            draft[node.name] = parse_form(node.fields, form, name + "-")
        elif isinstance(node, Child):
            child_type = form.get(name + "-type") or "single_choice"
            draft[node.name] = parse_form(child_nodes({"type": child_type}), form, name + "-")
    return draft


def _find(nodes: tuple[Any, ...], draft: dict, path: list[str]) -> tuple[Any, Any] | None:
    """The node and draft value at ``path`` (names and row indexes)."""
    head, rest = path[0], path[1:]
    for node in nodes:
        if node.name != head:
            continue
        value = draft.get(node.name)
        if not rest:
            return node, value
        if isinstance(node, Rows) and rest[0].isdigit() and int(rest[0]) < len(value):
            row = value[int(rest[0])]
            return (node, value) if len(rest) == 1 else _find(node.fields, row, rest[1:])
        if isinstance(node, Group):
            return _find(node.fields, value, rest)
        if isinstance(node, Child):
            return _find(child_nodes(value), value, rest)
    return None


def apply_action(nodes: tuple[Any, ...], draft: dict, add: str | None, remove: str | None,
                 move: str | None = None) -> bool:
    """Add a row to the list named ``add``, remove the row named ``remove`` (``options-2``), or
    move a row one place up or down (``move``: ``steps-1:up``). Returns whether anything changed.
    """
    if move:
        row_name, _, direction = move.partition(":")
        parts = row_name.split("-")
        if direction in ("up", "down") and len(parts) >= 2 and parts[-1].isdigit():
            found = _find(nodes, draft, parts[:-1])
            index, other = int(parts[-1]), int(parts[-1]) + (1 if direction == "down" else -1)
            if found and isinstance(found[0], Rows) and 0 <= other < len(found[1]) and index < len(found[1]):
                rows = found[1]
                rows[index], rows[other] = rows[other], rows[index]
                return True
    if add:
        found = _find(nodes, draft, add.split("-"))
        if found and isinstance(found[0], Rows) and len(found[1]) < 200:
            add_row(found[0], found[1])
            return True
    if remove:
        parts = remove.split("-")
        if len(parts) >= 2 and parts[-1].isdigit():
            found = _find(nodes, draft, parts[:-1])
            if found and isinstance(found[0], Rows) and int(parts[-1]) < len(found[1]):
                del found[1][int(parts[-1])]
                return True
    return False


# --------------------------------------------------------------------------- draft -> JSON


def _number(text: str) -> Any:
    text = text.strip()
    if not text:
        return OMIT
    try:
        value = float(text)
    except ValueError:
        return text  # the schema says "Not a number." next to the field
    return value


def _integer(text: str) -> Any:
    text = text.strip()
    if not text:
        return OMIT
    try:
        return int(text)
    except ValueError:
        return text


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _gap_answers(text: str) -> list[dict]:
    answers = []
    for line in _lines(text):
        parts = [part.strip() for part in line.split("|")]
        answer: dict[str, Any] = {"text": parts[0]}
        if len(parts) > 1 and parts[1]:
            answer["credit"] = _number(parts[1])
        if len(parts) > 2:
            answer["feedback"] = "|".join(parts[2:]).strip()
        answers.append(answer)
    return answers



def _convert(node: Field, raw: Any) -> Any:
    kind = node.kind
    if kind == "bool":
        return bool(raw)
    if kind == "criteria":
        return list(raw)
    if kind == "child_criteria":  # none ticked: the scenario's criteria
        return list(raw) or OMIT
    if kind == "goto":  # not a key of the question: the step's branches are built from it
        return OMIT
    raw = raw if isinstance(raw, str) else ""
    if kind in ("choice", "child_type"):
        return raw.strip() or OMIT
    if kind == "text":
        return raw.strip()
    if kind in ("textarea", "markdown"):
        return raw.strip("\n").rstrip()
    if kind == "number":
        return _number(raw)
    if kind == "int":
        return _integer(raw)
    if kind == "opt_int":
        value = _integer(raw)
        return None if value is OMIT else value
    if kind in ("opt_text", "step_next"):
        return raw.strip() or None
    if kind == "truefalse":
        return {"true": True, "false": False}.get(raw, OMIT)
    if kind == "tags":
        return [tag.strip() for tag in raw.split(",") if tag.strip()]
    if kind == "lines":
        return _lines(raw) or None
    if kind == "gap_answers":
        return _gap_answers(raw)
    raise ValueError(f"unknown field kind {kind!r}")


def _is_blank(nodes: tuple[Any, ...], row: dict) -> bool:
    """Whether a row holds nothing but its prefilled id and defaults (it is then left out)."""
    for node in nodes:
        value = row.get(node.name)
        if isinstance(node, Field):
            if node.kind in ("bool", "child_type", "choice", "goto", "step_next") or node.name == "id":
                continue
            if node.kind not in LIST_KINDS and isinstance(value, str) and value.strip() and value != node.default:
                return False
        elif isinstance(node, Rows):
            if any(not _is_blank(node.fields, r) for r in value or []):
                return False
        elif isinstance(node, Group | Child):
            sub = node.fields if isinstance(node, Group) else child_nodes(value or {})
            if not _is_blank(sub, value or {}):
                return False
    return True


def draft_to_json(nodes: tuple[Any, ...], draft: dict, json_path: str, form_prefix: str,
                  fieldmap: dict[str, str], labels: dict[str, str] | None = None, label_prefix: str = "") -> dict:
    """The JSON object of ``nodes`` from ``draft``; fills ``fieldmap`` (JSON path -> input name)
    and ``labels`` (input name -> "Step 2 › Question › Options", for the error summary)."""
    labels = {} if labels is None else labels
    out: dict[str, Any] = {}
    for node in nodes:
        path = f"{json_path}{node.name}"
        name = f"{form_prefix}{node.name}"
        fieldmap[path] = name
        labels[name] = label_prefix + node.label
        value = draft.get(node.name)
        if isinstance(node, Field):
            converted = _convert(node, value if value is not None else "")
            if converted is not OMIT:
                out[node.name] = converted
        elif isinstance(node, Rows):
            kept = []
            for form_index, row in enumerate(value or []):
                if _is_blank(node.fields, row):
                    continue
                json_index = len(kept)
                fieldmap[f"{path}.{json_index}"] = f"{name}-{form_index}"
                row_label = f"{label_prefix}{node.item} {form_index + 1}"
                labels[f"{name}-{form_index}"] = row_label
                kept.append(draft_to_json(node.fields, row, f"{path}.{json_index}.",
                                          f"{name}-{form_index}-", fieldmap, labels, row_label + " › "))
            out[node.name] = kept
        elif isinstance(node, Group):
            out[node.name] = draft_to_json(node.fields, value or {}, path + ".", name + "-", fieldmap, labels,
                                           f"{label_prefix}{node.label} › ")
        elif isinstance(node, Child):
            value = value or {}
            out[node.name] = draft_to_json(child_nodes(value), value, path + ".", name + "-", fieldmap, labels,
                                           f"{label_prefix}{node.label} › ")
            out["branches"] = _branches_of(value, json_path, name + "-", form_prefix, fieldmap)
    return out


def _branches_of(child: dict, json_path: str, child_prefix: str, step_prefix: str,
                 fieldmap: dict[str, str]) -> dict[str, str]:
    """A step's ``branches`` from the "go to" choices of its question's answers (an option row
    that is left out, being blank, takes its choice with it); maps each to its input."""
    fieldmap[f"{json_path}branches"] = f"{step_prefix}next"
    branches: dict[str, str] = {}
    nodes = child_nodes(child)
    for node in nodes:
        if isinstance(node, Field) and node.kind == "goto" and (child.get(node.name) or "").strip():
            key = GOTO_KEYS[node.name]
            branches[key] = child[node.name].strip()
            fieldmap[f"{json_path}branches.{key}"] = f"{child_prefix}{node.name}"
        elif isinstance(node, Rows) and any(f.kind == "goto" for f in node.fields if isinstance(f, Field)):
            for index, row in enumerate(child.get(node.name) or []):
                key, target = str(row.get("id") or "").strip(), (row.get("goto") or "").strip()
                if target and key and not _is_blank(node.fields, row):
                    branches[key] = target
                    fieldmap[f"{json_path}branches.{key}"] = f"{child_prefix}{node.name}-{index}-goto"
    return branches


def form_nodes(type_name: str, *, with_id: bool) -> tuple[Any, ...]:
    """Every node of a top-level question form of ``type_name``."""
    head: tuple[Any, ...] = (_text("id", "Question id", "Stable across versions; " + ID_HINT),) if with_id else ()
    criteria = Field("criteria", "Criteria this question evidences", "criteria")
    return head + COMMON_FIELDS + (criteria,) + type_fields(type_name)


def draft_to_question(type_name: str, draft: dict, *, question_id: str | None = None, version: int = 1,
                      labels: dict[str, str] | None = None) -> tuple[dict, dict[str, str]]:
    """Question JSON from a top-level draft, and the JSON-path -> input-name map of its fields
    (``labels``, when given, receives input name -> readable label)."""
    fieldmap: dict[str, str] = {}
    nodes = form_nodes(type_name, with_id=question_id is None)
    body = draft_to_json(nodes, draft, "", "", fieldmap, labels)
    question: dict[str, Any] = {
        "id": question_id if question_id is not None else body.pop("id", ""),
        "version": version,
        "type": type_name,
    }
    fieldmap.setdefault("id", "id")
    body.pop("id", None)
    question.update(body)
    return question, fieldmap


def map_errors(paths: list[tuple[str, str]], fieldmap: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Put each (JSON path, message) next to the input it came from.

    The longest mapped prefix of the path wins; what is left of the path starts the message
    ("line 2: credit: ..." for a gap answer). Messages with no field go to the general list.
    """
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for path, message in paths:
        parts = [p for p in path.split(".") if p and p != "_schema"]
        for cut in range(len(parts), 0, -1):
            name = fieldmap.get(".".join(parts[:cut]))
            if name is None:
                continue
            rest = parts[cut:]
            if rest and rest[0].isdigit():
                rest = [f"line {int(rest[0]) + 1}"] + rest[1:]
            text = f"{': '.join(rest)}: {message}" if rest else message
            by_field.setdefault(name, []).append(text)
            break
        else:
            general.append(f"{path}: {message}" if parts else message)
    return by_field, general


# --------------------------------------------------------------------------- JSON -> draft


def _unconvert(node: Field, value: Any) -> Any:
    kind = node.kind
    if kind == "bool":
        return bool(value)
    if kind in LIST_KINDS:
        return list(value or [])
    if value is None:
        return ""
    if kind == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if kind in ("int", "opt_int"):
        return str(value)
    if kind == "truefalse":
        return "true" if value else "false"
    if kind == "tags":
        return ", ".join(value)
    if kind == "lines":
        return "\n".join(value)
    if kind == "gap_answers":
        lines = []
        for answer in value:
            line = answer["text"]
            if answer.get("credit", 1.0) != 1.0 or answer.get("feedback"):
                line += f" | {answer.get('credit', 1.0):g}"
            if answer.get("feedback"):
                line += f" | {answer['feedback']}"
            lines.append(line)
        return "\n".join(lines)
    return str(value)


def json_to_draft(nodes: tuple[Any, ...], data: dict) -> dict:
    """A draft showing ``data`` (question JSON) in the form of ``nodes``."""
    draft: dict[str, Any] = {}
    for node in nodes:
        value = data.get(node.name)
        if isinstance(node, Field):
            draft[node.name] = _unconvert(node, value)
        elif isinstance(node, Rows):
            draft[node.name] = [json_to_draft(node.fields, row) for row in value or []]
        elif isinstance(node, Group):
            draft[node.name] = json_to_draft(node.fields, value or {})
        elif isinstance(node, Child):
            value = value or {}
            draft[node.name] = json_to_draft(child_nodes(value), value)
    return draft


def question_to_draft(question: dict) -> dict:
    """A draft of a stored question, to edit it. A child's criteria equal to the scenario's are
    shown empty (inherited)."""
    draft = json_to_draft(form_nodes(question["type"], with_id=False), question)
    if question["type"] == "scenario":
        for step, step_draft in zip(question["steps"], draft["steps"]):
            branches = step.get("branches") or {}
            child = step_draft["question"]
            for option in child.get("options") or [] if child.get("type") == "single_choice" else []:
                option["goto"] = branches.get(option.get("id"), "")
            for name, key in GOTO_KEYS.items():
                if name in child:
                    child[name] = branches.get(key, "")
            if step["question"].get("criteria") == question["criteria"]:
                step_draft["question"]["criteria"] = []
            if step["question"].get("difficulty") == question["difficulty"]:
                step_draft["question"]["difficulty"] = ""
    return draft
