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
  id: "q17.v1", type: "choice", description: "Which **one**\nis right?", result: "correct", weighting: 1, latency_ms: 17000,
  correct_responses: [[{ id: "b", n: 1 }]], learner_response: [{ id: "b", n: 1 }], objectives: ["HSCCLD327/K13"], timestamp: Date.UTC(2026, 0, 2, 3, 4, 5),
};
const FRESH12 = { "cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "Doe, Jane", "cmi.core.lesson_mode": "normal",
  "cmi.core.lesson_status": "not attempted", "cmi.core.score.raw": "" };
const FRESH2004 = { "cmi.entry": "ab-initio", "cmi.learner_id": "L1", "cmi.learner_name": "Doe, Jane", "cmi.mode": "normal", "cmi.completion_status": "unknown" };
const sets = (lms) => lms.calls.filter((c) => c[0] === lms.N.set).map((c) => c.slice(1));
/** The calls from each commit (or the end) back to the previous one: what each POST to an LMS like Moodle carries. */
const batches = (lms) => {
  const out = [[]];
  for (const c of lms.calls) if (c[0] === lms.N.commit || c[0] === lms.N.term) out.push([]); else if (c[0] === lms.N.set) out[out.length - 1].push(c[1]);
  return out;
};
/** A fake clock for Date.now (restored after fn). */
async function clock(fn) {
  const real = Date.now;
  let now = Date.UTC(2026, 11, 6, 10, 0, 0);
  Date.now = () => now;
  try { await fn((ms) => { now += ms; }); } finally { Date.now = real; }
}
const memory = () => { const m = {}; return { m, getItem: (k) => (k in m ? m[k] : null), setItem: (k, v) => { m[k] = String(v); }, removeItem: (k) => { delete m[k]; } }; };

test("1.2 fresh attempt: entry and mode first, a result commits its status before its score, finish stores the rest once", () => {
  const lms = fakeLms("1.2", FRESH12);
  const rt = R.create("scorm12", { api: lms.api, storage: null });
  const s = rt.start();
  assert.deepEqual(s, { entry: "ab-initio", mode: "normal", state: null, location: null, learner: { id: "L1", name: "Doe, Jane" } });
  assert.deepEqual(names(lms.calls), [
    "LMSInitialize ", "LMSGetValue cmi.core.entry", "LMSGetValue cmi.core.student_id", "LMSGetValue cmi.core.student_name",
    "LMSGetValue cmi.core.lesson_mode", "LMSGetValue cmi.core.lesson_status", "LMSSetValue cmi.core.lesson_status", "LMSGetValue cmi.core.score.raw",
    "LMSSetValue cmi.core.exit", "LMSGetValue cmi.interactions._count", "LMSGetValue cmi.objectives._count",
  ]);
  assert.deepEqual(lms.unsetReads, []);
  lms.calls.length = 0;
  rt.recordInteraction(CHOICE);
  rt.recordObjective({ id: "HSCCLD327/K13", score_raw: 1, score_max: 2, success: false, completion: "completed" });
  rt.saveState({ v: 1, c: 0, m: {} }, "0:r", "hold");
  rt.report({ score_raw: 75, score_max: 100, completion: "completed", success: true, final: true });
  assert.deepEqual(sets(lms), [
    ["cmi.interactions.0.id", "q17.v1"], ["cmi.interactions.0.type", "choice"],
    ["cmi.interactions.0.objectives.0.id", "HSCCLD327-K13"], ["cmi.interactions.0.time", lms.cmi["cmi.interactions.0.time"]],
    ["cmi.interactions.0.correct_responses.0.pattern", "b"], ["cmi.interactions.0.weighting", "1"],
    ["cmi.interactions.0.student_response", "b"], ["cmi.interactions.0.result", "correct"], ["cmi.interactions.0.latency", "00:00:17"],
    ["cmi.objectives.0.id", "HSCCLD327-K13"], ["cmi.objectives.0.score.min", "0"], ["cmi.objectives.0.score.max", "100"],
    ["cmi.objectives.0.score.raw", "50"], ["cmi.objectives.0.status", "failed"],
    ["cmi.suspend_data", '{"v":1,"c":0,"m":{}}'], ["cmi.core.lesson_location", "0:r"],
    ["cmi.core.lesson_status", "passed"],
    ["cmi.core.score.min", "0"], ["cmi.core.score.max", "100"], ["cmi.core.score.raw", "75"],
  ]);
  // Moodle recomputes grade and completion when score.raw arrives, reading the status it has stored by then
  const [first, second] = batches(lms);
  assert.ok(first.includes("cmi.core.lesson_status") && !first.includes("cmi.core.score.raw"), "status committed on its own");
  assert.ok(second.includes("cmi.core.score.raw"), "then the score");
  assert.match(lms.cmi["cmi.interactions.0.time"], /^\d\d:\d\d:\d\d$/);
  assert.equal(commits(lms), 2);
  lms.calls.length = 0;
  rt.finish({ score_raw: 75, score_max: 100, completion: "completed", success: true, final: true, session_ms: 5025340, exit: "normal" });
  rt.finish({ session_ms: 1, exit: "suspend" });
  assert.deepEqual(names(lms.calls), ["LMSSetValue cmi.core.session_time", "LMSSetValue cmi.core.exit", "LMSFinish "], "no Commit before LMSFinish, nothing set twice");
  assert.equal(lms.cmi["cmi.core.session_time"], "0001:23:45.34");
  assert.equal(lms.cmi["cmi.core.exit"], "");
  assert.deepEqual(lms.failures, []);
});

