// The player's runtime adapters against small recording fake LMS APIs, and the compact state.
// Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");

const PLAYER = path.join(__dirname, "..", "..", "scorm_export", "player");
const R = require(path.join(PLAYER, "runtime.js"));
const P = require(path.join(PLAYER, "player.js"));
const COURSE = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "player", "fixtures", "course.json"), "utf8"));

/** A recording fake of window.API (1.2) or window.API_1484_11 (2004), about 50 lines. */
function fakeLms(version, preset, opts) {
  opts = opts || {};
  const v12 = version === "1.2";
  const N = v12
    ? { init: "LMSInitialize", term: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", err: "LMSGetLastError" }
    : { init: "Initialize", term: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit", err: "GetLastError" };
  const cmi = Object.assign({}, preset), calls = [], unsetReads = [], failures = [];
  let err = 0, live = false;
  const unsupported = (name) => (opts.unsupported || []).some((p) => name.startsWith(p));
  const count = (prefix) => new Set(Object.keys(cmi).filter((k) => k.startsWith(prefix) && /^\d+\.id$/.test(k.slice(prefix.length))).map((k) => k.split(".")[2])).size;
  const api = {
    [N.init]: (a) => { calls.push([N.init, a]); live = true; err = 0; return "true"; },
    [N.term]: (a) => { calls.push([N.term, a]); live = false; err = 0; return "true"; },
    [N.commit]: (a) => { calls.push([N.commit, a]); err = live ? 0 : 301; return live ? "true" : "false"; },
    [N.get]: (name) => {
      calls.push([N.get, name]);
      if (unsupported(name)) { err = 401; return ""; }
      if (name.endsWith("._count")) { err = 0; return String(count(name.slice(0, -6))); }
      if (!(name in cmi)) { unsetReads.push(name); err = v12 ? 0 : 403; return ""; }
      err = 0; return cmi[name];
    },
    [N.set]: (name, value) => {
      calls.push([N.set, name, value]);
      if (!live) { err = v12 ? 301 : 132; failures.push(name); return "false"; }
      if (unsupported(name)) { err = 401; failures.push(name); return "false"; }
      if (/\.id$/.test(name) && name in cmi && cmi[name] !== value) { err = 351; failures.push(name); return "false"; }
      if (typeof value !== "string") { err = 405; failures.push(name); return "false"; }
      cmi[name] = value; err = 0; return "true";
    },
    [N.err]: () => String(err),
  };
  return { api, cmi, calls, unsetReads, failures, N };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const commits = (lms) => lms.calls.filter((c) => c[0] === lms.N.commit).length;
const names = (calls) => calls.map((c) => c.slice(0, 2).join(" "));

const CHOICE = {
  id: "HSCCLD327/K13.q17", type: "choice", description: "Which **one**\nis right?", result: "correct", weighting: 1, latency_ms: 17000,
  correct_responses: [[{ id: "b", n: 1 }]], learner_response: [{ id: "b", n: 1 }], objectives: ["HSCCLD327/K13"], timestamp: Date.UTC(2026, 0, 2, 3, 4, 5),
};

test("1.2 fresh attempt: entry first, nothing unset read, one commit per batch, finish once", async () => {
  const lms = fakeLms("1.2", { "cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "Doe, Jane" });
  const rt = R.create("scorm12", { api: lms.api });
  const s = rt.start();
  assert.deepEqual(s, { entry: "ab-initio", state: null, location: null, learner: { id: "L1", name: "Doe, Jane" } });
  assert.deepEqual(names(lms.calls), [
    "LMSInitialize ", "LMSGetValue cmi.core.entry", "LMSGetValue cmi.core.student_id", "LMSGetValue cmi.core.student_name",
    "LMSSetValue cmi.core.lesson_status", "LMSGetValue cmi.interactions._count", "LMSGetValue cmi.objectives._count",
  ]);
  assert.deepEqual(lms.unsetReads, []);
  lms.calls.length = 0;
  rt.recordInteraction(CHOICE);
  rt.recordObjective({ id: "HSCCLD327/K13", score_raw: 1, score_max: 2, success: false, completion: "completed" });
  rt.report({ score_raw: 75, score_max: 100, completion: "completed", success: true });
  rt.saveState({ v: 1, c: 0, m: {} }, "0:r");
  assert.deepEqual(lms.calls.filter((c) => c[0] === "LMSSetValue").map((c) => c.slice(1)), [
    ["cmi.interactions.0.id", "HSCCLD327-K13.q17"], ["cmi.interactions.0.type", "choice"],
    ["cmi.interactions.0.objectives.0.id", "HSCCLD327-K13"], ["cmi.interactions.0.time", lms.cmi["cmi.interactions.0.time"]],
    ["cmi.interactions.0.correct_responses.0.pattern", "b"], ["cmi.interactions.0.weighting", "1"],
    ["cmi.interactions.0.student_response", "b"], ["cmi.interactions.0.result", "correct"], ["cmi.interactions.0.latency", "00:00:17"],
    ["cmi.objectives.0.id", "HSCCLD327-K13"], ["cmi.objectives.0.score.min", "0"], ["cmi.objectives.0.score.max", "100"],
    ["cmi.objectives.0.score.raw", "50"], ["cmi.objectives.0.status", "failed"],
    ["cmi.core.score.min", "0"], ["cmi.core.score.max", "100"], ["cmi.core.score.raw", "75"], ["cmi.core.lesson_status", "passed"],
    ["cmi.suspend_data", '{"v":1,"c":0,"m":{}}'], ["cmi.core.lesson_location", "0:r"],
  ]);
  assert.match(lms.cmi["cmi.interactions.0.time"], /^\d\d:\d\d:\d\d$/);
  assert.equal(commits(lms), 1);
  await tick();
  assert.equal(commits(lms), 1, "the queued commit of the batch was already done by saveState");
  lms.calls.length = 0;
  rt.finish({ score_raw: 75, score_max: 100, completion: "completed", success: true, session_ms: 5025340, exit: "normal" });
  rt.finish({ session_ms: 1, exit: "suspend" });
  assert.deepEqual(names(lms.calls).slice(-4), ["LMSSetValue cmi.core.session_time", "LMSSetValue cmi.core.exit", "LMSCommit ", "LMSFinish "]);
  assert.equal(lms.cmi["cmi.core.session_time"], "0001:23:45.34");
  assert.equal(lms.cmi["cmi.core.exit"], "");
  assert.deepEqual(lms.failures, []);
});

test("1.2 resumed attempt reads suspend_data and lesson_location, appends interactions", () => {
  const state = { v: 1, c: 0, m: { 0: { w: "q", s: 7, q: 2, a: ["a"] } } };
  const lms = fakeLms("1.2", { "cmi.core.entry": "resume", "cmi.core.student_id": "L1", "cmi.core.student_name": "J",
    "cmi.suspend_data": JSON.stringify(state), "cmi.core.lesson_location": "0:q2", "cmi.interactions.0.id": "x.q1.v1" });
  const rt = R.create("scorm12", { api: lms.api });
  const s = rt.start();
  assert.deepEqual(s.state, state);
  assert.equal(s.location, "0:q2");
  assert.equal(s.entry, "resume");
  assert.deepEqual(names(lms.calls).slice(1, 6), ["LMSGetValue cmi.core.entry", "LMSGetValue cmi.core.student_id",
    "LMSGetValue cmi.core.student_name", "LMSGetValue cmi.suspend_data", "LMSGetValue cmi.core.lesson_location"]);
  assert.ok(!lms.calls.some((c) => c[1] === "cmi.core.lesson_status"), "a resumed status is left alone");
  rt.recordInteraction(CHOICE);
  assert.equal(lms.cmi["cmi.interactions.1.id"], "HSCCLD327-K13.q17");
  rt.finish({ session_ms: 61000, exit: "suspend", completion: "incomplete", success: null });
  assert.equal(lms.cmi["cmi.core.exit"], "suspend");
  assert.equal(lms.cmi["cmi.core.lesson_status"], "incomplete");
  assert.equal(commits(lms), 1);
});

test("2004 fresh attempt: entry first, no 403 reads, 2004 formats", async () => {
  const lms = fakeLms("2004", { "cmi.entry": "ab-initio", "cmi.learner_id": "L1", "cmi.learner_name": "Doe, Jane" });
  const rt = R.create("scorm2004", { api: lms.api });
  rt.start();
  assert.deepEqual(names(lms.calls), ["Initialize ", "GetValue cmi.entry", "GetValue cmi.learner_id", "GetValue cmi.learner_name",
    "SetValue cmi.completion_status", "GetValue cmi.interactions._count", "GetValue cmi.objectives._count"]);
  rt.recordInteraction(CHOICE);
  rt.recordInteraction({ id: "K1.match", type: "matching", result: "incorrect", weighting: 2, latency_ms: 1500,
    correct_responses: [[[{ id: "p1", n: 0 }, { id: "r2", n: 1 }], [{ id: "p2", n: 1 }, { id: "r1", n: 0 }]]],
    learner_response: [[{ id: "p1", n: 0 }, { id: "r1", n: 0 }]], objectives: ["K1"] });
  rt.recordInteraction({ id: "K1.gaps", type: "fill-in", result: "correct", correct_responses: [["20", "soap"]], learner_response: ["20 ", "soap"], objectives: [] });
  rt.recordInteraction({ id: "K1.num", type: "numeric", result: "correct", correct_responses: [{ min: 36.5, max: 37.5, value: 37 }], learner_response: "37.2", objectives: [] });
  rt.recordInteraction({ id: "K1.seq", type: "sequencing", result: "correct", correct_responses: [[{ id: "i1", n: 0 }, { id: "i2", n: 1 }]], learner_response: [{ id: "i1", n: 0 }, { id: "i2", n: 1 }], objectives: [] });
  rt.recordInteraction({ id: "K1.essay", type: "long-fill-in", result: "neutral", correct_responses: [], learner_response: "Line one\nline two", objectives: [] });
  const c = lms.cmi;
  assert.equal(c["cmi.interactions.0.correct_responses.0.pattern"], "b");
  assert.equal(c["cmi.interactions.0.description"], "Which **one** is right?");
  assert.equal(c["cmi.interactions.0.timestamp"], "2026-01-02T03:04:05.000Z");
  assert.equal(c["cmi.interactions.0.latency"], "PT17S");
  assert.equal(c["cmi.interactions.1.correct_responses.0.pattern"], "p1[.]r2[,]p2[.]r1");
  assert.equal(c["cmi.interactions.1.learner_response"], "p1[.]r1");
  assert.equal(c["cmi.interactions.1.result"], "incorrect");
  assert.equal(c["cmi.interactions.2.correct_responses.0.pattern"], "{case_matters=false}20[,]soap");
  assert.equal(c["cmi.interactions.2.learner_response"], "20[,]soap");
  assert.equal(c["cmi.interactions.3.correct_responses.0.pattern"], "36.5[:]37.5");
  assert.equal(c["cmi.interactions.4.learner_response"], "i1[,]i2");
  assert.equal(c["cmi.interactions.5.type"], "long-fill-in");
  assert.equal(c["cmi.interactions.5.learner_response"], "Line one line two");
  assert.ok(!("cmi.interactions.5.correct_responses.0.pattern" in c));
  assert.equal(commits(lms), 0);
  await tick();
  assert.equal(commits(lms), 1, "six interactions, one commit");
  rt.report({ score_raw: 160, score_max: 200, completion: "completed", success: true });
  rt.finish({ score_raw: 160, score_max: 200, completion: "completed", success: true, session_ms: 3723450, exit: "normal" });
  assert.equal(c["cmi.score.scaled"], "0.8");
  assert.equal(c["cmi.score.raw"], "80");
  assert.equal(c["cmi.success_status"], "passed");
  assert.equal(c["cmi.completion_status"], "completed");
  assert.equal(c["cmi.session_time"], "PT1H2M3.45S");
  assert.equal(c["cmi.exit"], "normal");
  assert.deepEqual(lms.unsetReads, []);
  assert.deepEqual(lms.failures, []);
  assert.equal(names(lms.calls).pop(), "Terminate ");
});

test("2004 objectives pre-filled by the LMS are found by id, never overwritten; new ones appended", () => {
  const lms = fakeLms("2004", { "cmi.entry": "ab-initio", "cmi.learner_id": "L1", "cmi.learner_name": "J",
    "cmi.objectives.0.id": "m01-all-types", "cmi.objectives.1.id": "TST-K2", "cmi.objectives.2.id": "TST-K1" });
  const rt = R.create("scorm2004", { api: lms.api });
  rt.start();
  assert.deepEqual(names(lms.calls).slice(-4), ["GetValue cmi.objectives._count", "GetValue cmi.objectives.0.id",
    "GetValue cmi.objectives.1.id", "GetValue cmi.objectives.2.id"]);
  lms.calls.length = 0;
  rt.recordObjective({ id: "TST/K1", score_raw: 3, score_max: 4, success: true, completion: "completed" });
  rt.recordObjective({ id: "TST/K9", score_raw: 0, score_max: 1, success: false, completion: "completed" });
  assert.deepEqual(lms.calls.map((c) => c.slice(1)), [
    ["cmi.objectives.2.score.min", "0"], ["cmi.objectives.2.score.max", "100"], ["cmi.objectives.2.score.raw", "75"],
    ["cmi.objectives.2.score.scaled", "0.75"], ["cmi.objectives.2.completion_status", "completed"], ["cmi.objectives.2.success_status", "passed"],
    ["cmi.objectives.3.id", "TST-K9"], ["cmi.objectives.3.score.min", "0"], ["cmi.objectives.3.score.max", "100"],
    ["cmi.objectives.3.score.raw", "0"], ["cmi.objectives.3.score.scaled", "0"], ["cmi.objectives.3.completion_status", "completed"],
    ["cmi.objectives.3.success_status", "failed"],
  ]);
  assert.deepEqual(lms.failures, []);
  assert.equal(lms.cmi["cmi.objectives.0.id"], "m01-all-types");
});

test("batched commits: one per saveState, one per synchronous batch, none when nothing changed", async () => {
  const lms = fakeLms("1.2", { "cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "J" });
  const rt = R.create("scorm12", { api: lms.api });
  rt.start();
  for (let i = 0; i < 5; i++) rt.recordInteraction(Object.assign({}, CHOICE, { id: "K1.q" + i }));
  for (let i = 0; i < 3; i++) rt.recordObjective({ id: "K" + i, score_raw: 1, score_max: 1, success: true });
  rt.saveState({ v: 1 }, "0:q1");
  assert.equal(commits(lms), 1);
  rt.saveState({ v: 1 }, "0:q2");
  rt.saveState({ v: 1 }, "0:q3");
  assert.equal(commits(lms), 3, "one commit per page change or answer");
  await tick();
  assert.equal(commits(lms), 3);
  rt.recordObjective({ id: "K0", score_raw: 0, score_max: 1, success: false });
  rt.recordObjective({ id: "K1", score_raw: 0, score_max: 1, success: false });
  await tick();
  assert.equal(commits(lms), 4);
  assert.equal(lms.calls.filter((c) => c[0] === "LMSSetValue").length, 5 * 9 + 3 * 5 + 2 + 2 + 2 + 2 * 4 + 1);
});

test("an LMS without interactions: skipped quietly, everything else still reported", async () => {
  const lms = fakeLms("1.2", { "cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "J" }, { unsupported: ["cmi.interactions"] });
  const rt = R.create("scorm12", { api: lms.api });
  rt.start();
  rt.recordInteraction(CHOICE);
  rt.recordObjective({ id: "TST/K1", score_raw: 1, score_max: 1, success: true });
  rt.saveState({ v: 1 }, "x");
  assert.ok(!lms.calls.some((c) => c[0] === "LMSSetValue" && c[1].startsWith("cmi.interactions")));
  assert.equal(lms.cmi["cmi.objectives.0.status"], "passed");
  assert.equal(commits(lms), 1);

  const lms2 = fakeLms("2004", { "cmi.entry": "ab-initio", "cmi.learner_id": "L1", "cmi.learner_name": "J" }, { unsupported: ["cmi.objectives"] });
  const rt2 = R.create("scorm2004", { api: lms2.api });
  rt2.start();
  rt2.recordObjective({ id: "TST/K1", score_raw: 1, score_max: 1, success: true });
  rt2.recordInteraction(CHOICE);
  assert.ok(!lms2.calls.some((c) => c[0] === "SetValue" && c[1].startsWith("cmi.objectives")));
  assert.equal(lms2.cmi["cmi.interactions.0.id"], "HSCCLD327-K13.q17");
});

test("the API is found through parents (bounded) and then the opener; none is a clear error", () => {
  const lms = fakeLms("1.2", {});
  const top = { API: lms.api }; top.parent = top;
  const mid = { parent: top }, leaf = { parent: mid };
  assert.equal(R.findAPI(leaf, "API", 7), lms.api);
  let deep = top; for (let i = 0; i < 9; i++) deep = { parent: deep };
  assert.equal(R.findAPI(deep, "API", 7), null, "1.2 looks at most 7 parents up");
  const opened = { parent: null, opener: leaf }; opened.parent = opened;
  assert.equal(R.findAPI(opened, "API", 7), lms.api);
  const alone = {}; alone.parent = alone;
  assert.throws(() => R.create("scorm12", { window: alone }).start(), (e) => e.code === "NO_API" && /No SCORM 1.2 API/.test(e.message));
  assert.throws(() => R.create("scorm2004", { window: alone }).start(), (e) => e.code === "NO_API");
});

test("1.2 response formats use single-character identifiers; ids sanitised", () => {
  const lms = fakeLms("1.2", { "cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "J" });
  const rt = R.create("scorm12", { api: lms.api });
  rt.start();
  rt.recordInteraction({ id: "QCF RELNET/1.3.match-it.v2", type: "matching", result: "incorrect", latency_ms: 3723000,
    correct_responses: [[[{ id: "p1", n: 0 }, { id: "r1", n: 0 }], [{ id: "p2", n: 1 }, { id: "r3", n: 2 }]]],
    learner_response: [[{ id: "p1", n: 0 }, { id: "r2", n: 1 }]], objectives: ["QCF-RELNET/1.3"] });
  rt.recordInteraction({ id: "k.tf", type: "true-false", result: "correct", correct_responses: [true], learner_response: true, objectives: [] });
  rt.recordInteraction({ id: "k.mr", type: "choice", result: "correct", correct_responses: [[{ id: "x", n: 0 }, { id: "y", n: 2 }]], learner_response: [{ id: "y", n: 2 }], objectives: [] });
  rt.recordInteraction({ id: "k.essay", type: "long-fill-in", result: "neutral", correct_responses: [], learner_response: "x".repeat(300), objectives: [] });
  const c = lms.cmi;
  assert.equal(c["cmi.interactions.0.id"], "QCF_RELNET-1.3.match-it.v2");
  assert.equal(c["cmi.interactions.0.objectives.0.id"], "QCF-RELNET-1.3");
  assert.equal(c["cmi.interactions.0.correct_responses.0.pattern"], "a.1,b.3");
  assert.equal(c["cmi.interactions.0.student_response"], "a.2");
  assert.equal(c["cmi.interactions.0.result"], "wrong");
  assert.equal(c["cmi.interactions.0.latency"], "01:02:03");
  assert.equal(c["cmi.interactions.1.student_response"], "t");
  assert.equal(c["cmi.interactions.2.correct_responses.0.pattern"], "a,c");
  assert.equal(c["cmi.interactions.3.type"], "fill-in");
  assert.equal(c["cmi.interactions.3.student_response"].length, 255);
  assert.equal(R.sanitizeId("A/B C#" + "x".repeat(300)).length, 255);
});

/* ---------- compact state ---------- */

function fortyQuestions() {
  const types = COURSE.questions.filter((q) => !q.id.startsWith("tf-draw"));
  const out = [];
  for (let i = 0; out.length < 40; i++) {
    const q = JSON.parse(JSON.stringify(types[i % types.length]));
    q.id = q.id + "-" + i;
    out.push(q);
  }
  return out;
}
function worstAnswer(q) {
  switch (q.type) {
    case "single_choice": return q.options[q.options.length - 1].id;
    case "multiple_response": return q.options.map((o) => o.id);
    case "true_false": return false;
    case "matching": return Object.fromEntries(q.premises.map((p) => [p.id, q.responses[q.responses.length - 1].id]));
    case "ordering": return q.items.map((x) => x.id).reverse();
    case "short_answer": return Object.fromEntries(q.gaps.map((g) => [g.id, g.options ? g.options[1] : "twenty seconds"]));
    case "numeric": return "37.25";
    case "essay": return "I listen, I keep my word and I explain what I am doing before I do it, every time.";
    case "scenario": return { path: ["s1", "s3"], answers: { s1: "b", s3: "a" } };
  }
}

test("a 40-question module's state fits SCORM 1.2's 4,096 characters and round-trips exactly", () => {
  const qs = fortyQuestions();
  const ms = { w: "q", p: 1, s: 4294967295, q: 39, a: qs.map(worstAnswer), k: qs.map(() => true), l: qs.map(() => 754000), z: false, r: null, d: false };
  const packed = { v: 1, c: 0, m: { 0: P.packModule(ms, qs) } };
  const size = P.measureState(packed);
  assert.ok(size < 4096, "state is " + size + " characters");
  assert.ok(size < 1600, "compact: " + size + " characters for 40 questions");
  const back = P.unpackModule(JSON.parse(JSON.stringify(packed)).m[0], qs);
  assert.deepEqual(back.a, ms.a);
  assert.deepEqual(back.k, ms.k);
  assert.deepEqual(back.l, ms.l);
  assert.equal(back.s, ms.s);
  assert.equal(back.q, 39);
});

test("long essays are cut so the state still fits 4,096 (never below 40 characters)", () => {
  const qs = fortyQuestions();
  const a = qs.map((q) => (q.type === "essay" ? "word ".repeat(400) : worstAnswer(q)));
  const packed = { v: 1, c: 0, m: { 0: P.packModule({ w: "q", s: 1, q: 0, a, k: [], l: [] }, qs) } };
  assert.ok(P.measureState(packed) > 4096);
  const fitted = P.fitState(packed, 4096);
  assert.ok(P.measureState(fitted) <= 4096);
  assert.ok(fitted.m[0].a.every((c) => typeof c !== "string" || c.length >= 1));
  assert.deepEqual(fitted.m[0].a[0], packed.m[0].a[0]);
  assert.ok(P.measureState(P.fitState(packed, 64000)) === P.measureState(packed), "2004's 64,000 needs no cut");
});

test("scenario paths: branches, next, following step, end", () => {
  const sc = COURSE.questions.find((q) => q.type === "scenario");
  assert.equal(P.currentStep(sc, null), 0);
  assert.equal(P.currentStep(sc, { path: ["s1"], answers: { s1: "a" } }), 1);
  assert.equal(P.currentStep(sc, { path: ["s1"], answers: { s1: "b" } }), 2);
  assert.equal(P.currentStep(sc, { path: ["s1", "s3"], answers: { s1: "b", s3: "a" } }), -1);
});

test("app adapter posts answers, state and submit with the CSRF header", async () => {
  const sent = [];
  const fetch = (url, init) => { sent.push([url, init.headers["X-CSRFToken"], JSON.parse(init.body)]); return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve({ score: 3, max: 4 }) }); };
  const rt = R.create("app", { fetch, launch: { adapter: "app", app: { api: "/learn/api/attempts/17/", csrf: "tok", attempt: { seed: 99, state: null, responses: [null, "a"] } } }, window: { setTimeout, addEventListener() {} } });
  assert.deepEqual(rt.start(), { entry: "ab-initio", state: null, location: null, learner: {}, seed: 99, responses: [null, "a"] });
  rt.saveAnswer(2, { path: ["s1"], answers: { s1: "a" } }, ["s1"], { id: "scen-fall", version: 1 });
  rt.saveState({ v: 1 }, "0:q2");
  const mark = await rt.submit([null, "a"]);
  await tick(); await tick();
  assert.deepEqual(mark, { score: 3, max: 4 });
  assert.deepEqual(sent, [
    ["/learn/api/attempts/17/answers", "tok", { index: 2, response: { path: ["s1"], answers: { s1: "a" } }, question: "scen-fall", version: 1, path: ["s1"] }],
    ["/learn/api/attempts/17/submit", "tok", { responses: [null, "a"] }],
    ["/learn/api/attempts/17/state", "tok", { state: { v: 1 }, location: "0:q2" }],
  ]);
});

/** A one-SCO course state: 23 modules, each with the 40-question module's answers, visited in `order`. */
function courseState(order, current, submitted) {
  const qs = fortyQuestions(), m = {};
  for (let i = 0; i < 23; i++) {
    const ms = { w: "q", p: 1, s: 1000 + i, q: 3, a: qs.map(worstAnswer).slice(0, 12), k: [], l: qs.map(() => 61000).slice(0, 12), z: false, r: null, d: false };
    if (submitted.includes(i)) Object.assign(ms, { w: "r", z: true, r: [75, 1], d: true });
    m[i] = P.packModule(ms, qs.slice(0, 12));
  }
  return { v: 1, c: current, o: order, m };
}

test("one SCO, every module in progress: the state always fits 4,096, the oldest modules' answers go first", () => {
  const order = [5, 2, 9, 0, 1, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]; // 22 is on screen
  const packed = courseState(order, 22, [0, 9]), before = P.measureState(packed);
  assert.ok(before > 5000, "the whole state is " + before + " characters");
  const fitted = P.fitState(packed, 4096), kept = (k) => "a" in fitted.m[k];
  assert.ok(P.measureState(fitted) <= 4096, "fitted: " + P.measureState(fitted));
  assert.deepEqual(fitted.m[22], packed.m[22], "the current module is kept whole");
  for (const k of [0, 9]) assert.deepEqual(fitted.m[k], { w: "r", p: 1, s: 1000 + k, q: 3, z: 1, r: [75, 1], d: 1 }, "submitted: results kept");
  const inProgress = order.filter((k) => k !== 0 && k !== 9 && k !== 22), keptList = inProgress.filter(kept);
  assert.ok(keptList.length >= 5 && keptList.length < inProgress.length, "some dropped, some kept: " + keptList);
  // exactly the most recently left ones are kept, and each dropped module keeps its place (seed, question, page)
  assert.deepEqual(keptList, inProgress.slice(inProgress.length - keptList.length));
  assert.deepEqual(fitted.m[5], { w: "q", p: 1, s: 1005, q: 3 });
  // what fitted is what a SCORM 1.2 LMS stores: saveState never skips it
  const lms = fakeLms("1.2", { "cmi.core.entry": "ab-initio" }), rt = R.create("scorm12", { api: lms.api });
  rt.start(); rt.saveState(fitted, "22:q3");
  assert.deepEqual(JSON.parse(lms.cmi["cmi.suspend_data"]), fitted);
  assert.ok(!lms.failures.length);
});

test("a state that fits is saved as it is, visit order included; 2004 keeps every module", () => {
  const packed = courseState([0, 1, 2], 2, []);
  assert.equal(P.fitState(packed, 64000), packed);
  const small = { v: 1, c: 1, o: [0, 1], m: { 0: { w: "p" }, 1: { w: "p", p: 2 } } };
  assert.equal(P.fitState(small, 4096), small);
});

const M = require(path.join(PLAYER, "marking.js"));
const Q = (id) => COURSE.questions.find((q) => q.id === id);

test("an essay counts nowhere in the player's total: a learner passes on the auto-marked questions", () => {
  const quiz = { pass_mark: 1, criterion_threshold: null }, qs = [Q("sc-trust"), Q("essay-trust"), Q("tf-consent")];
  const answered = P.results(M, quiz, qs, ["a", "I listen to him and keep my word.", Q("tf-consent").answer]);
  assert.deepEqual([answered.score, answered.max, answered.fraction, answered.passed, answered.pending], [2, 2, 1, true, 1]);
  assert.deepEqual(answered.criteria.map((c) => [c.ref, c.score, c.max]), [["TST/K1", 1, 1], ["TST/K2", 1, 1]]);
  const blank = P.results(M, quiz, qs, ["a", null, Q("tf-consent").answer]); // an unanswered essay does not count either
  assert.deepEqual([blank.max, blank.passed, blank.pending], [2, true, 0]);
  assert.equal(P.results(M, quiz, qs, ["b", "Text.", Q("tf-consent").answer]).passed, false);
});

test("an essay is reported as an interaction: fill-in (1.2) / long-fill-in (2004), cut to the limit, neutral, no correct response", () => {
  const q = Q("essay-trust"), text = "I listen. ".repeat(500), mark = M.mark(q, "I listen.");
  const [ix] = P.interactions(q, text, mark, M, 42000, Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.deepEqual([ix.id, ix.type, ix.result, ix.correct_responses, ix.objectives], ["TST-K1.essay-trust.v1", "long-fill-in", "neutral", [], ["TST/K1"]]);
  for (const [v, kind, name, type, max] of [["1.2", "scorm12", "student_response", "fill-in", 255], ["2004", "scorm2004", "learner_response", "long-fill-in", 4000]]) {
    const lms = fakeLms(v, v === "1.2" ? { "cmi.core.entry": "ab-initio" } : { "cmi.entry": "ab-initio" }), rt = R.create(kind, { api: lms.api });
    rt.start(); rt.recordInteraction(ix);
    assert.equal(lms.cmi["cmi.interactions.0.type"], type);
    assert.equal(lms.cmi["cmi.interactions.0.result"], "neutral");
    assert.equal(lms.cmi[`cmi.interactions.0.${name}`], text.replace(/\s+/g, " ").trim().slice(0, max));
    assert.ok(!Object.keys(lms.cmi).some((k) => k.includes("correct_responses")), "no correct response");
    assert.deepEqual(lms.failures, []);
  }
});

test("quiz time limit on a fake clock: countdown text, polite alerts at 5 and 1 minute only, zero at the end", () => {
  const quiz = { time_limit_minutes: 12 }, t = 1_800_000_000, at = (sec) => (t + sec) * 1000 + 999; // ms, late in the second
  assert.equal(P.secondsLeft({ time_limit_minutes: null }, t, at(0)), null, "no limit, no clock");
  assert.equal(P.secondsLeft(quiz, null, at(0)), null, "not started");
  assert.equal(P.timeText(P.secondsLeft(quiz, t, at(0))), "Time left: 12 minutes");
  assert.equal(P.timeText(P.secondsLeft(quiz, t, at(61))), "Time left: 11 minutes");
  assert.equal(P.timeText(P.secondsLeft(quiz, t, at(11 * 60))), "Time left: 1 minute");
  assert.equal(P.timeText(P.secondsLeft(quiz, t, at(11 * 60 + 1))), "Time left: 59 seconds");
  assert.equal(P.timeText(1), "Time left: 1 second");
  const said = [];
  let before = null, due = null;
  for (let sec = 0; sec <= 13 * 60; sec++) { // one tick a second, as the player does
    const left = P.secondsLeft(quiz, t, at(sec)), msg = before != null && P.timeAlert(before, left);
    if (msg) said.push([sec, msg]);
    if (left === 0 && due == null) due = sec;
    before = left;
  }
  assert.deepEqual(said, [[7 * 60, "5 minutes left"], [11 * 60, "1 minute left"]]);
  assert.equal(due, 12 * 60);
  // a tick skipped (a sleeping laptop) still announces the threshold crossed, once
  assert.equal(P.timeAlert(400, 250), "5 minutes left");
  assert.equal(P.timeAlert(250, 200), null);
  // a reload keeps the start: it travels in the packed state
  const qs = [Q("sc-trust")], packed = P.packModule({ w: "q", s: 5, q: 0, t, a: ["a"], k: [], l: [] }, qs);
  assert.equal(packed.t, t);
  assert.equal(P.unpackModule(JSON.parse(JSON.stringify(packed)), qs).t, t);
  assert.equal(P.packModule({ w: "r", s: 5, q: 0, t, a: ["a"], k: [], l: [], z: true, r: [100, 1] }, qs).t, undefined, "dropped once submitted");
});

test("app resume: the server's answers (saved one by one) go over an older saved state; the server's copy wins", () => {
  const qs = [Q("sc-trust"), Q("mr-rights"), Q("sa-hands"), Q("scen-fall"), Q("tf-consent")];
  // the state the server holds was saved before the last answers reached it
  const packed = P.packModule({ w: "q", s: 7, q: 1, a: ["b", ["a"], { g1: "20" }, { path: [], answers: { s1: "a" } }, true], k: [], l: [] }, qs);
  const ms = P.unpackModule(JSON.parse(JSON.stringify(packed)), qs);
  const server = ["a", ["a", "c"], null, { path: ["s1"], answers: { s1: "b", s3: "a" } }]; // as launch_data lists them: one per item
  assert.equal(P.overlay(ms, server, qs), ms);
  assert.deepEqual(ms.a, ["a", ["a", "c"], { g1: "20" }, { path: ["s1"], answers: { s1: "b", s3: "a" } }, true]);
  assert.deepEqual([ms.s, ms.q, ms.w], [7, 1, "q"], "the place is the state's");
  // what it resumes with packs like any answer given in the page
  assert.deepEqual(P.packModule(ms, qs).a, ["0", "02", ["20", ""], ["0", "1", null, "0"], "t"]);
  // an answer these questions cannot read is left out, not shown broken
  const other = P.unpackModule({ w: "q", s: 7, a: ["2", "0"] }, qs);
  P.overlay(other, ["z", null, null, "not a scenario answer", true, "one too many"], qs);
  assert.deepEqual(other.a, ["c", ["a"], null, null, true]);
});

/** A window for the app adapter: a document whose visibility the test sets, a timer the test ticks. */
function fakeWindow() {
  const on = {}, ticks = [];
  const listen = (el) => (type, fn) => { (on[el + type] = on[el + type] || []).push(fn); };
  const document = { visibilityState: "visible", addEventListener: listen("doc:") };
  const win = { document, addEventListener: listen("win:"), setTimeout, setInterval: (fn) => ticks.push(fn), clearInterval() {} };
  const fire = (key) => (on[key] || []).forEach((fn) => fn({}));
  return { win, document, tick: (n) => { for (let i = 0; i < n; i++) ticks.forEach((fn) => fn()); }, fire };
}

test("time on task: the seconds since the last beat go out when the page is hidden (keepalive, CSRF), then on leaving", async () => {
  const sent = [], w = fakeWindow();
  const fetch = (url, init) => { sent.push([url.split("/").pop(), init.keepalive, init.headers["X-CSRFToken"], JSON.parse(init.body)]); return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve({}) }); };
  const rt = R.create("app", { fetch, window: w.win, launch: { app: { api: "/learn/api/attempts/5", csrf: "tok", attempt: { seed: 1, state: null } } } });
  rt.start();
  w.tick(34); // one beat at 30 active seconds, 4 seconds counted since
  await tick();
  assert.deepEqual(sent, [["heartbeat", false, "tok", { active_seconds: 30 }]]);
  w.document.visibilityState = "hidden"; w.fire("doc:visibilitychange");
  assert.deepEqual(sent[1], ["heartbeat", true, "tok", { active_seconds: 4 }], "a short stretch is not lost");
  w.tick(20); // hidden: nothing counts
  w.fire("doc:visibilitychange");
  assert.equal(sent.length, 2, "nothing more to send");
  w.document.visibilityState = "visible"; w.fire("doc:visibilitychange");
  w.tick(3);
  rt.finish({});
  assert.deepEqual(sent.slice(2), [["heartbeat", true, "tok", { active_seconds: 3 }]]);
});
