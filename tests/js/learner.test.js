// Issue 18, the learner: the best answer the review shows (keyOf, as course/learning/display.py
// key_response), and answers kept in the tab until the server confirms them (a reload while typing).
// Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");

const P = require(path.join(__dirname, "..", "..", "scorm_export", "player", "player.js"));
const R = require(path.join(__dirname, "..", "..", "scorm_export", "player", "runtime.js"));
const course = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "player", "fixtures", "course.json"), "utf8"));
const byId = (id) => course.questions.find((q) => q.id === id);

test("keyOf: each type's best answer as a response the controls show; none for an essay or a scenario", () => {
  assert.equal(P.keyOf(byId("sc-trust")), "a");
  assert.deepEqual(P.keyOf(byId("mr-rights")), ["a", "c"]);
  assert.equal(P.keyOf(byId("tf-consent")), true);
  assert.deepEqual(P.keyOf(byId("match-roles")), { p1: "r1", p2: "r2" });
  assert.deepEqual(P.keyOf(byId("ord-hands")), ["i1", "i2", "i3"]);
  assert.deepEqual(P.keyOf(byId("sa-hands")), { g1: "20", g2: "soap" });
  assert.equal(P.keyOf(byId("num-temp")), "37");
  assert.equal(P.keyOf(byId("essay-trust")), null);
  assert.equal(P.keyOf(byId("scen-fall")), null);
});

/** The app adapter with a session store the test keeps, and a fetch it answers by hand. */
function adapter(store, attempt, pending) {
  const sent = [];
  const fetch = (url, init) => {
    sent.push([url.split("/").pop(), JSON.parse(init.body), !!init.keepalive]);
    return new Promise((ok) => pending.push(() => ok({ ok: true, status: 200, json: () => Promise.resolve({}) })));
  };
  const rt = R.create("app", { fetch, session: store, launch: { app: { api: "/a/9", csrf: "t", attempt } }, window: { setTimeout, addEventListener() {} } });
  return { rt, sent };
}

test("an answer the server has not confirmed survives a reload exactly and is sent again", async () => {
  const data = {}, store = { getItem: (k) => data[k] ?? null, setItem: (k, v) => { data[k] = v; } };
  const attempt = { id: 9, status: "in_progress", seed: 1, state: null, responses: [null, "I listen"] };
  const pending = [];
  const one = adapter(store, attempt, pending);
  one.rt.start();
  for (const text of ["I listen", "I listen and", "I listen and I keep", "I listen and I keep my word."]) one.rt.saveAnswer(1, text, null, { id: "essay-trust", version: 1 });
  // One in flight, the newest waiting (the ones between replaced): the network sees at most two.
  assert.deepEqual(one.sent.map((s) => s[1].response), ["I listen"]);
  one.rt.finish(); // the page closes: the newest answer not confirmed goes now, with keepalive
  assert.deepEqual(one.sent.slice(1).map((s) => [s[0], s[1].response, s[2]]), [["answers", "I listen and I keep my word.", true]]);
  // The reload: the server still has the old text (the closing requests had not landed).
  const two = adapter(store, attempt, []);
  assert.equal(two.rt.start().responses[1], "I listen and I keep my word.");
  assert.deepEqual(two.sent.map((s) => [s[0], s[1].index, s[1].response]), [["answers", 1, "I listen and I keep my word."]]);
});

test("a confirmed answer leaves nothing behind; a closed attempt takes no draft", async () => {
  const data = {}, store = { getItem: (k) => data[k] ?? null, setItem: (k, v) => { data[k] = v; } };
  const pending = [];
  const { rt } = adapter(store, { id: 4, status: "in_progress", responses: [null] }, pending);
  rt.start();
  rt.saveAnswer(0, "a", null, null);
  pending.shift()();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(JSON.parse(data["carecourse-drafts:4"]), {});
  data["carecourse-drafts:5"] = JSON.stringify({ 0: { index: 0, response: "old" } });
  const closed = adapter(store, { id: 5, status: "finished", responses: ["given"] }, []);
  assert.deepEqual(closed.rt.start().responses, ["given"]);
  assert.deepEqual(closed.sent, []);
});

test("an older answer still on its way when the page closes cannot end up stored, nor take the tab's copy away", async () => {
  const data = {}, store = { getItem: (k) => data[k] ?? null, setItem: (k, v) => { data[k] = v; } };
  const attempt = { id: 11, status: "in_progress", seed: 1, state: null, responses: [null, null] };
  const pending = [];
  const one = adapter(store, attempt, pending);
  one.rt.start();
  for (const text of ["the next sh", "the next shift would know it too."]) one.rt.saveAnswer(1, text, null, { id: "essay-trust", version: 1 });
  one.rt.finish(); // reload 300 ms after the last key: "the next sh" is in flight, the newest waits
  // The older text is not sent again: two closing requests for one answer could land in either order.
  assert.deepEqual(one.sent.map((s) => [s[1].response, s[2]]), [["the next sh", false], ["the next shift would know it too.", true]]);
  pending.shift()(); // the request in flight is answered after the page began to close
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(one.sent.length, 2, "nothing more is sent once the page has closed");
  // The server may have stored the two in either order; the tab's copy is the newest and goes again.
  assert.equal(JSON.parse(data["carecourse-drafts:11"])[1].response, "the next shift would know it too.");
  const two = adapter(store, Object.assign({}, attempt, { responses: [null, "the next sh"] }), []);
  assert.equal(two.rt.start().responses[1], "the next shift would know it too.");
  assert.deepEqual(two.sent.map((s) => s[1].response), ["the next shift would know it too."]);
});