test("1.2: a new status with the same score still sends the score (85 -> 85.0), so Moodle recomputes grade and completion", () => {
  const lms = fakeLms("1.2", Object.assign({}, FRESH12, { "cmi.core.entry": "resume", "cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "85",
    "cmi.suspend_data": "{\"v\":1}" }));
  const rt = R.create("scorm12", { api: lms.api, storage: null });
  rt.start();
  lms.calls.length = 0;
  rt.report({ score_raw: 85, score_max: 100, completion: "completed", success: true, final: true });
  assert.deepEqual(batches(lms).map((b) => b.filter((n) => /status|raw/.test(n))), [["cmi.core.lesson_status"], ["cmi.core.score.raw"], []]);
  assert.equal(lms.cmi["cmi.core.score.raw"], "85.0");
  lms.calls.length = 0;
  rt.report({ score_raw: 85, score_max: 100, completion: "completed", success: true, final: true });
  assert.deepEqual(lms.calls, [], "nothing changed: nothing written, nothing committed");
});

test("1.2 resumed attempt reads suspend_data and lesson_location, appends interactions", () => {
  const state = { v: 1, c: 0, m: { 0: { w: "q", s: 7, q: 2, a: ["a"] } } };
  const lms = fakeLms("1.2", Object.assign({}, FRESH12, { "cmi.core.entry": "resume", "cmi.core.student_name": "J", "cmi.core.lesson_status": "incomplete",
    "cmi.suspend_data": JSON.stringify(state), "cmi.core.lesson_location": "0:q2", "cmi.interactions.0.id": "x.q1.v1" }));
  const rt = R.create("scorm12", { api: lms.api, storage: null });
  const s = rt.start();
  assert.deepEqual([s.state, s.location, s.entry], [state, "0:q2", "resume"]);
  assert.deepEqual(names(lms.calls).slice(1, 7), ["LMSGetValue cmi.core.entry", "LMSGetValue cmi.core.student_id", "LMSGetValue cmi.core.student_name",
    "LMSGetValue cmi.core.lesson_mode", "LMSGetValue cmi.suspend_data", "LMSGetValue cmi.core.lesson_location"]);
  assert.ok(!lms.calls.some((c) => c[0] === "LMSSetValue" && c[1] === "cmi.core.lesson_status"), "a resumed status is left alone");
  rt.recordInteraction(CHOICE);
  assert.equal(lms.cmi["cmi.interactions.1.id"], "q17.v1");
  rt.finish({ session_ms: 61000, exit: "suspend", completion: "incomplete", success: null });
  assert.equal(lms.cmi["cmi.core.exit"], "suspend");
  assert.equal(lms.cmi["cmi.core.lesson_status"], "incomplete");
  assert.equal(commits(lms), 0, "LMSFinish stores it all");
});

