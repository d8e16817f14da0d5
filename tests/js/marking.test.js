// The shared marking vectors through the player's engine (scorm_export/player/marking.js).
// The same file is run through the Python engine by tests/qbank/test_marking_vectors.py.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ROOT = path.join(__dirname, "..", "..");
const SOURCE = fs.readFileSync(path.join(ROOT, "scorm_export", "player", "marking.js"), "utf8");
const M = require(path.join(ROOT, "scorm_export", "player", "marking.js"));
const doc = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "vectors", "marking.json"), "utf8"));

test("the vectors file has every type and enough cases", () => {
  const types = new Set(doc.cases.map((c) => c.question.type));
  assert.equal(types.size, 9);
  assert.ok(doc.cases.length >= 170);
});

for (const c of doc.cases) {
  test(`vector ${c.name}`, () => {
    if (c.error !== undefined) {
      assert.throws(() => M.mark(c.question, c.response), (e) => {
        assert.ok(e instanceof Error);
        assert.ok(e.message.includes(c.error), `"${e.message}" lacks "${c.error}"`);
        return true;
      });
      return;
    }
    const got = M.mark(c.question, c.response);
    for (const [key, want] of Object.entries(c.expect)) assert.deepStrictEqual(got[key], want, key);
    assert.deepStrictEqual(Object.keys(got).sort(),
      ["correct", "feedback", "fraction", "max", "pending", "response", "score"]);
  });
}

for (const d of doc.draws) {
  test(`draw ${d.name}`, () => {
    if (d.floats) {
      const rand = M.mulberry32(d.seed);
      assert.deepStrictEqual(d.floats.map(() => rand()), d.floats);
    } else if (d.shuffle) {
      assert.deepStrictEqual(M.shuffle(d.shuffle, M.mulberry32(d.seed)), d.expect);
    } else if (d.error) {
      assert.throws(() => M.assembleQuiz(d.quiz, d.questions, d.seed), (e) => e.message.includes(d.error));
    } else {
      assert.deepStrictEqual(M.assembleQuiz(d.quiz, d.questions, d.seed), d.expect);
    }
  });
}

test("shuffle leaves its input alone", () => {
  const list = ["a", "b", "c", "d"];
  M.shuffle(list, M.mulberry32(9));
  assert.deepStrictEqual(list, ["a", "b", "c", "d"]);
});

test("as a classic script it defines window.CCMarking and nothing else", () => {
  const window = {};
  vm.runInNewContext(SOURCE, { window });
  assert.deepStrictEqual(Object.keys(window), ["CCMarking"]);
  assert.deepStrictEqual(Object.keys(window.CCMarking).sort(), ["assembleQuiz", "mark", "mulberry32", "shuffle"]);
  assert.equal(window.CCMarking.mark({ type: "true_false", answer: true, points: 2 }, true).score, 2);
});

test("stays small: under 12 KB of the player's 60 KB budget", () => {
  assert.ok(Buffer.byteLength(SOURCE) < 12 * 1024, `${Buffer.byteLength(SOURCE)} bytes`);
});

test("an unknown question type is an error, not a zero", () => {
  assert.throws(() => M.mark({ type: "hotspot" }, "x"), /unknown question type 'hotspot'/);
});
