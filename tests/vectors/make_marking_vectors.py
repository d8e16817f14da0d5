#!/usr/bin/env python3
"""Generate the shared marking vectors, tests/vectors/marking.json.

    .venv/bin/python tests/vectors/make_marking_vectors.py > tests/vectors/marking.json

Both engines (question_bank.marking in Python, scorm_export/player/marking.js) must reproduce
every case. The expected values are worked out here from the rules in docs/formats.md, written
out by hand (small rule functions and literal numbers), never by calling either engine, so the
file is an independent check of both. Never edit marking.json by hand: change this script and
regenerate; tests/qbank/test_marking_vectors.py fails when the two disagree.

Standard library only, and deterministic: the same script prints the same bytes.
"""

from __future__ import annotations

import itertools
import json
import sys
from fractions import Fraction

CASES: list[dict] = []
DRAWS: list[dict] = []
CRITERION = "NOS-EFFREL/K14"


def question(qid: str, qtype: str, stem: str = "Choose the best answer.", points: float = 1.0,
             general: str = "", **keys) -> dict:
    """A complete top-level question with every common key written out."""
    return {"id": qid, "version": 1, "type": qtype, "title": qid.replace("-", " ").capitalize(),
            "stem": stem, "stem_format": "markdown", "points": points, "general_feedback": general,
            "criteria": [CRITERION], "difficulty": "medium", "tags": [], **keys}


def child(cid: str, qtype: str, stem: str = "What do you do?", points: float = 1.0,
          general: str = "", **keys) -> dict:
    """A scenario step's question."""
    return {"id": cid, "type": qtype, "stem": stem, "points": points, "general_feedback": general,
            **keys}


def opt(oid: str, correct: bool = False, feedback: str = "") -> dict:
    return {"id": oid, "text": f"Option {oid.upper()}", "correct": correct, "feedback": feedback}


def r6(value: float | Fraction) -> float:
    return round(float(value), 6)


def ok(name: str, q: dict, response, fraction, feedback: list[str], normalised, *,
       pending: bool = False, score=None) -> None:
    """A case that marks: fraction is exact (Fraction/int), score = points x fraction."""
    points = q["points"]
    if pending:
        expect = {"score": 0.0 if score is None else score, "max": points,
                  "fraction": r6(fraction), "correct": None, "pending": True}
    else:
        expect = {"score": r6(Fraction(points).limit_denominator(10**6) * Fraction(fraction))
                  if score is None else score,
                  "max": points, "fraction": r6(fraction), "correct": Fraction(fraction) == 1,
                  "pending": False}
    expect["feedback"] = feedback
    expect["response"] = normalised
    CASES.append({"name": name, "question": q, "response": response, "expect": expect})


def unanswered(name: str, q: dict, response=None) -> None:
    """Not answered: 0, incorrect, nothing pending, only the general feedback."""
    general = [q["general_feedback"]] if q["general_feedback"] else []
    CASES.append({"name": name, "question": q, "response": response,
                  "expect": {"score": 0.0, "max": q["points"], "fraction": 0.0, "correct": False,
                             "pending": False, "feedback": general, "response": None}})


def bad(name: str, q: dict, response, error: str) -> None:
    """A malformed response: the message must contain `error`."""
    CASES.append({"name": name, "question": q, "response": response, "error": error})


def with_general(q: dict, *feedback: str) -> list[str]:
    return [f for f in feedback if f] + ([q["general_feedback"]] if q["general_feedback"] else [])


# --- single choice ----------------------------------------------------------------------------

def single_choice() -> None:
    q = question("sc-trust", "single_choice", general="Trust grows from listening.",
                 options=[opt("a", True, "Yes: listening first builds trust."),
                          opt("b", False, "Not quite: that decides for him."),
                          opt("c"), opt("d")], shuffle=True)
    ok("sc-correct", q, "a", 1, with_general(q, "Yes: listening first builds trust."), "a")
    ok("sc-wrong-with-feedback", q, "b", 0, with_general(q, "Not quite: that decides for him."), "b")
    ok("sc-wrong-no-feedback", q, "c", 0, with_general(q), "c")
    ok("sc-wrong-d", q, "d", 0, with_general(q), "d")
    unanswered("sc-unanswered", q)
    bad("sc-unknown-option", q, "zz", "unknown option 'zz'")
    bad("sc-id-case-matters", q, "A", "unknown option 'A'")
    bad("sc-id-not-trimmed", q, " a", "unknown option ' a'")
    bad("sc-empty-string", q, "", "unknown option ''")
    bad("sc-number", q, 1, "expected an option id")
    bad("sc-list", q, ["a"], "expected an option id")
    bad("sc-boolean", q, True, "expected an option id")
    bad("sc-object", q, {"a": True}, "expected an option id")
    q2 = question("sc-points", "single_choice", points=2.5, options=[opt("x"), opt("y", True)])
    ok("sc-points-correct", q2, "y", 1, [], "y")
    ok("sc-points-wrong", q2, "x", 0, [], "x")


# --- multiple response ------------------------------------------------------------------------

def mr_rule(chosen: set[str], right: set[str], wrong: set[str], all_or_nothing: bool) -> Fraction:
    """+1/#right for each right option chosen, -1/#wrong for each wrong one, floor 0."""
    if all_or_nothing:
        return Fraction(1 if chosen == right else 0)
    earned = Fraction(len(chosen & right), len(right))
    if wrong:
        earned -= Fraction(len(chosen & wrong), len(wrong))
    return max(Fraction(0), earned)


