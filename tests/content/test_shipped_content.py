"""Content checks on the shipped course (course/shipped/modules/*.json).

Coverage of every knowledge criterion, feedback on every option, no near-duplicate stems, every
key marks full and every distractor less, schema validity, the share of questions inside
scenarios, module shape, workplace essays, en-GB spelling and a readability report.

Run `pytest tests/content -s` to see the readability report.
"""

from __future__ import annotations

import difflib
import re
import string
from pathlib import Path

import pytest

from course.shipped import WORDS_DIR, load_module_files

BRITISH_DICT = Path("/usr/share/dict/british-english")

if not BRITISH_DICT.exists():  # .ci/run installs Debian's wbritish
    pytest.skip(
        f"{BRITISH_DICT} is missing (install the Debian package wbritish)", allow_module_level=True
    )

# Knowledge criteria every one of which needs at least two auto-marked questions: the K items of
# the four NOS and the assessment criteria of QCF-RELNET outcome 1 (counts from the seed units).
KNOWLEDGE_CRITERIA = (
    [f"HSCCLD327/K{i}" for i in range(1, 25)]
    + [f"QCF-RELNET/1.{i}" for i in range(1, 5)]
    + [f"NOS-EFFREL/K{i}" for i in range(1, 51)]
    + [f"NOS-CONTACT/K{i}" for i in range(1, 47)]
    + [f"HSCCLD222/K{i}" for i in range(1, 22)]
)

AUTO_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "matching",
    "ordering",
    "short_answer",
    "numeric",
}

MODULE_FILES = load_module_files()


def _questions():
    """(module file name, question) for every top-level question."""
    for path, data in MODULE_FILES:
        for q in data["questions"]:
            yield path.name, q


def _leaves():
    """(module file name, where, question, in_scenario, criteria) for every answerable question:
    standalone questions and each scenario child (criteria default to the scenario's)."""
    for name, q in _questions():
        if q.get("type") == "scenario":
            for step in q.get("steps", []):
                child = step["question"]
                where = f"{q['id']}/{step['id']}"
                yield name, where, child, True, child.get("criteria") or q.get("criteria", [])
        else:
            yield name, q["id"], q, False, q.get("criteria", [])


def test_there_is_content():
    assert MODULE_FILES, "no module files in course/shipped/modules"


# --- coverage -------------------------------------------------------------------------------


def test_every_knowledge_criterion_has_two_auto_marked_questions():
    counts = {ref: 0 for ref in KNOWLEDGE_CRITERIA}
    for _name, _where, q, _in_scen, criteria in _leaves():
        if q.get("type") in AUTO_TYPES:
            for ref in set(criteria):
                if ref in counts:
                    counts[ref] += 1
    short = {ref: n for ref, n in counts.items() if n < 2}
    assert not short, f"knowledge criteria with fewer than 2 auto-marked questions: {short}"


def test_at_least_half_of_auto_marked_questions_are_in_scenarios():
    auto = [(in_scen) for _n, _w, q, in_scen, _c in _leaves() if q.get("type") in AUTO_TYPES]
    inside = sum(auto)
    assert auto and inside * 2 >= len(auto), f"{inside} of {len(auto)} inside scenarios"


# --- the whole course document ------------------------------------------------------------


@pytest.fixture(scope="module")
def document():
    from course.shipped import load_shipped_document

    return load_shipped_document()


def test_shipped_document_loads_and_validates(document):
    from scorm_export.document import load_document

    assert document["format"] == "carecourse-course" and document["version"] == 1
    assert [f["code"] for f in document["frameworks"]] == [
        "HSCCLD327", "QCF-RELNET", "NOS-EFFREL", "NOS-CONTACT", "HSCCLD222"
    ]
    assert [m["slug"] for m in document["modules"]] == [p.stem for p, _d in MODULE_FILES]
    load_document(document)  # raises with every problem listed


def test_knowledge_criteria_match_the_seed_units(document):
    """The coverage list above is the seed units' knowledge criteria, no more and no fewer."""
    parsed = {
        f"{f['code']}/{c['code']}"
        for f in document["frameworks"]
        for o in f["outcomes"]
        for c in o["criteria"]
        if c["kind"] == "knowledge"
    }
    assert parsed == set(KNOWLEDGE_CRITERIA)


