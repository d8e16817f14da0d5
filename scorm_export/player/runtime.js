/* carecourse runtime: the one interface between the player and its host (README.md).
 * CCRuntime.create(kind, options) -> {kind, limit, start, saveAnswer, saveState, recordInteraction,
 * recordObjective, report, submit, finish}; kinds scorm12 and scorm2004 (one adapter driven by the
 * CMI table), app (the Flask learner API), preview (localStorage) and none. */
(function (root) {
"use strict";
// CMI names per version: SCORM 1.2 RTE 3.4, SCORM 2004 4th ed. RTE 4.2.
const CMI = {
  scorm12: { api: "API", depth: 7, limit: 4096, fn: ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError"],
    entry: "cmi.core.entry", location: "cmi.core.lesson_location", id: "cmi.core.student_id", name: "cmi.core.student_name",
    score: "cmi.core.score.", status: "cmi.core.lesson_", time: "cmi.core.session_time", exit: "cmi.core.exit", normal: "",
    response: "student_response", wrong: "wrong", long: "fill-in" },
  scorm2004: { api: "API_1484_11", depth: 500, limit: 64000, fn: ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError"],
    entry: "cmi.entry", location: "cmi.location", id: "cmi.learner_id", name: "cmi.learner_name",
    score: "cmi.score.", status: "cmi.", time: "cmi.session_time", exit: "cmi.exit", normal: "normal",
    response: "learner_response", wrong: "incorrect", long: "long-fill-in", v2004: true }
};

/** "/" becomes "-", anything outside [A-Za-z0-9_.-] "_", at most 255 characters. */
const sanitizeId = (s) => String(s).replace(/\//g, "-").replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 255);
const pad = (n, w) => String(n).padStart(w, "0");
function parts(ms) { const cs = Math.max(0, Math.round(ms / 10)); return [Math.floor(cs / 360000), Math.floor(cs / 6000) % 60, Math.floor(cs / 100) % 60, cs % 100, cs]; }
/** 1.2 CMITimespan HHHH:MM:SS.SS; short: HH:MM:SS (interaction latency). */
function timespan12(ms, short) {
  const [h, m, s, c] = parts(ms);
  return short ? pad(Math.min(h, 99), 2) + ":" + pad(m, 2) + ":" + pad(s, 2) : pad(Math.min(h, 9999), 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(c, 2);
}
/** 2004 ISO 8601 duration: PT1H2M3.45S. */
function duration2004(ms) {
  const [h, m, , , cs] = parts(ms);
  return "PT" + (h ? h + "H" : "") + (h || m ? m + "M" : "") + (cs % 6000) / 100 + "S";
}
const oneLine = (s, max) => String(s == null ? "" : s).replace(/\s+/g, " ").replace(/^\{/, "(").trim().slice(0, max);

/* Responses arrive structured: choice and sequencing [{id, n}] (n: index in the question's own
 * list), matching [[{id,n},{id,n}]], true-false boolean, fill-in [texts], numeric text (correct:
 * {min, max, value}), long-fill-in text. 1.2 wants single characters (RTE 3.4.2.7.5): option n
 * is L[n], a matching response n is M[n]. */
const L = "abcdefghijklmnopqrstuvwxyz0123456789", M = "123456789abcdefghijklmnopqrstuvwxyz";
const FORMAT = {
  scorm12(type, v, correct) {
    switch (type) {
      case "choice": case "sequencing": return v.map((k) => L[k.n]).join(",");
      case "true-false": return v ? "t" : "f";
      case "matching": return v.map((p) => L[p[0].n] + "." + M[p[1].n]).join(",");
      case "numeric": return String(correct ? v.value : v);
      default: return oneLine([].concat(v).join(","), 255);
    }
  },
  scorm2004(type, v, correct) {
    switch (type) {
      case "choice": case "sequencing": return v.map((k) => k.id).join("[,]");
      case "true-false": return String(!!v);
      case "matching": return v.map((p) => p[0].id + "[.]" + p[1].id).join("[,]");
      case "numeric": return correct ? v.min + "[:]" + v.max : String(v);
      case "fill-in": return (correct ? "{case_matters=false}" : "") + v.map((t) => oneLine(t, 250).replace(/\[[,.:]\]/g, " ")).join("[,]");
      default: return oneLine(v, 4000);
    }
  }
};

/** The API object named name in win or a parent (at most depth up), then in the opener's chain. */
function findAPI(win, name, depth) {
  const walk = (w) => {
    try {
      for (let n = 0; w && !w[name] && w.parent && w.parent !== w; w = w.parent) if (++n > depth) return null;
      return (w && w[name]) || null;
    } catch (e) { return null; } // a cross-origin frame ends the walk
  };
  let api = walk(win);
  try { if (!api && win.opener) api = walk(win.opener); } catch (e) { api = null; }
  return api;
}

function scorm(kind, options) {
  const T = CMI[kind], api = options.api || findAPI(options.window || root, T.api, T.depth);
  const [INIT, TERM, GET, SET, COMMIT, ERR] = T.fn;
  let live = false, done = false, dirty = false, queued = false, err = 0;
  let ixN = 0, noIx = false, objN = 0, noObj = false;
  const objIndex = {};
  const call = (f, a, b) => { const r = b === undefined ? api[f](a) : api[f](a, b); err = parseInt(api[ERR](), 10) || 0; return r; };
  const get = (name) => { const v = call(GET, name); return err || v == null ? "" : String(v); };
  const set = (name, value) => { const ok = live && String(call(SET, name, String(value))) === "true"; dirty = dirty || ok; return ok; };
  const commit = () => { queued = false; if (live && dirty) { dirty = false; call(COMMIT, ""); } };
  // one commit for a batch of calls made in the same task
  const later = () => { if (!queued) { queued = true; Promise.resolve().then(() => queued && commit()); } };
  const unsupported = () => err === 401 || err === 402 || (!T.v2004 && err === 403);
  function score(p, raw, max) {
    set(p + "min", 0); set(p + "max", 100); set(p + "raw", max > 0 ? Math.round(raw / max * 10000) / 100 : 0);
    if (T.v2004) set(p + "scaled", max > 0 ? Math.round(raw / max * 10000) / 10000 : 0);
  }
  function status(p, success, completion) {
    const s = success === true ? "passed" : success === false ? "failed" : null;
    if (!T.v2004) return set(p + "status", s || completion);
    set(p + "completion_status", completion); set(p + "success_status", s || "unknown");
  }
  function fail(code, msg) { const e = new Error(msg); e.code = code; throw e; }
  const self = {
    kind, limit: T.limit,
    start() {
      if (!api) fail("NO_API", "No SCORM " + (T.v2004 ? "2004" : "1.2") + " API found");
      if (String(call(INIT, "")) !== "true") fail("NO_INIT", "The LMS refused to start the session (error " + err + ")");
      live = true;
      const entry = get(T.entry), out = { entry: entry === "resume" ? "resume" : "ab-initio", state: null, location: null, learner: { id: get(T.id), name: get(T.name) } };
      if (entry === "resume") { // only a resumed attempt has these set
        try { out.state = JSON.parse(get("cmi.suspend_data") || "null"); } catch (e) { out.state = null; }
        out.location = get(T.location) || null;
      } else set(T.v2004 ? "cmi.completion_status" : "cmi.core.lesson_status", "incomplete");
      let n = call(GET, "cmi.interactions._count");
      if (err) noIx = true; else ixN = parseInt(n, 10) || 0; // optional in some LMSs: skip interactions
      n = call(GET, "cmi.objectives._count");
      if (err) noObj = true;
      else for (objN = parseInt(n, 10) || 0, n = 0; n < objN; n++) objIndex[get("cmi.objectives." + n + ".id")] = n;
      return out;
    },
    saveAnswer() {},
    saveState(state, location) {
      if (!live) return;
      const s = state == null ? null : JSON.stringify(state);
      if (s != null && s.length <= T.limit) set("cmi.suspend_data", s);
      if (location != null) set(T.location, String(location).slice(0, 255));
      commit();
    },
    recordInteraction(ix) {
      if (!live || noIx) return;
      const p = "cmi.interactions." + ixN + ".", type = ix.type === "long-fill-in" ? T.long : ix.type;
      if (!set(p + "id", sanitizeId(ix.id))) { noIx = unsupported(); return; }
      ixN++;
      set(p + "type", type);
      (ix.objectives || []).forEach((o, i) => set(p + "objectives." + i + ".id", sanitizeId(o)));
      const when = new Date(ix.timestamp || Date.now());
      if (T.v2004) set(p + "timestamp", when.toISOString());
      else set(p + "time", [when.getHours(), when.getMinutes(), when.getSeconds()].map((x) => pad(x, 2)).join(":"));
      const fmt = FORMAT[kind], cr = ix.correct_responses || [];
      if (cr.length && type !== "long-fill-in") set(p + "correct_responses.0.pattern", fmt(type, cr[0], true));
      if (ix.weighting != null) set(p + "weighting", ix.weighting);
      if (ix.learner_response != null) set(p + T.response, fmt(type, ix.learner_response, false));
      set(p + "result", ix.result === "incorrect" ? T.wrong : ix.result);
      set(p + "latency", T.v2004 ? duration2004(ix.latency_ms || 0) : timespan12(ix.latency_ms || 0, true));
      if (T.v2004 && ix.description) set(p + "description", oneLine(ix.description, 250));
      later();
    },
    recordObjective(o) {
      if (!live || noObj) return;
      const id = sanitizeId(o.id);
      let i = objIndex[id];
      if (i === undefined) { // append only when the LMS does not hold this id already (never overwrite one)
        if (!set("cmi.objectives." + objN + ".id", id)) { noObj = unsupported(); return; }
        i = objIndex[id] = objN++;
      }
      const p = "cmi.objectives." + i + ".";
      if (o.score_max != null) score(p + "score.", o.score_raw || 0, o.score_max);
      status(p, o.success, o.completion || "completed");
      later();
    },
    report(r) {
      if (!live) return;
      if (r.score_max != null) score(T.score, r.score_raw || 0, r.score_max);
      status(T.status, r.success, r.completion);
      later();
    },
    submit: () => Promise.resolve(null),
    finish(r) {
      if (!live || done) return;
      if (r) {
        if (r.completion) self.report(r);
        set(T.time, T.v2004 ? duration2004(r.session_ms || 0) : timespan12(r.session_ms || 0));
        set(T.exit, r.exit === "suspend" ? "suspend" : T.normal);
      }
      commit();
      done = true; live = false;
      call(TERM, "");
    }
  };
  return self;
}

/** Active time: the page visible and input within the last five minutes; beat(seconds) every 30 s. */
function activity(win, beat) {
  const doc = win.document;
  let last = Date.now(), tick = last, active = 0, n = 0;
  const touch = () => { last = Date.now(); };
  ["keydown", "pointerdown", "input", "scroll", "touchstart"].forEach((e) => doc.addEventListener(e, touch, true));
  const step = () => { const now = Date.now(); if (doc.visibilityState !== "hidden" && now - last < 300000) active += now - tick; tick = now; };
  doc.addEventListener("visibilitychange", step);
  const flush = (final) => { step(); const s = Math.floor(active / 1000); if (s > 0) { active -= s * 1000; beat(s, final); } };
  const timer = win.setInterval(() => { step(); if (++n % 6 === 0) flush(); }, 5000);
  return { flush, stop: () => win.clearInterval(timer) };
}

function app(options) {
  const launch = options.launch || root.CC_LAUNCH || {}, cfg = launch.app || {}, win = options.window || root;
  const base = String(cfg.api || "").replace(/\/$/, ""), doFetch = options.fetch || win.fetch.bind(win), onStatus = options.onStatus || (() => {});
  const queue = [];
  let busy = false, done = false, beats = null;
  const post = (path, body, keepalive) => doFetch(base + "/" + path, {
    method: "POST", credentials: "same-origin", keepalive: !!keepalive, body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": cfg.csrf || "" }
  }).then((r) => {
    if (!r.ok) { const e = new Error("HTTP " + r.status); e.status = r.status; throw e; }
    return r.status === 204 ? null : r.json().catch(() => null);
  });
  // Autosaves go out one at a time, in order; a network failure is retried (nothing is lost).
  function send(path, body) {
    const waiting = queue.find((j, i) => i > 0 && j.path === "state" && path === "state");
    if (waiting) waiting.body = body; else queue.push({ path, body, tries: 0 });
    pump();
  }
  function pump() {
    if (busy || !queue.length) return;
    busy = true;
    const job = queue[0];
    post(job.path, job.body).then(() => { queue.shift(); busy = false; onStatus(queue.length ? "saving" : "saved"); pump(); }, (e) => {
      busy = false;
      if (e.status && e.status < 500 && e.status !== 408 && e.status !== 429) { queue.shift(); onStatus("error", e); return pump(); }
      onStatus("offline", e);
      win.setTimeout(pump, Math.min(30000, 1000 * Math.pow(2, ++job.tries)));
    });
  }
  if (win.addEventListener) win.addEventListener("online", pump);
  const nop = () => {};
  return {
    kind: "app", limit: Infinity,
    start() {
      const a = cfg.attempt || {};
      if (win.document) beats = activity(win, (s, final) => final ? post("heartbeat", { active_seconds: s }, true).catch(nop) : send("heartbeat", { active_seconds: s }));
      return { entry: a.state ? "resume" : "ab-initio", state: a.state || null, location: a.location || null, learner: a.learner || {}, seed: a.seed == null ? null : a.seed };
    },
    saveAnswer(index, response, path, q) {
      const body = { index, response };
      if (q) { body.question = q.id; body.version = q.version; }
      if (path) body.path = path;
      send("answers", body);
    },
    saveState: (state, location) => send("state", { state, location: location == null ? null : String(location) }),
    recordInteraction: nop, recordObjective: nop, report: nop,
    submit: (responses) => post("submit", { responses }),
    finish() {
      if (done) return;
      done = true;
      if (beats) { beats.flush(true); beats.stop(); }
      const last = queue.filter((j) => j.path === "state").pop(); // the page is going: send it now
      if (last) post("state", last.body, true).catch(nop);
    },
    pending: () => queue.length
  };
}

function preview(options) {
  const store = options.storage || root.localStorage, key = options.key || "carecourse-preview";
  let rec = null, done = false;
  try { rec = JSON.parse(store.getItem(key) || "null"); } catch (e) { rec = null; }
  rec = rec || {};
  const write = () => { try { store.setItem(key, JSON.stringify(rec)); } catch (e) { /* full or blocked: only a preview */ } };
  return {
    kind: "preview", limit: options.limit || 64000,
    start: () => ({ entry: rec.state ? "resume" : "ab-initio", state: rec.state || null, location: rec.location || null, learner: { id: "preview", name: "Preview" } }),
    saveAnswer() {},
    saveState(state, location) { rec.state = state; rec.location = location; write(); },
    recordInteraction(ix) { (rec.interactions = rec.interactions || []).push(ix); write(); },
    recordObjective(o) { (rec.objectives = rec.objectives || {})[sanitizeId(o.id)] = o; write(); },
    report(r) { rec.result = r; write(); },
    submit: () => Promise.resolve(null),
    finish(r) { if (!done) { done = true; rec.finish = r; write(); } }
  };
}

const CCRuntime = {
  CMI, sanitizeId, timespan12, duration2004, findAPI,
  /** The adapter for kind: "scorm12", "scorm2004", "app", "preview" or "none". */
  create(kind, options) {
    options = options || {};
    if (CMI[kind]) return scorm(kind, options);
    // none: nothing is kept (no LMS found)
    const make = { app, preview, none: () => preview({ storage: { getItem: () => null, setItem() {} } }) }[kind];
    if (!make) throw new Error("Unknown runtime kind: " + kind);
    return make(options);
  }
};
if (typeof module === "object" && module.exports) module.exports = CCRuntime;
else root.CCRuntime = CCRuntime;
})(typeof window !== "undefined" ? window : this);