def multiple_response() -> None:
    feedback = {"a": "A is right.", "b": "", "c": "C is right.", "d": "D is not.", "e": ""}
    right, wrong = {"a", "b", "c"}, {"d", "e"}
    q = question("mr-rights", "multiple_response", points=2.0,
                 options=[opt(o, o in right, feedback[o]) for o in "abcde"], shuffle=True,
                 all_or_nothing=False)
    for size in range(6):
        for combo in itertools.combinations("abcde", size):
            name = "mr-partial-" + ("".join(combo) or "none")
            # The learner's order is reversed; the normalised response is in option order.
            ok(name, q, list(reversed(combo)), mr_rule(set(combo), right, wrong, False),
               [feedback[o] for o in combo if feedback[o]], list(combo))
    q2 = question("mr-all-or-nothing", "multiple_response", general="Both a and b.",
                  options=[opt("a", True), opt("b", True), opt("c")], all_or_nothing=True)
    for combo in ["ab", "a", "abc", "", "c", "ba"]:
        chosen = sorted(combo)
        ok(f"mr-aon-{combo or 'none'}", q2, list(combo), mr_rule(set(combo), {"a", "b"}, {"c"}, True),
           with_general(q2), chosen)
    q3 = question("mr-all-correct", "multiple_response",
                  options=[opt("a", True), opt("b", True)])
    ok("mr-no-wrong-options-half", q3, ["b"], Fraction(1, 2), [], ["b"])
    ok("mr-no-wrong-options-full", q3, ["b", "a"], 1, [], ["a", "b"])
    q4 = question("mr-one-right", "multiple_response", points=3.0,
                  options=[opt("a"), opt("b", True), opt("c"), opt("d")])
    ok("mr-one-right-plus-one-wrong", q4, ["b", "d"], mr_rule({"b", "d"}, {"b"}, {"a", "c", "d"}, False),
       [], ["b", "d"])
    ok("mr-one-right-plus-two-wrong", q4, ["a", "b", "c"],
       mr_rule({"a", "b", "c"}, {"b"}, {"a", "c", "d"}, False), [], ["a", "b", "c"])
    ok("mr-one-right-all-wrong-floor", q4, ["a", "c", "d"], 0, [], ["a", "c", "d"])
    unanswered("mr-unanswered", q)
    bad("mr-unknown-option", q, ["a", "zz"], "unknown option 'zz'")
    bad("mr-duplicate-option", q, ["a", "c", "a"], "duplicate option 'a'")
    bad("mr-string-not-list", q, "a", "expected a list")
    bad("mr-object-not-list", q, {"a": True}, "expected a list")
    bad("mr-number-in-list", q, ["a", 2], "expected option ids")
    bad("mr-unknown-before-duplicate", q, ["zz", "zz"], "unknown option 'zz'")


# --- true / false -----------------------------------------------------------------------------

def true_false() -> None:
    q = question("tf-consent", "true_false", general="Consent is asked for each time.",
                 answer=True, feedback_true="Right: ask every time.",
                 feedback_false="No: consent is not given once for all.")
    ok("tf-true-correct", q, True, 1, with_general(q, "Right: ask every time."), True)
    ok("tf-false-wrong", q, False, 0, with_general(q, "No: consent is not given once for all."), False)
    q2 = question("tf-false-answer", "true_false", answer=False, feedback_true="",
                  feedback_false="Correct, it is false.")
    ok("tf-false-correct", q2, False, 1, ["Correct, it is false."], False)
    ok("tf-true-wrong-no-feedback", q2, True, 0, [], True)
    unanswered("tf-unanswered", q)
    bad("tf-string-true", q, "true", "expected true or false")
    bad("tf-number-one", q, 1, "expected true or false")
    bad("tf-number-zero", q, 0, "expected true or false")
    bad("tf-list", q, [True], "expected true or false")


# --- matching ---------------------------------------------------------------------------------

def matching() -> None:
    q = question("mt-roles", "matching", points=3.0, general="Each person has a role.",
                 premises=[{"id": "p1", "text": "Advocate", "match": "r1"},
                           {"id": "p2", "text": "Care coordinator", "match": "r2"},
                           {"id": "p3", "text": "GP", "match": "r3"}],
                 responses=[{"id": "r1", "text": "Speaks up for the person"},
                            {"id": "r2", "text": "Plans the support"},
                            {"id": "r3", "text": "Medical care"},
                            {"id": "r4", "text": "Collects the rent"}], shuffle=True)
    gen = with_general(q)

    def pairs(**given):
        return {"p1": given.get("p1"), "p2": given.get("p2"), "p3": given.get("p3")}

    answer = {"p1": "r1", "p2": "r2", "p3": "r3"}

    def rule(resp):
        return Fraction(sum(1 for p, r in answer.items() if resp.get(p) == r), 3)

    for name, resp in [
        ("mt-all-right", {"p1": "r1", "p2": "r2", "p3": "r3"}),
        ("mt-distractor-used", {"p1": "r1", "p2": "r2", "p3": "r4"}),
        ("mt-two-swapped", {"p1": "r2", "p2": "r1", "p3": "r3"}),
        ("mt-all-wrong-same-response", {"p1": "r4", "p2": "r4", "p3": "r4"}),
        ("mt-one-premise-only", {"p1": "r1"}),
        ("mt-null-premise", {"p1": "r1", "p2": None, "p3": "r3"}),
        ("mt-empty-object", {}),
        ("mt-keys-in-reverse-order", {"p3": "r3", "p2": "r1", "p1": "r1"}),
    ]:
        ok(name, q, resp, rule(resp), gen, pairs(**{k: v for k, v in resp.items()}))
    q2 = question("mt-shared-response", "matching",
                  premises=[{"id": "p1", "text": "Tea", "match": "r1"},
                            {"id": "p2", "text": "Coffee", "match": "r1"}],
                  responses=[{"id": "r1", "text": "Drink"}, {"id": "r2", "text": "Food"}],
                  shuffle=False)
    ok("mt-shared-response-right", q2, {"p1": "r1", "p2": "r1"}, 1, [], {"p1": "r1", "p2": "r1"})
    ok("mt-shared-response-half", q2, {"p1": "r1", "p2": "r2"}, Fraction(1, 2), [],
       {"p1": "r1", "p2": "r2"})
    unanswered("mt-unanswered", q)
    bad("mt-unknown-premise", q, {"p1": "r1", "p9": "r2"}, "unknown premise 'p9'")
    bad("mt-unknown-response", q, {"p1": "r9"}, "unknown response 'r9'")
    bad("mt-number-value", q, {"p1": 1}, "expected a response id")
    bad("mt-list-not-object", q, ["r1", "r2", "r3"], "expected an object")
    bad("mt-string-not-object", q, "r1", "expected an object")