def test_every_reference_names_a_real_criterion_or_outcome(document):
    criteria = {}
    outcomes = set()
    for f in document["frameworks"]:
        for o in f["outcomes"]:
            outcomes.add(f"{f['code']}/{o['code']}")
            for c in o["criteria"]:
                criteria[f"{f['code']}/{c['code']}"] = c["kind"]
    problems = []
    for path, data in MODULE_FILES:
        m = data["module"]
        problems += [f"{path.name}: outcome {r}" for r in m.get("outcomes", []) if r not in outcomes]
        problems += [
            f"{path.name}: workplace {r} is not a performance criterion"
            for r in m.get("workplace", [])
            if criteria.get(r) != "performance"
        ]
    for name, where, _q, _s, refs in _leaves():
        problems += [f"{name} {where}: criterion {r}" for r in refs if r not in criteria]
    assert not problems, "unknown references:\n" + "\n".join(problems)


# --- feedback -------------------------------------------------------------------------------


def test_every_option_has_feedback():
    missing = []
    for name, where, q, _in_scen, _c in _leaves():
        t = q.get("type")
        if t in ("single_choice", "multiple_response"):
            for opt in q.get("options", []):
                if not str(opt.get("feedback") or "").strip():
                    missing.append(f"{name} {where} option {opt.get('id')}")
        elif t == "true_false":
            for key in ("feedback_true", "feedback_false"):
                if not str(q.get(key) or "").strip():
                    missing.append(f"{name} {where} {key}")
        elif t in ("matching", "ordering"):
            # No per-option feedback in these types: the general feedback must explain.
            if not str(q.get("general_feedback") or "").strip():
                missing.append(f"{name} {where} general_feedback")
        elif t == "short_answer":
            for gap in q.get("gaps", []):
                for ans in gap.get("answers", []):
                    if not str(ans.get("feedback") or "").strip():
                        missing.append(f"{name} {where} gap {gap.get('id')} answer {ans.get('text')}")
    assert not missing, "missing feedback:\n" + "\n".join(missing)


# --- stems ----------------------------------------------------------------------------------

_PUNCT = str.maketrans("", "", string.punctuation + "\u2018\u2019\u201c\u201d\u2013\u2014")


def _normalise(text: str) -> str:
    return " ".join(text.lower().translate(_PUNCT).split())


def test_no_duplicate_or_near_duplicate_stems():
    stems = [(f"{name} {where}", _normalise(q.get("stem", ""))) for name, where, q, _s, _c in _leaves()]
    problems = []
    for i, (wa, a) in enumerate(stems):
        for wb, b in stems[i + 1 :]:
            if a == b:
                problems.append(f"{wa} == {wb}")
                continue
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if sm.real_quick_ratio() >= 0.9 and sm.quick_ratio() >= 0.9 and sm.ratio() >= 0.9:
                problems.append(f"{wa} ~ {wb} ({sm.ratio():.2f})")
    assert not problems, "duplicate or near-duplicate stems:\n" + "\n".join(problems)


# --- marking --------------------------------------------------------------------------------


def _key_and_distractors(q: dict):
    """The key response and a list of responses that must score below full marks."""
    t = q["type"]
    if t == "single_choice":
        key = next(o["id"] for o in q["options"] if o["correct"])
        return key, [o["id"] for o in q["options"] if not o["correct"]]
    if t == "multiple_response":
        right = [o["id"] for o in q["options"] if o["correct"]]
        wrong = [o["id"] for o in q["options"] if not o["correct"]]
        bad = [right + [w] for w in wrong] + [[w] for w in wrong]
        if len(right) > 1:
            bad.append(right[:-1])
        return right, bad
    if t == "true_false":
        return q["answer"], [not q["answer"]]
    if t == "matching":
        key = {p["id"]: p["match"] for p in q["premises"]}
        bad = []
        for p in q["premises"]:
            for r in q["responses"]:
                if r["id"] != p["match"]:
                    bad.append({**key, p["id"]: r["id"]})
                    break
        return key, bad
    if t == "ordering":
        ids = [i["id"] for i in q["items"]]
        bad = [list(reversed(ids))]
        for i in range(len(ids) - 1):
            swapped = ids[:]
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            bad.append(swapped)
        return ids, bad
    if t == "short_answer":
        key, bad = {}, []
        for gap in q["gaps"]:
            best = max(gap["answers"], key=lambda a: a.get("credit", 0))
            key[gap["id"]] = best["text"]
        for gap in q["gaps"]:
            for ans in gap["answers"]:
                if ans.get("credit", 0) < 1:
                    bad.append({**key, gap["id"]: ans["text"]})
        return key, bad
    if t == "numeric":
        best = max(q["answers"], key=lambda a: a.get("credit", 0))
        return best["value"], []
    raise AssertionError(f"no key rule for type {t}")


def _score(result) -> tuple[float, float]:
    if isinstance(result, dict):
        return result["score"], result["max"]
    return result.score, result.max