test("a later launch after a normal exit (Moodle: the other SCOs unfinished) reads the state and never writes incomplete over passed", () => {
  const state = { v: 1, c: 0, m: { 0: { w: "r", z: 1, r: [100, 1], h: [[100, 1]] } } };
  const lms = fakeLms("1.2", Object.assign({}, FRESH12, { "cmi.core.entry": "", "cmi.core.lesson_status": "passed", "cmi.core.score.raw": "100",
    "cmi.suspend_data": JSON.stringify(state) }));
  const s = R.create("scorm12", { api: lms.api, storage: null }).start();
  assert.deepEqual(s.state, state);
  assert.deepEqual(sets(lms), [["cmi.core.exit", "suspend"]], "only the exit, stored early so a lost last save still resumes");
});

test("review and browse modes: the recorded result is read and shown, nothing is written", () => {
  for (const [v, kind, preset] of [["1.2", "scorm12", { "cmi.core.entry": "", "cmi.core.lesson_mode": "review", "cmi.core.lesson_status": "passed" }],
    ["2004", "scorm2004", { "cmi.entry": "", "cmi.mode": "browse", "cmi.completion_status": "completed" }]]) {
    const lms = fakeLms(v, Object.assign({ "cmi.suspend_data": "{\"v\":1,\"c\":0,\"m\":{}}" }, preset));
    const rt = R.create(kind, { api: lms.api, storage: null });
    const s = rt.start();
    assert.deepEqual([s.mode, s.state], [v === "1.2" ? "review" : "browse", { v: 1, c: 0, m: {} }]);
    rt.recordInteraction(CHOICE);
    rt.recordObjective({ id: "K1", score_raw: 0, score_max: 1, success: false });
    rt.saveState({ v: 1, c: 0, m: { 0: { w: "r" } } }, "0:r", "now");
    rt.report({ score_raw: 0, score_max: 100, completion: "incomplete", success: false, final: false });
    rt.finish({ score_raw: 0, score_max: 100, completion: "incomplete", success: false, session_ms: 9000, exit: "suspend" });
    assert.deepEqual(lms.calls.filter((c) => c[0] === lms.N.set || c[0] === lms.N.commit), [], v + ": no SetValue, no Commit");
    assert.equal(names(lms.calls).pop(), lms.N.term + " ");
  }
});

test("2004 fresh attempt: entry first, no 403 reads, 2004 formats (timestamps with two fractional digits)", () => {
  const lms = fakeLms("2004", FRESH2004);
  const rt = R.create("scorm2004", { api: lms.api, storage: null });
  rt.start();
  assert.deepEqual(names(lms.calls), ["Initialize ", "GetValue cmi.entry", "GetValue cmi.learner_id", "GetValue cmi.learner_name", "GetValue cmi.mode",
    "GetValue cmi.completion_status", "SetValue cmi.completion_status", "SetValue cmi.exit", "GetValue cmi.interactions._count", "GetValue cmi.objectives._count"]);
  rt.recordInteraction(Object.assign({}, CHOICE, { description: "Which **one**\nis right? " + "x".repeat(200) }));
  rt.recordInteraction({ id: "K1.match", type: "matching", result: "incorrect", weighting: 2, latency_ms: 1500,
    correct_responses: [[[{ id: "p1", n: 0 }, { id: "r2", n: 1 }], [{ id: "p2", n: 1 }, { id: "r1", n: 0 }]]],
    learner_response: [[{ id: "p1", n: 0 }, { id: "r1", n: 0 }]], objectives: ["K1"], timestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 987) });
  rt.recordInteraction({ id: "K1.gaps", type: "fill-in", result: "correct", correct_responses: [["20", "soap"]], learner_response: ["20 ", "soap"], objectives: [] });
  rt.recordInteraction({ id: "K1.num", type: "numeric", result: "correct", correct_responses: [{ min: 36.5, max: 37.5, value: 37 }], learner_response: "37.2", objectives: [] });
  rt.recordInteraction({ id: "K1.seq", type: "sequencing", result: "correct", correct_responses: [[{ id: "i1", n: 0 }, { id: "i2", n: 1 }]], learner_response: [{ id: "i1", n: 0 }, { id: "i2", n: 1 }], objectives: [] });
  rt.recordInteraction({ id: "K1.essay", type: "long-fill-in", result: "neutral", correct_responses: [], learner_response: "Line one\nline two", objectives: [] });
  const c = lms.cmi;
  assert.equal(c["cmi.interactions.0.correct_responses.0.pattern"], "b");
  assert.ok(!("cmi.interactions.0.description" in c), "no description: Moodle re-sends every 2004 interaction field on every save, and never shows it");
  assert.equal(c["cmi.interactions.0.timestamp"], "2026-01-02T03:04:05.00Z");
  assert.equal(c["cmi.interactions.1.timestamp"], "2026-01-02T03:04:05.98Z");
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
  for (const k of Object.keys(c).filter((k) => k.endsWith(".timestamp"))) assert.match(c[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,2})?Z$/);
  assert.equal(commits(lms), 0, "interactions wait for the result's commit");
  rt.report({ score_raw: 160, score_max: 200, completion: "completed", success: true, final: true });
  rt.finish({ score_raw: 160, score_max: 200, completion: "completed", success: true, final: true, session_ms: 3723450, exit: "normal" });
  assert.deepEqual([c["cmi.score.scaled"], c["cmi.score.raw"], c["cmi.success_status"], c["cmi.completion_status"]], ["0.8", "80", "passed", "completed"]);
  assert.deepEqual([c["cmi.session_time"], c["cmi.exit"]], ["PT1H2M3.45S", "normal"], "as asked (the player always asks suspend)");
  assert.equal(commits(lms), 2, "status, then score");
  assert.deepEqual(lms.unsetReads, []);
  assert.deepEqual(lms.failures, []);
  assert.equal(names(lms.calls).pop(), "Terminate ");
  assert.equal(R.timestamp2004(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), "2026-12-31T23:59:59.99Z");
});