# --- ordering ---------------------------------------------------------------------------------

def lcs(a: list, b: list) -> int:
    """Longest common subsequence by the textbook table (the engine uses another method)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    return table[0][0]


def ordering() -> None:
    items = ["i1", "i2", "i3", "i4"]
    q = question("ord-complaint", "ordering", points=2.0,
                 items=[{"id": i, "text": f"Step {i[1]}"} for i in items], shuffle=True)
    for perm in itertools.permutations(items):
        ok("ord-perm-" + "-".join(perm), q, list(perm), Fraction(lcs(list(perm), items) - 1, 3), [],
           list(perm))
    q2 = question("ord-two", "ordering", items=[{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}],
                  shuffle=True)
    ok("ord-two-right", q2, ["x", "y"], 1, [], ["x", "y"])
    ok("ord-two-reversed", q2, ["y", "x"], 0, [], ["y", "x"])
    five = [f"s{n}" for n in range(1, 6)]
    q3 = question("ord-five", "ordering", general="Plan, do, review.",
                  items=[{"id": i, "text": i} for i in five], shuffle=True)
    for name, perm in [("ord-five-first-moved-last", ["s2", "s3", "s4", "s5", "s1"]),
                       ("ord-five-reversed", ["s5", "s4", "s3", "s2", "s1"]),
                       ("ord-five-two-blocks", ["s4", "s5", "s1", "s2", "s3"]),
                       ("ord-five-adjacent-swap", ["s1", "s3", "s2", "s4", "s5"])]:
        ok(name, q3, perm, Fraction(lcs(perm, five) - 1, 4), with_general(q3), perm)
    unanswered("ord-unanswered", q)
    bad("ord-duplicate-item", q, ["i1", "i1", "i2", "i3"], "duplicate item 'i1'")
    bad("ord-unknown-item", q, ["i1", "i2", "i9", "i4"], "unknown item 'i9'")
    bad("ord-missing-item", q, ["i1", "i2", "i3"], "missing item 'i4'")
    bad("ord-empty-list", q, [], "missing item 'i1'")
    bad("ord-string-not-list", q, "i1", "expected a list")
    bad("ord-number-in-list", q, ["i1", 2, "i3", "i4"], "expected item ids")


# --- short answer -----------------------------------------------------------------------------

def gap(gid: str, answers: list[tuple], options=None, case_sensitive=False, wildcard=False) -> dict:
    return {"id": gid, "answers": [{"text": t, "credit": c, "feedback": f} for t, c, f in answers],
            "options": options, "case_sensitive": case_sensitive, "wildcard": wildcard}


def short_answer() -> None:
    q = question("sa-plan", "short_answer", stem="Their {{g1}} sets out the support they chose.",
                 gaps=[gap("g1", [("care plan", 1.0, "Yes, the care plan."),
                                  ("support plan", 0.5, "Close: we call it the care plan.")])])
    full, half = ["Yes, the care plan."], ["Close: we call it the care plan."]
    for name, text, credit, feedback, normalised in [
        ("sa-exact", "care plan", 1, full, "care plan"),
        ("sa-upper-case", "CARE PLAN", 1, full, "CARE PLAN"),
        ("sa-mixed-case", "Care Plan", 1, full, "Care Plan"),
        ("sa-leading-trailing-spaces", "  care plan  ", 1, full, "care plan"),
        ("sa-internal-spaces", "care    plan", 1, full, "care plan"),
        ("sa-tab-and-newline", "\tcare\n plan\r\n", 1, full, "care plan"),
        ("sa-nbsp", "care\u00a0plan", 1, full, "care plan"),
        ("sa-ideographic-space", "care\u3000plan", 1, full, "care plan"),
        ("sa-thin-space", "care\u2009plan", 1, full, "care plan"),
        ("sa-narrow-nbsp-edges", "\u202fcare plan\u202f", 1, full, "care plan"),
        ("sa-zero-width-space-is-not-space", "care\u200bplan", 0, [], "care\u200bplan"),
        ("sa-full-width-letters-do-not-match", "\uff43\uff41\uff52\uff45 \uff50\uff4c\uff41\uff4e", 0, [],
         "\uff43\uff41\uff52\uff45 \uff50\uff4c\uff41\uff4e"),
        ("sa-partial-credit", "support plan", Fraction(1, 2), half, "support plan"),
        ("sa-partial-credit-case", "Support  Plan", Fraction(1, 2), half, "Support Plan"),
        ("sa-wrong", "risk assessment", 0, [], "risk assessment"),
        ("sa-plural-no-wildcard", "care plans", 0, [], "care plans"),
        ("sa-empty", "", 0, [], ""),
        ("sa-whitespace-only", " \u00a0 ", 0, [], ""),
    ]:
        ok(name, q, {"g1": text}, credit, feedback, {"g1": normalised})
    ok("sa-missing-gap", q, {}, 0, [], {"g1": ""})
    ok("sa-null-gap", q, {"g1": None}, 0, [], {"g1": ""})
    unanswered("sa-unanswered", q)
    bad("sa-unknown-gap", q, {"g2": "care plan"}, "unknown gap 'g2'")
    bad("sa-number-in-gap", q, {"g1": 5}, "expected a string")
    bad("sa-list-not-object", q, ["care plan"], "expected an object")
    bad("sa-string-not-object", q, "care plan", "expected an object")

    q2 = question("sa-case-sensitive", "short_answer", stem="The {{g1}} funds most care.",
                  gaps=[gap("g1", [("NHS", 1.0, "")], case_sensitive=True)])
    ok("sa-case-sensitive-exact", q2, {"g1": "NHS"}, 1, [], {"g1": "NHS"})
    ok("sa-case-sensitive-trimmed", q2, {"g1": " NHS\u00a0"}, 1, [], {"g1": "NHS"})
    ok("sa-case-sensitive-lower", q2, {"g1": "nhs"}, 0, [], {"g1": "nhs"})
    ok("sa-case-sensitive-mixed", q2, {"g1": "Nhs"}, 0, [], {"g1": "Nhs"})

    # U+00E9 (composed) and e + U+0301 (decomposed) are the same text after NFC.
    q3 = question("sa-unicode", "short_answer", stem="She met him at the {{g1}}.",
                  gaps=[gap("g1", [("caf\u00e9", 1.0, "")])])
    ok("sa-nfc-composed", q3, {"g1": "caf\u00e9"}, 1, [], {"g1": "caf\u00e9"})
    ok("sa-nfd-decomposed", q3, {"g1": "cafe\u0301"}, 1, [], {"g1": "caf\u00e9"})
    ok("sa-nfd-upper", q3, {"g1": "CAFE\u0301"}, 1, [], {"g1": "CAF\u00c9"})
    ok("sa-no-accent", q3, {"g1": "cafe"}, 0, [], {"g1": "cafe"})
    q4 = question("sa-unicode-nfd-answer", "short_answer", stem="At the {{g1}}.",
                  gaps=[gap("g1", [("cafe\u0301", 1.0, "")], case_sensitive=True)])
    ok("sa-nfd-answer-composed-response", q4, {"g1": "caf\u00e9"}, 1, [], {"g1": "caf\u00e9"})

    q5 = question("sa-wildcard", "short_answer", stem="Treat people with {{g1}}.",
                  gaps=[gap("g1", [("dignit*", 1.0, "Dignity, yes."),
                                   ("*respect*", 0.5, "Respect is part of it.")], wildcard=True)])
    for name, text, credit, feedback, normalised in [
        ("sa-wild-prefix", "dignity", 1, ["Dignity, yes."], "dignity"),
        ("sa-wild-star-matches-nothing", "dignit", 1, ["Dignity, yes."], "dignit"),
        ("sa-wild-highest-credit-wins", "Dignity and respect", 1, ["Dignity, yes."], "Dignity and respect"),
        ("sa-wild-both-sides", "self-respecting", Fraction(1, 2), ["Respect is part of it."], "self-respecting"),
        ("sa-wild-inner", "respect", Fraction(1, 2), ["Respect is part of it."], "respect"),
        ("sa-wild-anchored", "indignity", 0, [], "indignity"),
        ("sa-wild-empty-never-matches", "", 0, [], ""),
    ]:
        ok(name, q5, {"g1": text}, credit, feedback, {"g1": normalised})
    q6 = question("sa-wildcard-literals", "short_answer", stem="Dose: {{g1}}",
                  gaps=[gap("g1", [("1.5*", 1.0, ""), ("(a)?*", 1.0, ""), ("*", 0.0, "Have another look.")],
                            wildcard=True)])
    ok("sa-wild-dot-is-literal", q6, {"g1": "1x5 mg"}, 0, ["Have another look."], {"g1": "1x5 mg"})
    ok("sa-wild-dot-literal-match", q6, {"g1": "1.5 mg"}, 1, [], {"g1": "1.5 mg"})
    ok("sa-wild-brackets-literal", q6, {"g1": "(a)? yes"}, 1, [], {"g1": "(a)? yes"})
    ok("sa-wild-catch-all-zero-credit", q6, {"g1": "two"}, 0, ["Have another look."], {"g1": "two"})
    q6b = question("sa-wildcard-regex-characters", "short_answer", stem="Code: {{g1}}",
                   gaps=[gap("g1", [("[x]+{2}|^$\\-/*", 1.0, "")], wildcard=True)])
    ok("sa-wild-regex-characters-literal", q6b, {"g1": "[x]+{2}|^$\\-/ ok"}, 1, [],
       {"g1": "[x]+{2}|^$\\-/ ok"})
    ok("sa-wild-regex-characters-not-special", q6b, {"g1": "xx"}, 0, [], {"g1": "xx"})
    q7 = question("sa-star-literal", "short_answer", stem="Area: {{g1}}",
                  gaps=[gap("g1", [("5*3", 1.0, "")], wildcard=False)])
    ok("sa-star-without-wildcard-literal", q7, {"g1": "5*3"}, 1, [], {"g1": "5*3"})
    ok("sa-star-without-wildcard-no-match", q7, {"g1": "5x3"}, 0, [], {"g1": "5x3"})

    q8 = question("sa-three-gaps", "short_answer", points=3.0, general="Consent, always, advocate.",
                  stem="Ask for {{g1}}: {{g2}}. An {{g3}} can speak up for them.",
                  gaps=[gap("g1", [("consent", 1.0, "")]),
                        gap("g2", [("Always", 1.0, "Yes, always."), ("Sometimes", 0.25, "Not only sometimes.")],
                            options=["Always", "Sometimes", "Never"]),
                        gap("g3", [("advocate", 1.0, "Right.")])])
    g = q8["general_feedback"]
    ok("sa3-all-right", q8, {"g1": "Consent", "g2": "Always", "g3": "advocate"}, 1,
       ["Yes, always.", "Right.", g], {"g1": "Consent", "g2": "Always", "g3": "advocate"})
    ok("sa3-keys-reversed", q8, {"g3": "advocate", "g2": "Always", "g1": "consent"}, 1,
       ["Yes, always.", "Right.", g], {"g1": "consent", "g2": "Always", "g3": "advocate"})
    ok("sa3-dropdown-index", q8, {"g1": "consent", "g2": 0, "g3": "advocate"}, 1,
       ["Yes, always.", "Right.", g], {"g1": "consent", "g2": "Always", "g3": "advocate"})
    ok("sa3-dropdown-index-wrong", q8, {"g1": "consent", "g2": 2, "g3": "advocate"}, Fraction(2, 3),
       ["Right.", g], {"g1": "consent", "g2": "Never", "g3": "advocate"})
    ok("sa3-dropdown-partial-credit", q8, {"g1": "consent", "g2": "Sometimes", "g3": "advocate"},
       Fraction(9, 12), ["Not only sometimes.", "Right.", g],
       {"g1": "consent", "g2": "Sometimes", "g3": "advocate"})
    ok("sa3-one-gap-right", q8, {"g3": "Advocate"}, Fraction(1, 3), ["Right.", g],
       {"g1": "", "g2": "", "g3": "Advocate"})
    ok("sa3-nothing-right", q8, {"g1": "x", "g2": "Never", "g3": "y"}, 0, [g],
       {"g1": "x", "g2": "Never", "g3": "y"})
    bad("sa3-index-out-of-range", q8, {"g2": 3}, "index out of range")
    bad("sa3-negative-index", q8, {"g2": -1}, "index out of range")
    bad("sa3-dropdown-case", q8, {"g2": "always"}, "unknown option 'always'")
    bad("sa3-dropdown-not-trimmed", q8, {"g2": " Always"}, "unknown option ' Always'")
    bad("sa3-dropdown-boolean", q8, {"g2": True}, "expected a string")
    bad("sa3-text-gap-number", q8, {"g3": 7}, "expected a string")


# --- numeric ----------------------------------------------------------------------------------

def numeric() -> None:
    q = question("nu-dose", "numeric", points=2.0, stem="How many ml?", unit="ml",
                 answers=[{"value": 3.5, "tolerance": 0.1, "credit": 1.0, "feedback": "Correct: 3.5 ml."},
                          {"value": 35, "tolerance": 0, "credit": 0.0, "feedback": "Check the decimal point."},
                          {"value": 3.5, "tolerance": 0.5, "credit": 0.5, "feedback": "Close."}])
    right, close, slip = ["Correct: 3.5 ml."], ["Close."], ["Check the decimal point."]
    for name, response, credit, feedback, normalised in [
        ("nu-exact", 3.5, 1, right, 3.5),
        ("nu-upper-edge-inclusive", 3.6, 1, right, 3.6),
        ("nu-lower-edge-inclusive", 3.4, 1, right, 3.4),
        ("nu-just-outside-goes-to-wider", 3.61, Fraction(1, 2), close, 3.61),
        ("nu-hair-outside", 3.6000001, Fraction(1, 2), close, 3.6000001),
        ("nu-wide-edge", 4.0, Fraction(1, 2), close, 4.0),
        ("nu-integer-on-wide-edge", 3, Fraction(1, 2), close, 3.0),
        ("nu-outside-all", 4.01, 0, [], 4.01),
        ("nu-zero-credit-feedback", "35", 0, slip, 35.0),
        ("nu-string", "3.5", 1, right, 3.5),
        ("nu-string-spaces", " 3.5 ", 1, right, 3.5),
        ("nu-string-nbsp", "\u00a03.5\u00a0", 1, right, 3.5),
        ("nu-unit-attached", "3.5ml", 1, right, 3.5),
        ("nu-unit-spaced", "3.5 ml", 1, right, 3.5),
        ("nu-leading-plus", "+3.5", 1, right, 3.5),
        ("nu-exponent", ".35e1", 1, right, 3.5),
        ("nu-trailing-dot", "4.", Fraction(1, 2), close, 4.0),
    ]:
        ok(name, q, response, credit, feedback, normalised)
    unanswered("nu-unanswered", q)
    unanswered("nu-empty-string", q, "")
    unanswered("nu-blank-string", q, "   ")
    unanswered("nu-unit-only", q, " ml")
    bad("nu-unit-wrong-case", q, "3.5 ML", "not a number")
    bad("nu-other-unit", q, "3.5 l", "not a number")
    bad("nu-decimal-comma", q, "3,5", "not a number")
    bad("nu-words", q, "three", "not a number")
    bad("nu-two-dots", q, "3.5.1", "not a number")
    bad("nu-full-width-digits", q, "\uff13.\uff15", "not a number")
    bad("nu-infinite", q, "1e400", "not a finite number")
    bad("nu-huge-integer", q, 10**400, "not a finite number")
    bad("nu-boolean", q, True, "expected a number")
    bad("nu-list", q, [3.5], "expected a number")
    bad("nu-object", q, {"value": 3.5}, "expected a number")
    q2 = question("nu-negative", "numeric", stem="Balance?", unit=None,
                  answers=[{"value": -2, "tolerance": 0, "credit": 1.0, "feedback": ""}])
    ok("nu-negative-string", q2, "-2", 1, [], -2.0)
    ok("nu-negative-float-string", q2, "-2.0", 1, [], -2.0)
    ok("nu-float-noise-absorbed", q2, -2.0000000001, 1, [], -2.0000000001)
    ok("nu-negative-off", q2, -2.00001, 0, [], -2.00001)
    ok("nu-positive-wrong-sign", q2, 2, 0, [], 2.0)
    q3 = question("nu-point-three", "numeric", stem="0.1 + 0.2?", unit=None,
                  answers=[{"value": 0.3, "tolerance": 0, "credit": 1.0, "feedback": ""}])
    ok("nu-binary-rounding-absorbed", q3, 0.1 + 0.2, 1, [], 0.30000000000000004)
    ok("nu-exact-zero-tolerance", q3, "0.3", 1, [], 0.3)
    ok("nu-zero-tolerance-miss", q3, 0.31, 0, [], 0.31)


# --- essay ------------------------------------------------------------------------------------

def essay() -> None:
    q = question("es-reflect", "essay", points=5.0, general="A tutor will mark this.",
                 stem="Reflect on a time you supported a choice.", word_limit=10, min_words=2,
                 marker_guidance="Look for the person's voice.")
    gen = ["A tutor will mark this."]

    def pending(name, text, normalised):
        ok(name, q, text, 0, gen, normalised, pending=True)

    pending("es-pending", "I would listen first.", "I would listen first.")
    ten = "one two three four five six seven eight nine ten"
    pending("es-exactly-at-limit", ten, ten)
    pending("es-at-limit-odd-spacing", "  one\ttwo\n\nthree four  five six seven eight nine ten ",
            "  one\ttwo\n\nthree four  five six seven eight nine ten ")
    pending("es-minimum-words", "two words", "two words")
    pending("es-nfd-is-composed", "Cafe\u0301 visit", "Caf\u00e9 visit")
    bad("es-over-limit", q, ten + " eleven", "over the word limit")
    bad("es-over-limit-nbsp", q, ten.replace(" ", "\u00a0") + "\u00a0eleven", "over the word limit")
    bad("es-under-minimum", q, "one", "under the minimum")
    bad("es-empty-under-minimum", q, "", "under the minimum")
    bad("es-number", q, 42, "expected a string")
    unanswered("es-unanswered", q)
    q2 = question("es-open", "essay", stem="Anything else?", word_limit=None, min_words=0,
                  marker_guidance="")
    long_text = " ".join(["word"] * 600)
    ok("es-no-limit-long", q2, long_text, 0, [], long_text, pending=True)
    ok("es-no-minimum-empty", q2, "", 0, [], "", pending=True)


# --- scenario ---------------------------------------------------------------------------------

def scenario() -> None:
    case = {"person": "Mr Okafor, 78, lives alone", "setting": "His flat, a morning visit",
            "situation": "His daughter wants him to move into residential care."}
    s1 = child("c1", "single_choice", stem="His daughter rings you first. What do you do?",
               options=[opt("a", True, "Good: you asked Mr Okafor first."),
                        opt("b", False, "He was not asked."), opt("c")], shuffle=True)
    s2 = child("c2", "true_false", stem="He can refuse the move.", answer=True,
               feedback_true="Yes.", feedback_false="No: it is his decision.")
    s3 = child("c3", "short_answer", points=2.0, stem="Who do you tell? {{g1}}",
               gaps=[gap("g1", [("manager", 1.0, "")])])
    s4 = child("c4", "numeric", points=2.0, stem="How many options did you discuss?",
               answers=[{"value": 2, "tolerance": 0, "credit": 1.0, "feedback": ""}], unit=None)
    q = question("scn-okafor", "scenario", points=4.0, stem="Read the case, then answer each step.",
                 general="Scenario done.", case=case,
                 steps=[{"id": "s1", "question": s1, "branches": {"b": "s3"}, "next": None},
                        {"id": "s2", "question": s2, "branches": {}, "next": "s4"},
                        {"id": "s3", "question": s3, "branches": {}, "next": "end"},
                        {"id": "s4", "question": s4, "branches": {}, "next": None}])
    done = "Scenario done."

    def scn(path, answers):
        return {"path": path, "answers": answers}

    # score = points x (sum of child scores on the path) / (sum of child points on the path)
    ok("scn-main-path-all-right", q, scn(["s1", "s2", "s4"], {"s1": "a", "s2": True, "s4": 2}),
       Fraction(4, 4), ["Good: you asked Mr Okafor first.", "Yes.", done],
       scn(["s1", "s2", "s4"], {"s1": "a", "s2": True, "s4": 2.0}))
    ok("scn-main-path-one-wrong", q, scn(["s1", "s2", "s4"], {"s1": "a", "s2": False, "s4": "2"}),
       Fraction(3, 4), ["Good: you asked Mr Okafor first.", "No: it is his decision.", done],
       scn(["s1", "s2", "s4"], {"s1": "a", "s2": False, "s4": 2.0}))
    ok("scn-unbranched-wrong-option-follows-next", q,
       scn(["s1", "s2", "s4"], {"s1": "c", "s2": True, "s4": 3}), Fraction(1, 4), ["Yes.", done],
       scn(["s1", "s2", "s4"], {"s1": "c", "s2": True, "s4": 3.0}))
    ok("scn-branch-path", q, scn(["s1", "s3"], {"s1": "b", "s3": {"g1": "Manager"}}),
       Fraction(2, 3), ["He was not asked.", done], scn(["s1", "s3"], {"s1": "b", "s3": {"g1": "Manager"}}))
    ok("scn-branch-path-all-wrong", q, scn(["s1", "s3"], {"s1": "b", "s3": {"g1": "nobody"}}),
       0, ["He was not asked.", done], scn(["s1", "s3"], {"s1": "b", "s3": {"g1": "nobody"}}))
    ok("scn-unanswered-step-follows-next", q, scn(["s1", "s2", "s4"], {"s2": True, "s4": 2}),
       Fraction(3, 4), ["Yes.", done], scn(["s1", "s2", "s4"], {"s1": None, "s2": True, "s4": 2.0}))
    ok("scn-null-step-follows-next", q, scn(["s1", "s2", "s4"], {"s1": None, "s2": True, "s4": None}),
       Fraction(1, 4), ["Yes.", done], scn(["s1", "s2", "s4"], {"s1": None, "s2": True, "s4": None}))
    ok("scn-no-answers-key", q, {"path": ["s1", "s2", "s4"]}, 0, [done],
       scn(["s1", "s2", "s4"], {"s1": None, "s2": None, "s4": None}))
    unanswered("scn-unanswered", q)
    bad("scn-path-ignores-branch", q, scn(["s1", "s2", "s4"], {"s1": "b", "s2": True}), "path goes to 's2'")
    bad("scn-path-takes-branch-wrongly", q, scn(["s1", "s3"], {"s1": "a", "s3": {"g1": "x"}}),
        "path goes to 's3' after 's1', but the answers lead to 's2'")
    bad("scn-path-wrong-start", q, scn(["s2", "s4"], {}), "path must start at step 's1'")
    bad("scn-path-empty", q, scn([], {}), "path must start at step 's1'")
    bad("scn-path-stops-early", q, scn(["s1"], {"s1": "a"}), "path stops before step 's2'")
    bad("scn-path-goes-on-after-end", q, scn(["s1", "s3", "s4"], {"s1": "b"}), "path goes on after the end")
    bad("scn-path-repeats-step", q, scn(["s1", "s2", "s4", "s4"], {}), "path goes on after the end")
    bad("scn-unknown-step-in-path", q, scn(["s1", "s9"], {}), "unknown step 's9'")
    bad("scn-unknown-step-in-answers", q, scn(["s1", "s2", "s4"], {"s7": "a"}), "unknown step 's7'")
    bad("scn-answer-off-path", q, scn(["s1", "s2", "s4"], {"s1": "a", "s3": {"g1": "x"}}),
        "which is not on the path")
    bad("scn-child-error-named", q, scn(["s1", "s2", "s4"], {"s1": "zz"}), "step 's1': unknown option 'zz'")
    bad("scn-child-error-deeper", q, scn(["s1", "s3"], {"s1": "b", "s3": {"g9": "x"}}),
        "step 's3': unknown gap 'g9'")
    bad("scn-not-object", q, ["s1", "s2"], "expected an object")
    bad("scn-path-not-list", q, {"path": "s1", "answers": {}}, "expected a list")
    bad("scn-path-missing", q, {"answers": {}}, "expected a list")
    bad("scn-answers-not-object", q, {"path": ["s1"], "answers": ["a"]}, "expected an object")
    bad("scn-unknown-key", q, {"path": ["s1", "s2", "s4"], "answers": {}, "score": 4}, "unknown key 'score'")

    t1 = child("t1", "true_false", stem="She can choose her own GP.", answer=True,
               feedback_true="", feedback_false="")
    t2 = child("t2", "essay", points=3.0, stem="Explain why.", word_limit=50, min_words=1,
               marker_guidance="")
    q2 = question("scn-pending", "scenario", points=2.0, case=case,
                  steps=[{"id": "t1", "question": t1, "branches": {"false": "end"}, "next": None},
                         {"id": "t2", "question": t2, "branches": {}, "next": None}])
    # t1 right (1 of 1), t2 pending (0 of 3): 2 x 1/4 = 0.5 so far, awaiting the tutor.
    ok("scn-essay-step-pending", q2, scn(["t1", "t2"], {"t1": True, "t2": "Because it is her right."}),
       Fraction(1, 4), [], scn(["t1", "t2"], {"t1": True, "t2": "Because it is her right."}),
       pending=True, score=0.5)
    ok("scn-false-branch-to-end", q2, scn(["t1"], {"t1": False}), 0, [], scn(["t1"], {"t1": False}))
    bad("scn-essay-step-over-limit", q2, scn(["t1", "t2"], {"t1": True, "t2": " ".join(["w"] * 51)}),
        "step 't2': over the word limit")
    bad("scn-true-does-not-end", q2, scn(["t1"], {"t1": True}), "path stops before step 't2'")


# --- draws ------------------------------------------------------------------------------------

def ref_mulberry32(seed: int):
    """mulberry32 written out from its definition (the engines implement it separately)."""
    state = [seed % 2**32]

    def imul(a: int, b: int) -> int:
        return (a % 2**32) * (b % 2**32) % 2**32

    def rand() -> float:
        state[0] = (state[0] + 0x6D2B79F5) % 2**32
        a = state[0]
        t = imul(a ^ (a >> 15), a | 1)
        t = (t + imul(t ^ (t >> 7), t | 61)) % 2**32 ^ t
        return (t ^ (t >> 14)) / 2**32

    return rand


def ref_shuffle(items: list, rand) -> list:
    out = list(items)
    i = len(out) - 1
    while i > 0:
        j = int(rand() * (i + 1) // 1)
        out[i], out[j] = out[j], out[i]
        i -= 1
    return out


def ref_orders(q: dict, rand, every_option: bool = False) -> dict:
    """Display orders; `every_option` is the quiz's shuffle_options (it overrides a question's
    shuffle: false for choice options and matching responses, nothing else)."""
    def one(x):
        if x["type"] in ("single_choice", "multiple_response") and (x.get("shuffle") or every_option):
            return ref_shuffle([o["id"] for o in x["options"]], rand)
        if x["type"] == "matching" and (x.get("shuffle") or every_option):
            return ref_shuffle([r["id"] for r in x["responses"]], rand)
        if x["type"] == "ordering":
            return ref_shuffle([i["id"] for i in x["items"]], rand)
        return None

    if q["type"] == "scenario":
        steps = {}
        for s in q["steps"]:
            order = one(s["question"])
            if order is not None:
                steps[s["id"]] = order
        return {"order": None, "step_orders": steps}
    return {"order": one(q)}


def ref_assemble(quiz: dict, questions: list[dict], seed: int) -> list[dict]:
    rand = ref_mulberry32(seed)
    latest = {}
    for q in questions:
        if q["id"] not in latest or q["version"] > latest[q["id"]]["version"]:
            latest[q["id"]] = q
    fixed_ids = [it["question"] for it in quiz["items"] if "question" in it]
    picked = []
    for it in quiz["items"]:
        if "question" in it:
            picked.append(next(q for q in questions
                               if q["id"] == it["question"] and q["version"] == it["version"]))
            continue
        d = it["draw"]
        pool = sorted((q for q in latest.values()
                       if q["id"] not in fixed_ids and all(p["id"] != q["id"] for p in picked)
                       and ("criterion" not in d or d["criterion"] in q["criteria"])
                       and ("tag" not in d or d["tag"] in q["tags"])), key=lambda q: q["id"])
        if len(pool) < d["count"]:
            raise ValueError(f"too few candidates for {d}: fix the vector")
        picked.extend(ref_shuffle(pool, rand)[: d["count"]])
    if quiz.get("shuffle"):
        picked = ref_shuffle(picked, rand)
    every_option = quiz.get("shuffle_options") is True
    return [{"question": q["id"], "version": q["version"], **ref_orders(q, rand, every_option)} for q in picked]


def draws() -> None:
    for seed in [0, 1, 42, 123456789, 2**32 - 1]:
        rand = ref_mulberry32(seed)
        DRAWS.append({"name": f"mulberry32-seed-{seed}", "seed": seed,
                      "floats": [rand() for _ in range(6)]})
    letters = list("abcdefghij")
    for seed in [7, 2026]:
        DRAWS.append({"name": f"shuffle-10-seed-{seed}", "seed": seed, "shuffle": letters,
                      "expect": ref_shuffle(letters, ref_mulberry32(seed))})

    def bank_q(qid, crit, tags, version=1, **keys):
        q = question(qid, keys.pop("type", "single_choice"), **keys)
        q.update(version=version, criteria=crit, tags=tags)
        return q

    k13, k14 = "HSCCLD327/K13", "HSCCLD327/K14"
    abc = [opt("a", True), opt("b"), opt("c"), opt("d")]
    bank = [
        bank_q("q-alpha", [k13], ["trust"], options=abc, shuffle=True),
        bank_q("q-bravo", [k13], [], options=abc, shuffle=False),
        bank_q("q-charlie", [k13, k14], ["safeguarding"], type="multiple_response", options=abc,
               shuffle=True, all_or_nothing=False),
        bank_q("q-delta", [k14], ["safeguarding"], type="ordering",
               items=[{"id": f"i{n}", "text": str(n)} for n in range(1, 6)], shuffle=True),
        bank_q("q-echo", [k13], ["safeguarding"], type="matching",
               premises=[{"id": "p1", "text": "P", "match": "r1"}],
               responses=[{"id": f"r{n}", "text": str(n)} for n in range(1, 5)], shuffle=True),
        bank_q("q-foxtrot", [k14], ["trust"], type="true_false", answer=True, feedback_true="",
               feedback_false=""),
        bank_q("q-golf", [k13], ["safeguarding"], type="scenario",
               case={"person": "A", "setting": "B", "situation": "C"},
               steps=[{"id": "s1", "question": child("c1", "single_choice", options=abc, shuffle=True),
                       "branches": {}, "next": None},
                      {"id": "s2", "question": child("c2", "ordering",
                                                     items=[{"id": "x", "text": "x"}, {"id": "y", "text": "y"},
                                                            {"id": "z", "text": "z"}], shuffle=True),
                       "branches": {}, "next": None}]),
        bank_q("q-alpha", [k13], ["trust"], version=2, options=abc[::-1], shuffle=True),
    ]
    quizzes = [
        ("quiz-fixed-and-draws-shuffled", 3, {"shuffle": True, "items": [
            {"question": "q-foxtrot", "version": 1},
            {"draw": {"count": 2, "criterion": k13}},
            {"draw": {"count": 1, "tag": "safeguarding"}}]}),
        ("quiz-in-order-no-quiz-shuffle", 99, {"shuffle": False, "items": [
            {"question": "q-delta", "version": 1},
            {"question": "q-alpha", "version": 1},
            {"draw": {"count": 3, "tag": "safeguarding"}}]}),
        ("quiz-criterion-and-tag", 20260101, {"shuffle": True, "items": [
            {"draw": {"count": 1, "criterion": k13, "tag": "trust"}},
            {"draw": {"count": 2, "criterion": k14}}]}),
        ("quiz-draw-all-candidates", 5, {"shuffle": True, "items": [
            {"draw": {"count": 4, "tag": "safeguarding"}},
            {"question": "q-bravo", "version": 1}]}),
    ]
    for name, seed, quiz in quizzes:
        DRAWS.append({"name": name, "seed": seed, "quiz": quiz, "questions": bank,
                      "expect": ref_assemble(quiz, bank, seed)})
    # K14 candidates: q-charlie, q-delta and q-foxtrot, but q-delta is a fixed item: two left.
    DRAWS.append({"name": "quiz-too-few-candidates", "seed": 1, "questions": bank, "quiz": {
        "shuffle": False, "items": [{"question": "q-delta", "version": 1},
                                    {"draw": {"count": 3, "criterion": k14}}]},
        "error": 'quiz item 2: draw {"count":3,"criterion":"HSCCLD327/K14"} has only 2 candidate(s)'})
    DRAWS.append({"name": "quiz-unknown-version", "seed": 1, "questions": bank, "quiz": {
        "shuffle": False, "items": [{"question": "q-bravo", "version": 4}]},
        "error": "quiz item 1: question 'q-bravo' version 4 is not in the bank"})
    shuffle_options(bank_q, abc)


def shuffle_options(bank_q, abc: list[dict]) -> None:
    """A quiz's shuffle_options: every choice and matching question's options shuffled though the
    question says shuffle: false; true/false and dropdown gaps stay as written, ordering as always.
    A bank of its own, so the draws above keep their candidates."""
    k15 = "HSCCLD327/K15"
    bank = [
        bank_q("q-hotel", [k15], [], options=abc, shuffle=False),
        bank_q("q-india", [k15], [], type="matching", shuffle=False,
               premises=[{"id": f"p{n}", "text": f"P{n}", "match": f"r{n}"} for n in range(1, 4)],
               responses=[{"id": f"r{n}", "text": str(n)} for n in range(1, 5)]),
        bank_q("q-juliet", [k15], ["practice"], type="multiple_response", options=abc, shuffle=False,
               all_or_nothing=True),
        bank_q("q-kilo", [k15], [], type="true_false", answer=False, feedback_true="", feedback_false=""),
        bank_q("q-lima", [k15], ["practice"], type="scenario",
               case={"person": "A", "setting": "B", "situation": "C"},
               steps=[{"id": "s1", "question": child("c1", "single_choice", options=abc, shuffle=False),
                       "branches": {}, "next": None},
                      {"id": "s2", "question": child("c2", "true_false", answer=True), "branches": {},
                       "next": None}]),
        bank_q("q-mike", [k15], [], type="short_answer", stem="Pick {{g1}}.",
               gaps=[gap("g1", [("one", 1.0, "")], options=["one", "two", "three"])]),
    ]
    fixed = [{"question": q["id"], "version": 1} for q in bank]
    quizzes = [
        ("quiz-shuffle-options-fixed-items", 11, {"shuffle": False, "shuffle_options": True, "items": fixed}),
        ("quiz-shuffle-options-off", 11, {"shuffle": False, "shuffle_options": False, "items": fixed}),
        ("quiz-shuffle-options-with-draws", 2026, {"shuffle": True, "shuffle_options": True, "items": [
            {"question": "q-kilo", "version": 1},
            {"draw": {"count": 2, "tag": "practice"}},
            {"draw": {"count": 2, "criterion": k15}}]}),
    ]
    for name, seed, quiz in quizzes:
        DRAWS.append({"name": name, "seed": seed, "quiz": quiz, "questions": bank,
                      "expect": ref_assemble(quiz, bank, seed)})


def main() -> None:
    single_choice()
    multiple_response()
    true_false()
    matching()
    ordering()
    short_answer()
    numeric()
    essay()
    scenario()
    draws()
    names = [case["name"] for case in CASES] + [d["name"] for d in DRAWS]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"duplicate case names: {duplicates}")
    document = {"version": 1, "cases": CASES, "draws": DRAWS}
    sys.stdout.write(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