def test_every_key_marks_full_and_every_distractor_less():
    from question_bank.marking import mark

    problems = []
    for name, where, q, in_scen, criteria in _leaves():
        if q.get("type") not in AUTO_TYPES:
            continue
        if in_scen:
            # A scenario child is marked on its own, as a question of its own: it has no version,
            # and its title and criteria may be inherited from the scenario.
            q = {**q, "version": 1, "title": q.get("title") or where, "criteria": criteria}
        key, bad = _key_and_distractors(q)
        score, top = _score(mark(q, key))
        if not (score == top and top > 0):
            problems.append(f"{name} {where}: key {key!r} scores {score}/{top}")
        for response in bad:
            score, top = _score(mark(q, response))
            if score >= top:
                problems.append(f"{name} {where}: distractor {response!r} scores full marks")
    assert not problems, "\n".join(problems)


def _scenario_paths(q: dict):
    """(path, answers, all_key) for every path through a scenario: key answers everywhere except
    at branching steps, where every option is tried."""
    steps = {st["id"]: st for st in q["steps"]}
    order = [st["id"] for st in q["steps"]]

    def following(step_id):
        i = order.index(step_id)
        return order[i + 1] if i + 1 < len(order) else "end"

    def walk(current, path, answers, all_key):
        if current == "end":
            yield path, answers, all_key
            return
        if current in path:
            raise AssertionError(f"{q['id']}: path loops at {current}")
        step = steps[current]
        child = step["question"]
        key, _bad = _key_and_distractors(child)
        choices = [(key, True)]
        if step.get("branches"):
            if child["type"] == "single_choice":
                choices += [(o["id"], False) for o in child["options"] if o["id"] != key]
            elif child["type"] == "true_false":
                choices.append((not key, False))
        for answer, is_key in choices:
            nxt = step.get("next") or following(current)
            if step.get("branches"):
                branch_key = str(answer).lower() if isinstance(answer, bool) else answer
                nxt = step["branches"].get(branch_key) or nxt
            yield from walk(nxt, path + [current], {**answers, current: answer}, all_key and is_key)

    yield from walk(order[0], [], {}, True)


def test_every_scenario_path_ends_and_the_key_path_marks_full():
    from question_bank.marking import mark

    problems = []
    for name, q in _questions():
        if q.get("type") != "scenario":
            continue
        for path, answers, all_key in _scenario_paths(q):
            try:
                score, top = _score(mark(q, {"path": path, "answers": answers}))
            except Exception as exc:  # noqa: BLE001 - report which path failed and why
                problems.append(f"{name} {q['id']} path {path}: {exc}")
                continue
            if all_key and score != top:
                problems.append(f"{name} {q['id']}: key path {path} scores {score}/{top}")
            if not all_key and score >= top:
                problems.append(f"{name} {q['id']}: path {path} with a wrong answer scores full")
    assert not problems, "\n".join(problems)


# --- schema ---------------------------------------------------------------------------------


def test_every_question_validates():
    from question_bank.schemas import load_question

    problems = []
    for name, q in _questions():
        try:
            load_question(q)
        except Exception as exc:  # noqa: BLE001 - report every failure with its message
            problems.append(f"{name} {q.get('id')}: {exc}")
    assert not problems, "\n".join(problems)


def test_question_ids_are_unique():
    seen = {}
    dupes = []
    for name, q in _questions():
        if q["id"] in seen:
            dupes.append(f"{q['id']} in {seen[q['id']]} and {name}")
        seen[q["id"]] = name
    assert not dupes, "\n".join(dupes)


# --- modules --------------------------------------------------------------------------------


def test_module_shape():
    problems = []
    for path, data in MODULE_FILES:
        m = data["module"]
        if m.get("slug") != path.stem:
            problems.append(f"{path.name}: slug {m.get('slug')!r} is not the file name")
        n = len(m.get("pages", []))
        if not 2 <= n <= 5:
            problems.append(f"{path.name}: {n} pages (2-5 expected)")
        # What its quiz can show: test_second_edition.py, every question reachable by a draw.
    assert not problems, "\n".join(problems)


def test_workplace_modules_end_with_an_essay():
    problems = []
    for path, data in MODULE_FILES:
        m = data["module"]
        if not m.get("workplace"):
            continue
        by_id = {q["id"]: q for q in data["questions"]}
        items = (m.get("quiz") or {}).get("items") or []
        last = by_id.get(items[-1].get("question")) if items else None
        if not last or last.get("type") != "essay":
            problems.append(f"{path.name}: quiz does not end with an essay")
    assert not problems, "\n".join(problems)


# --- spelling -------------------------------------------------------------------------------