test("2004 objectives pre-filled by the LMS are found by id, never overwritten; new ones appended", () => {
  const lms = fakeLms("2004", Object.assign({}, FRESH2004, { "cmi.learner_name": "J",
    "cmi.objectives.0.id": "m01-all-types", "cmi.objectives.1.id": "TST-K2", "cmi.objectives.2.id": "TST-K1" }));
  const rt = R.create("scorm2004", { api: lms.api, storage: null });
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

test("commits: a milestone commits at once, a routine save at most every 2 minutes, and waits in the browser's journal meanwhile", async () => {
  await clock(async (advance) => {
    const lms = fakeLms("1.2", FRESH12), store = memory();
    const rt = R.create("scorm12", { api: lms.api, storage: store, key: "carecourse:c:m1" });
    rt.start();
    rt.saveState({ v: 1, n: 1 }, "0:p0");
    assert.equal(commits(lms), 1, "the first save commits: the LMS learns the attempt has begun");
    advance(30000); rt.saveState({ v: 1, n: 2 }, "0:p1");
    advance(30000); rt.saveState({ v: 1, n: 3 }, "0:p2");
    assert.equal(commits(lms), 1, "page turns within two minutes wait");
    assert.deepEqual(JSON.parse(store.m["carecourse:c:m1:L1"]), { b: R.hash('{"v":1,"n":1}'), s: { v: 1, n: 3 }, l: "0:p2" }, "kept in the browser meanwhile");
    rt.saveState({ v: 1, n: 3 }, "0:p2");
    assert.equal(commits(lms), 1, "nothing new: nothing to commit");
    rt.saveState({ v: 1, n: 4 }, "0:q0", "now");
    assert.equal(commits(lms), 2, "a milestone commits");
    assert.deepEqual(store.m, {}, "committed: the journal is cleared");
    advance(119000); rt.saveState({ v: 1, n: 5 }, "0:q0");
    assert.equal(commits(lms), 2);
    advance(1000); rt.saveState({ v: 1, n: 6 }, "0:q0");
    assert.equal(commits(lms), 3, "two minutes after the last commit, a routine save commits");
  });
});

test("a browser that died between commits: the next launch resumes from its journal, only on top of the state it continued", () => {
  const committed = JSON.stringify({ v: 1, c: 0, m: { 0: { w: "p", p: 1 } } }), newer = { v: 1, c: 0, m: { 0: { w: "q", s: 5, q: 3, a: ["a", "b"] } } };
  const resume = Object.assign({}, FRESH12, { "cmi.core.entry": "resume", "cmi.suspend_data": committed, "cmi.core.lesson_location": "0:p1", "cmi.core.lesson_status": "incomplete" });
  const store = memory();
  store.setItem("carecourse:c:m1:L1", JSON.stringify({ b: R.hash(committed), s: newer, l: "0:q3" }));
  const lms = fakeLms("1.2", resume), rt = R.create("scorm12", { api: lms.api, storage: store, key: "carecourse:c:m1" });
  const s = rt.start();
  assert.deepEqual([s.state, s.location], [newer, "0:q3"]);
  rt.saveState(newer, "0:q3");
  assert.equal(lms.cmi["cmi.suspend_data"], JSON.stringify(newer), "and it reaches the LMS at the next commit");
  assert.equal(commits(lms), 1);
  // a journal from another device's older state (the LMS moved on since) is not applied, and is dropped
  store.setItem("carecourse:c:m1:L1", JSON.stringify({ b: R.hash("something else"), s: newer, l: "0:q3" }));
  const lms2 = fakeLms("1.2", resume), s2 = R.create("scorm12", { api: lms2.api, storage: store, key: "carecourse:c:m1" }).start();
  assert.deepEqual([s2.state, s2.location], [JSON.parse(committed), "0:p1"]);
  assert.deepEqual(store.m, {});
  // another learner on the same browser never sees it
  store.setItem("carecourse:c:m1:L1", JSON.stringify({ b: R.hash(committed), s: newer, l: "0:q3" }));
  const lms3 = fakeLms("1.2", Object.assign({}, resume, { "cmi.core.student_id": "L2" }));
  assert.deepEqual(R.create("scorm12", { api: lms3.api, storage: store, key: "carecourse:c:m1" }).start().state, JSON.parse(committed));
});

test("next module: 2004 asks the LMS to continue; a 1.2 LMS without Moodle's nav.event says no", () => {
  const lms = fakeLms("2004", FRESH2004), rt = R.create("scorm2004", { api: lms.api, storage: null });
  rt.start();
  assert.equal(rt.next(), true);
  rt.finish({ completion: "completed", success: true, session_ms: 1000, exit: "normal" });
  assert.equal(lms.cmi["adl.nav.request"], "continue");
  assert.equal(names(lms.calls).pop(), "Terminate ");
  const l12 = fakeLms("1.2", FRESH12, { unsupported: ["nav."] }), r12 = R.create("scorm12", { api: l12.api, storage: null });
  r12.start();
  assert.equal(r12.next(), false);
  const moodle = fakeLms("1.2", FRESH12), rm = R.create("scorm12", { api: moodle.api, storage: null });
  rm.start();
  assert.equal(rm.next(), true);
  assert.equal(moodle.cmi["nav.event"], "continue");
});

test("an LMS without interactions: skipped quietly, everything else still reported", () => {
  const lms = fakeLms("1.2", FRESH12, { unsupported: ["cmi.interactions"] });
  const rt = R.create("scorm12", { api: lms.api, storage: null });
  rt.start();
  rt.recordInteraction(CHOICE);
  rt.recordObjective({ id: "TST/K1", score_raw: 1, score_max: 1, success: true });
  rt.saveState({ v: 1 }, "x", "now");
  assert.ok(!lms.calls.some((c) => c[0] === "LMSSetValue" && c[1].startsWith("cmi.interactions")));
  assert.equal(lms.cmi["cmi.objectives.0.status"], "passed");
  assert.equal(commits(lms), 1);

  const lms2 = fakeLms("2004", FRESH2004, { unsupported: ["cmi.objectives"] });
  const rt2 = R.create("scorm2004", { api: lms2.api, storage: null });
  rt2.start();
  rt2.recordObjective({ id: "TST/K1", score_raw: 1, score_max: 1, success: true });
  rt2.recordInteraction(CHOICE);
  assert.ok(!lms2.calls.some((c) => c[0] === "SetValue" && c[1].startsWith("cmi.objectives")));
  assert.equal(lms2.cmi["cmi.interactions.0.id"], "q17.v1");
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
  const rt = R.create("scorm12", { api: lms.api, storage: null });
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

test("app adapter posts answers, state, checks and submit in order, with the CSRF header", async () => {
  const sent = [];
  const fetch = (url, init) => { sent.push([url, init.headers["X-CSRFToken"], JSON.parse(init.body)]); return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve({ score: 3, max: 4 }) }); };
  const items = [{ question: "sc-trust", version: 1, order: ["b", "a"] }];
  const rt = R.create("app", { fetch, launch: { adapter: "app", app: { api: "/learn/api/attempts/17/", csrf: "tok", attempt: { seed: 99, state: null, responses: [null, "a"], items, checked: { 1: { score: 1, max: 1 } } } } }, window: { setTimeout, addEventListener() {} } });
  assert.deepEqual(rt.start(), { entry: "ab-initio", mode: "normal", state: null, location: null, learner: {}, seed: 99, responses: [null, "a"], items, checked: { 1: { score: 1, max: 1 } } });
  assert.equal(rt.server, true, "the server marks");
  rt.saveAnswer(2, { path: ["s1"], answers: { s1: "a" } }, ["s1"], { id: "scen-fall", version: 1 });
  rt.saveState({ v: 1 }, "0:q2");
  const checked = await rt.check(2, "b", "s2");
  const mark = await rt.submit([null, "a"]);
  assert.deepEqual([checked, mark], [{ score: 3, max: 4 }, { score: 3, max: 4 }]);
  assert.deepEqual(sent, [
    ["/learn/api/attempts/17/answers", "tok", { index: 2, response: { path: ["s1"], answers: { s1: "a" } }, question: "scen-fall", version: 1, path: ["s1"] }],
    ["/learn/api/attempts/17/state", "tok", { state: { v: 1 }, location: "0:q2" }],
    ["/learn/api/attempts/17/check", "tok", { index: 2, response: "b", step: "s2" }],
    ["/learn/api/attempts/17/submit", "tok", { responses: [null, "a"] }],
  ]);
});

test("app adapter: a busy server or an ended session is retried and said; a refusal is said, never dropped silently", async () => {
  const answers = [[409, { code: "busy", message: "Another window changed this at the same moment; please try again." }], [401, { message: "Sign in" }], [200, {}],
    [409, { code: "conflict", message: "This attempt has been submitted; answers can no longer change." }], [200, { saved: true }]];
  const sent = [], told = [], later = [];
  const fetch = (url, init) => { sent.push(url.split("/").pop()); const [status, body] = answers.shift(); return Promise.resolve({ ok: status < 300, status, json: () => Promise.resolve(body) }); };
  const rt = R.create("app", { fetch, tell: (m) => told.push(m), launch: { app: { api: "/a/5", csrf: "t", attempt: {} } }, window: { setTimeout: (fn) => later.push(fn), addEventListener() {} } });
  rt.start();
  rt.saveAnswer(0, "a", null, { id: "q", version: 1 });
  const refused = rt.saveAnswer(1, "b", null, { id: "q2", version: 1 });
  const after = rt.saveState({ v: 1 }, "0:q1");
  for (let i = 0; i < 6; i++) { await tick(); await tick(); await tick(); if (later.length) later.shift()(); }
  assert.deepEqual(sent, ["answers", "answers", "answers", "answers", "state"], "retried until saved, then the next in order");
  assert.deepEqual(told, ["You have been signed out, so your answers are not being saved. Sign in again in another tab: they will be saved then.",
    "This attempt has been submitted; answers can no longer change."]);
  assert.equal(refused, undefined);
  assert.equal(after, undefined);
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
  assert.deepEqual([ix.id, ix.type, ix.result, ix.correct_responses, ix.objectives], ["essay-trust.v1", "long-fill-in", "neutral", [], ["TST/K1"]]);
  for (const [v, kind, name, type, max] of [["1.2", "scorm12", "student_response", "fill-in", 255], ["2004", "scorm2004", "learner_response", "long-fill-in", 4000]]) {
    const lms = fakeLms(v, v === "1.2" ? FRESH12 : FRESH2004), rt = R.create(kind, { api: lms.api, storage: null });
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

/* ---------- the results model (README: "What the LMS records") ---------- */

/** What each export writes for a state: [1.2 status, 2004 completion, 2004 success, score.raw or ""]. */
function recorded(mods, st, single) {
  const r = P.outcome(mods, st, single), out = [];
  for (const [v, kind, fresh] of [["1.2", "scorm12", FRESH12], ["2004", "scorm2004", FRESH2004]]) {
    const lms = fakeLms(v, fresh), rt = R.create(kind, { api: lms.api, storage: null });
    rt.start();
    rt.report(r);
    const c = lms.cmi;
    if (v === "1.2") out.push(c["cmi.core.lesson_status"]);
    else out.push(c["cmi.completion_status"], c["cmi.success_status"] || "unknown", c["cmi.score.raw"] ?? "");
  }
  return out.concat([r.exit]);
}

test("the results model: one SCO per module reports its module; one SCO the course, passed only when every module is", () => {
  const quiz = (attempts) => ({ pass_mark: 0.8, criterion_threshold: null, attempts, grading: "highest" });
  const mods = [{ quiz: quiz(2) }, { quiz: quiz(0) }, { quiz: null }];
  const m = (h, extra) => Object.assign({ w: "r", h, z: h.length > 0 }, extra);
  const rows = {
    "opened, nothing done": { m: {} },
    "in progress": { m: { 0: { w: "q", h: [] } } },
    "module passed": { m: { 0: m([[100, 1]]) } },
    "not passed, attempts left": { m: { 0: m([[50, 0]]) } },
    "not passed, none left": { m: { 0: m([[50, 0], [70, 0]]) } },
    "passed on the retake": { m: { 0: m([[50, 0], [90, 1]]) } },
  };
  const perModule = Object.fromEntries(Object.entries(rows).map(([k, st]) => [k, recorded(mods, st, 0)]));
  assert.deepEqual(perModule, {
    "opened, nothing done": ["incomplete", "incomplete", "unknown", "", "suspend"],
    "in progress": ["incomplete", "incomplete", "unknown", "", "suspend"],
    "module passed": ["passed", "completed", "passed", "100", "suspend"],
    "not passed, attempts left": ["incomplete", "incomplete", "failed", "50", "suspend"],
    "not passed, none left": ["failed", "incomplete", "failed", "70", "suspend"],
    "passed on the retake": ["passed", "completed", "passed", "90", "suspend"],
  });
  assert.deepEqual(recorded(mods, { m: { 2: { w: "p", d: true } } }, 2), ["completed", "completed", "unknown", "", "suspend"], "read to the end");
  // one SCO for the course: two quizzes and a reading module
  const course = (st) => recorded(mods, { m: st }, -1);
  assert.deepEqual(course({ 0: m([[100, 1]]) }), ["incomplete", "incomplete", "unknown", "50", "suspend"], "one of two quizzes: 100 + 0");
  assert.deepEqual(course({ 0: m([[50, 0], [70, 0]]), 1: m([[100, 1]]) }), ["incomplete", "incomplete", "unknown", "85", "suspend"],
    "a module failed for good, another unread: not over yet");
  assert.deepEqual(course({ 0: m([[50, 0], [70, 0]]), 1: m([[100, 1]]), 2: { d: true } }), ["failed", "incomplete", "failed", "85", "suspend"],
    "every module finished, the rule not met");
  assert.deepEqual(course({ 0: m([[90, 1]]), 1: m([[100, 1]]), 2: { d: true } }), ["passed", "completed", "passed", "95", "suspend"],
    "the course rule met");
});

test("grading over a module's attempts, as the server grades", () => {
  const q = (grading, extra) => Object.assign({ pass_mark: 0.8, criterion_threshold: null, grading }, extra);
  const h = [[60, 0], [85, 1], [85, 0], [70, 0]];
  assert.deepEqual(P.graded(q("highest"), h), { pct: 85, passed: true, at: 1 });
  assert.deepEqual(P.graded(q("first"), h), { pct: 60, passed: false, at: 0 });
  assert.deepEqual(P.graded(q("last"), h), { pct: 70, passed: false, at: 3 });
  const avg = P.graded(q("average", { criterion_threshold: 0.5 }), [[90, 1, { K1: 100, K2: 40 }], [80, 1, { K1: 80 }]]);
  assert.deepEqual(avg, { pct: 85, at: -1, crit: { K1: 90, K2: 40 }, passed: false }, "K2's mean is under its threshold");
  assert.equal(P.graded(q("highest"), []), null);
});

test("a 2004 API that already served a SCO (Moodle 4.3 keeps one per page) is said plainly: error 104", () => {
  const lms = fakeLms("2004", FRESH2004);
  lms.api.Initialize = () => "false";
  lms.api.GetLastError = () => "104";
  assert.throws(() => R.create("scorm2004", { api: lms.api, storage: null }).start(),
    (e) => e.code === "SECOND" && e.message.startsWith("Your learning system cannot start a second module in the same page"));
});
