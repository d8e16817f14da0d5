// Summative and formative quizzes in the player: when feedback texts show, what the intro says.
// Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const P = require(path.join(__dirname, "..", "..", "scorm_export", "player", "player.js"));

const summative = (more) => Object.assign({mode: "summative", attempts: 3, feedback: "after_submission",
  option_feedback: "after_final_attempt", shuffle: true, shuffle_options: true}, more);

test("feedback texts show always by default (a quiz from before quiz modes has no option_feedback)", () => {
  assert.equal(P.textsShown({attempts: 0}, 0), true);
  assert.equal(P.textsShown({option_feedback: "always", attempts: 2}, 0), true);
});

test("never means never, even after the last attempt", () => {
  assert.equal(P.textsShown(summative({option_feedback: "never"}), 3), false);
  assert.equal(P.textsShown(summative({option_feedback: "never"}), 99), false);
});

test("after_final_attempt waits until no attempt is left", () => {
  const quiz = summative();
  assert.deepEqual([0, 1, 2, 3].map((tries) => P.textsShown(quiz, tries)), [false, false, false, true]);
  assert.equal(P.textsShown(summative({attempts: 0}), 500), false, "unlimited attempts: none is final");
});

test("a summative quiz's intro says its attempts and when feedback comes", () => {
  assert.equal(P.modeText(summative()),
    "3 attempts; feedback after you submit. The explanations of each answer show after your final attempt.");
  assert.equal(P.modeText(summative({attempts: 1, feedback: "immediate", option_feedback: "always"})),
    "1 attempt; feedback as you answer.");
  assert.equal(P.modeText(summative({option_feedback: "never"})),
    "3 attempts; feedback after you submit. You will see your marks, not the explanations of each answer.");
  assert.equal(P.modeText(summative({attempts: 0})),
    "Unlimited attempts; feedback after you submit. You will see your marks, not the explanations of each answer.");
});

test("a formative quiz's intro says nothing more", () => {
  assert.equal(P.modeText({mode: "formative", attempts: 0, feedback: "immediate"}), "");
  assert.equal(P.modeText({attempts: 0, feedback: "immediate"}), "");
});