def _learner_text(data: dict):
    """(field, text) for every piece of learner-facing text in a module file."""
    m = data["module"]
    yield "module.title", m.get("title", "")
    for page in m.get("pages", []):
        yield f"page {page['slug']} title", page.get("title", "")
        yield f"page {page['slug']} body", page.get("body", "")
    if m.get("quiz"):
        yield "quiz.title", m["quiz"].get("title", "")

    def question_text(prefix: str, q: dict):
        yield f"{prefix} title", q.get("title", "")
        yield f"{prefix} stem", q.get("stem", "")
        yield f"{prefix} general_feedback", q.get("general_feedback", "")
        for opt in q.get("options", []):
            yield f"{prefix} option {opt['id']}", opt.get("text", "")
            yield f"{prefix} option {opt['id']} feedback", opt.get("feedback", "")
        for key in ("feedback_true", "feedback_false"):
            if key in q:
                yield f"{prefix} {key}", q[key]
        for p in q.get("premises", []):
            yield f"{prefix} premise {p['id']}", p.get("text", "")
        for r in q.get("responses", []):
            yield f"{prefix} response {r['id']}", r.get("text", "")
        for it in q.get("items", []):
            yield f"{prefix} item {it['id']}", it.get("text", "")
        for gap in q.get("gaps", []):
            for ans in gap.get("answers", []):
                yield f"{prefix} gap {gap['id']} feedback", ans.get("feedback", "")
        case = q.get("case") or {}
        for key in ("person", "setting", "situation"):
            if key in case:
                yield f"{prefix} case.{key}", case[key]
        for step in q.get("steps", []):
            yield from question_text(f"{prefix}/{step['id']}", step["question"])

    for q in data["questions"]:
        yield from question_text(f"question {q['id']}", q)


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def _words(text: str):
    text = re.sub(r"https?://\S+", " ", text or "")
    text = re.sub(r"\]\(files/[^)]*\)", "] ", text)  # an image's file name is not prose (its alt text is)
    for token in _WORD.findall(text):
        yield token.replace("\u2019", "'")


@pytest.fixture(scope="module")
def speller():
    from spellchecker import SpellChecker

    sp = SpellChecker(language=None)
    sp.word_frequency.load_text_file(str(BRITISH_DICT))
    for path in sorted(WORDS_DIR.glob("*.txt")):
        sp.word_frequency.load_words(
            [w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()]
        )
    return sp


def _known(sp, word: str) -> bool:
    w = word.lower()
    if sp.known([w]):
        return True
    if w.endswith("'s") and sp.known([w[:-2]]):
        return True
    if w.endswith("s'") and sp.known([w[:-1]]):
        return True
    if "-" in w:
        return all(_known(sp, part) for part in w.split("-") if part)
    return False


def test_learner_text_is_spelt_correctly(speller):
    problems = []
    for path, data in MODULE_FILES:
        for field, text in _learner_text(data):
            unknown = sorted({w for w in _words(text) if not _known(speller, w)})
            if unknown:
                problems.append(f"{path.name} {field}: {', '.join(unknown)}")
    assert not problems, "unknown words (fix the spelling or add to course/shipped/words/):\n" + "\n".join(
        problems
    )


# --- readability ----------------------------------------------------------------------------
# Flesch reading ease, hand-written: textstat would need a network download of NLTK data at test
# time, hence the few lines here. Sentences end at . ! ? or at the end of a heading or list line;
# syllables are vowel groups, less a silent final "e", at least one per word.


def _syllables(word: str) -> int:
    w = word.lower()
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1
    return max(1, n)


def flesch(markdown: str) -> float:
    sentences = 0
    words = 0
    syllables = 0
    for line in markdown.splitlines():
        line = re.sub(r"^\s*(#+|[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"[*_`\[\]()>]", " ", line).strip()
        if not line:
            continue
        ws = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", line)
        if not ws:
            continue
        words += len(ws)
        syllables += sum(_syllables(w) for w in ws)
        sentences += max(1, len(re.findall(r"[.!?]+(?=\s|$)", line)))
        if not re.search(r"[.!?]\s*$", line) and re.findall(r"[.!?]+(?=\s|$)", line):
            sentences += 1  # the line's last sentence has no full stop
    if not words:
        return 0.0
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def test_readability_report():
    rows = []
    for path, data in MODULE_FILES:
        for page in data["module"].get("pages", []):
            rows.append((path.name, page["slug"], flesch(page.get("body", ""))))
    assert rows, "no pages"
    print("\nFlesch reading ease per page (60-70 is plain English):")
    for name, slug, score in rows:
        print(f"  {score:6.1f}  {name}  {slug}")
    average = sum(r[2] for r in rows) / len(rows)
    print(f"  {average:6.1f}  course average over {len(rows)} pages")
    assert average >= 50, f"course average Flesch reading ease {average:.1f} is below 50"
