/* carecourse player runtime: the one interface the player talks to its host through.
 * CCRuntime.create(kind, options) -> {kind, limit, start, saveAnswer, saveState, recordInteraction,
 * recordObjective, report, submit, finish}. Kinds: "scorm12", "scorm2004" (one data-driven adapter),
 * "app" (the Flask learner API), "preview" (localStorage, for tutors and standalone tests),
 * "none" (nothing is saved). See README.md in this folder for the CMI mapping. */
(function (root) {
  "use strict";

  // CMI names per SCORM version. 1.2: SCORM 1.2 RTE section 3.4; 2004: SCORM 2004 4th ed. RTE 4.2.
  var CMI = {
    scorm12: {
      api: "API", depth: 7, limit: 4096, prefixes: "Initialize,Finish,GetValue,SetValue,Commit,GetLastError".split(","), pre: "LMS",
      entry: "cmi.core.entry", location: "cmi.core.lesson_location", suspend: "cmi.suspend_data",
      learnerId: "cmi.core.student_id", learnerName: "cmi.core.student_name",
      score: "cmi.core.score.", scaled: false, sessionTime: "cmi.core.session_time", exit: "cmi.core.exit",
      exitNormal: "", learnerResponse: "student_response", timestamp: "time", description: false,
      wrong: "wrong", longFillIn: "fill-in", status12: "cmi.core.lesson_status",
      unsupported: { 401: 1, 402: 1, 403: 1 }
    },
    scorm2004: {
      api: "API_1484_11", depth: 500, limit: 64000, prefixes: "Initialize,Terminate,GetValue,SetValue,Commit,GetLastError".split(","), pre: "",
      entry: "cmi.entry", location: "cmi.location", suspend: "cmi.suspend_data",
      learnerId: "cmi.learner_id", learnerName: "cmi.learner_name",
      score: "cmi.score.", scaled: true, sessionTime: "cmi.session_time", exit: "cmi.exit",
      exitNormal: "normal", learnerResponse: "learner_response", timestamp: "timestamp", description: true,
      wrong: "incorrect", longFillIn: "long-fill-in", status12: false,
      unsupported: { 401: 1, 402: 1 }
    }
  };

  /** Replace "/" by "-" and anything outside [A-Za-z0-9_.-] by "_", at most 255 characters. */
  function sanitizeId(s) {
    return String(s).replace(/\//g, "-").replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 255);
  }

  function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }

  /** 1.2 CMITimespan HHHH:MM:SS.SS (hh = true: HH:MM:SS for latency). */
  function timespan12(ms, hh) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60;
    if (hh) return pad(Math.min(h, 99), 2) + ":" + pad(m, 2) + ":" + pad(s, 2);
    return pad(Math.min(h, 9999), 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(cs % 100, 2);
  }

  /** 2004 ISO 8601 duration, e.g. PT1H2M3.45S. */
  function duration2004(ms) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (h || m ? m + "M" : "") + s + "S";
  }

  // 1.2 choice, sequencing and matching use single-character identifiers (RTE 3.4.2.7.5):
  // option n is LETTERS[n]; a matching response n is MATCH12[n] (1-9, then a-z).
  var LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789", MATCH12 = "123456789abcdefghijklmnopqrstuvwxyz";
  function oneLine(s, max) {
    s = String(s == null ? "" : s).replace(/\s+/g, " ").replace(/^\{/, "(").trim();
    return s.length > max ? s.slice(0, max) : s;
  }

  /* Response formats. The player passes structured values: choice/sequencing [{id, n}] (n = index
   * in the question's own option list), matching [[{id,n},{id,n}]], true-false bool, fill-in
   * [strings], numeric string (correct: {min, max, value}), long-fill-in string. */
  var FORMAT = {
    scorm12: function (type, v, correct) {
      switch (type) {
        case "choice": case "sequencing": return v.map(function (k) { return LETTERS.charAt(k.n); }).join(",");
        case "true-false": return v ? "t" : "f";
        case "matching": return v.map(function (p) { return LETTERS.charAt(p[0].n) + "." + MATCH12.charAt(p[1].n); }).join(",");
        case "numeric": return correct ? String(v.value) : String(v);
        default: return oneLine(Array.isArray(v) ? v.join(",") : v, 255);
      }
    },
    scorm2004: function (type, v, correct) {
      switch (type) {
        case "choice": case "sequencing": return v.map(function (k) { return k.id; }).join("[,]");
        case "true-false": return v ? "true" : "false";
        case "matching": return v.map(function (p) { return p[0].id + "[.]" + p[1].id; }).join("[,]");
        case "numeric": return correct ? v.min + "[:]" + v.max : String(v);
        case "fill-in": return (correct ? "{case_matters=false}" : "") + v.map(function (t) { return oneLine(t, 250).replace(/\[[,.:]\]/g, " "); }).join("[,]");
        default: return oneLine(v, 4000);
      }
    }
  };

  function findAPI(win, name, depth) {
    function walk(w) {
      var tries = 0;
      try {
        while (w && !w[name] && w.parent && w.parent !== w) {
          if (++tries > depth) return null;
          w = w.parent;
        }
        return (w && w[name]) || null;
      } catch (e) { return null; } // a cross-origin frame ends the walk
    }
    var api = walk(win);
    try { if (!api && win.opener) api = walk(win.opener); } catch (e) { api = null; }
    return api;
  }

  function scormAdapter(kind, options) {
    var T = CMI[kind], win = options.window || root, api = options.api || findAPI(win, T.api, T.depth);
    var fn = {}, names = ["init", "term", "get", "set", "commit", "err"];
    T.prefixes.forEach(function (p, i) { fn[names[i]] = T.pre + p; });
    var live = false, done = false, dirty = false, queued = false, lastError = 0;
    var ixCount = 0, noIx = false, noObj = false, objCount = 0, objIndex = {};

    function call(m, a, b) {
      var r = b === undefined ? api[fn[m]](a) : api[fn[m]](a, b);
      lastError = parseInt(api[fn.err](), 10) || 0;
      return r;
    }
    function get(name) { var v = call("get", name); return lastError ? "" : String(v == null ? "" : v); }
    function set(name, value) {
      if (!live) return false;
      var ok = String(call("set", name, String(value))) === "true";
      if (ok) dirty = true;
      return ok;
    }
    function commit() {
      queued = false;
      if (live && dirty) { dirty = false; call("commit", ""); }
    }
    function later() { // one commit per batch of calls made in the same task
      if (!queued) { queued = true; Promise.resolve().then(function () { if (queued) commit(); }); }
    }
    function pct(raw, max) { return max > 0 ? Math.round(raw / max * 10000) / 100 : 0; }
    function writeScore(prefix, raw, max) {
      set(prefix + "min", 0); set(prefix + "max", 100); set(prefix + "raw", pct(raw, max));
      if (T.scaled) set(prefix + "scaled", max > 0 ? Math.round(raw / max * 10000) / 10000 : 0);
    }
    function writeStatus(prefix, success, completion) {
      if (T.status12) {
        set(prefix + "status", success === true ? "passed" : success === false ? "failed" : completion);
      } else {
        set(prefix + "completion_status", completion);
        set(prefix + "success_status", success === true ? "passed" : success === false ? "failed" : "unknown");
      }
    }
    function format(type, v, correct) { return FORMAT[kind](type, v, correct); }

    return {
      kind: kind, limit: T.limit,
      start: function () {
        if (!api) { var e = new Error("No SCORM " + (kind === "scorm12" ? "1.2" : "2004") + " API found"); e.code = "NO_API"; throw e; }
        if (String(call("init", "")) !== "true") { var f = new Error("The LMS refused to start the session (error " + lastError + ")"); f.code = "NO_INIT"; throw f; }
        live = true;
        var entry = get(T.entry), out = { entry: entry === "resume" ? "resume" : "ab-initio", state: null, location: null, learner: {} };
        out.learner = { id: get(T.learnerId), name: get(T.learnerName) };
        if (entry === "resume") { // only a resumed attempt has these set
          var raw = get(T.suspend);
          try { out.state = raw ? JSON.parse(raw) : null; } catch (x) { out.state = null; }
          out.location = get(T.location) || null;
        } else if (T.status12) {
          set(T.status12, "incomplete");
        } else {
          set("cmi.completion_status", "incomplete");
        }
        var n = call("get", "cmi.interactions._count");
        if (lastError) noIx = true; /* optional in some LMSs: skip interactions */ else ixCount = parseInt(n, 10) || 0;
        n = call("get", "cmi.objectives._count");
        if (lastError) noObj = true;
        else {
          objCount = parseInt(n, 10) || 0;
          for (var i = 0; i < objCount; i++) objIndex[get("cmi.objectives." + i + ".id")] = i;
        }
        return out;
      },
      saveAnswer: function () {},
      saveState: function (state, location) {
        if (!live) return;
        if (state != null) {
          var s = JSON.stringify(state);
          if (s.length <= T.limit) set(T.suspend, s);
        }
        if (location != null) set(T.location, String(location).slice(0, 255));
        commit();
      },
      recordInteraction: function (ix) {
        if (!live || noIx) return;
        var p = "cmi.interactions." + ixCount + ".";
        if (!set(p + "id", sanitizeId(ix.id))) { if (T.unsupported[lastError]) noIx = true; return; }
        ixCount++;
        var type = ix.type === "long-fill-in" ? T.longFillIn : ix.type;
        set(p + "type", type);
        (ix.objectives || []).forEach(function (o, i) { set(p + "objectives." + i + ".id", sanitizeId(o)); });
        var when = new Date(ix.timestamp || Date.now());
        if (T.status12) set(p + "time", pad(when.getHours(), 2) + ":" + pad(when.getMinutes(), 2) + ":" + pad(when.getSeconds(), 2));
        else set(p + "timestamp", when.toISOString());
        if (ix.correct_responses && ix.correct_responses.length && type !== "long-fill-in") {
          set(p + "correct_responses.0.pattern", format(type, ix.correct_responses[0], true));
        }
        if (ix.weighting != null) set(p + "weighting", ix.weighting);
        if (ix.learner_response != null) set(p + T.learnerResponse, format(type, ix.learner_response, false));
        set(p + "result", ix.result === "incorrect" ? T.wrong : ix.result);
        set(p + "latency", T.status12 ? timespan12(ix.latency_ms || 0, true) : duration2004(ix.latency_ms || 0));
        if (T.description && ix.description) set(p + "description", oneLine(ix.description, 250));
        later();
      },
      recordObjective: function (o) {
        if (!live || noObj) return;
        var id = sanitizeId(o.id), i = objIndex[id];
        if (i === undefined) { // append only when the LMS does not already hold this id
          if (!set("cmi.objectives." + objCount + ".id", id)) { if (T.unsupported[lastError]) noObj = true; return; }
          i = objIndex[id] = objCount++;
        }
        var p = "cmi.objectives." + i + ".";
        if (o.score_max != null) writeScore(p + "score.", o.score_raw || 0, o.score_max);
        writeStatus(p, o.success, o.completion || "completed");
        later();
      },
      report: function (r) {
        if (!live) return;
        if (r.score_max != null) writeScore(T.score, r.score_raw || 0, r.score_max);
        writeStatus(T.status12 ? "cmi.core.lesson_" : "cmi.", r.success, r.completion);
        later();
      },
      submit: function () { return Promise.resolve(null); },
      finish: function (r) {
        if (!live || done) return;
        if (r) {
          if (r.score_max != null || r.completion) this.report(r);
          set(T.sessionTime, T.status12 ? timespan12(r.session_ms || 0) : duration2004(r.session_ms || 0));
          set(T.exit, r.exit === "suspend" ? "suspend" : T.exitNormal);
        }
        commit();
        done = true; live = false;
        call("term", "");
      }
    };
  }

  /** Tracks active time: page visible and input within the last five minutes. */
  function activity(win, onBeat, everyMs) {
    var doc = win.document, last = Date.now(), tick = Date.now(), active = 0, timer = null;
    function touch() { last = Date.now(); }
    ["keydown", "pointerdown", "input", "scroll", "touchstart"].forEach(function (e) { doc.addEventListener(e, touch, true); });
    function step() {
      var now = Date.now();
      if (doc.visibilityState !== "hidden" && now - last < 300000) active += now - tick;
      tick = now;
    }
    var n = 0;
    timer = win.setInterval(function () { step(); if (++n % Math.round(everyMs / 5000) === 0) flush(); }, 5000);
    doc.addEventListener("visibilitychange", step);
    function flush(final) {
      step();
      var s = Math.round(active / 1000);
      if (s > 0) { active -= s * 1000; onBeat(s, final); }
    }
    return { flush: flush, stop: function () { win.clearInterval(timer); } };
  }

  function appAdapter(options) {
    var launch = options.launch || root.CC_LAUNCH || {}, app = launch.app || {}, win = options.window || root;
    var base = String(app.api || "").replace(/\/$/, ""), doFetch = options.fetch || (win.fetch && win.fetch.bind(win));
    var queue = [], busy = false, done = false, beat = null, onStatus = options.onStatus || function () {};

    function post(path, body, keepalive) {
      return doFetch(base + "/" + path, {
        method: "POST", credentials: "same-origin", keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "X-CSRFToken": app.csrf || "", "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) { var e = new Error("HTTP " + r.status); e.status = r.status; throw e; }
        return r.status === 204 ? null : r.json().catch(function () { return null; });
      });
    }
    // Autosaves go out in order; a failure is retried (lost connection loses nothing).
    function send(path, body) {
      for (var i = 0; i < queue.length; i++) if (path === "state" && queue[i].path === "state" && i > 0) { queue[i].body = body; return; }
      queue.push({ path: path, body: body, tries: 0 });
      pump();
    }
    function pump() {
      if (busy || !queue.length) return;
      busy = true;
      var job = queue[0];
      post(job.path, job.body).then(function () {
        queue.shift(); busy = false; onStatus(queue.length ? "saving" : "saved"); pump();
      }, function (e) {
        busy = false; job.tries++;
        if (e.status && e.status < 500 && e.status !== 408 && e.status !== 429) { queue.shift(); onStatus("error", e); pump(); return; }
        onStatus("offline", e);
        win.setTimeout(pump, Math.min(30000, 1000 * Math.pow(2, job.tries)));
      });
    }
    if (win.addEventListener) win.addEventListener("online", pump);

    return {
      kind: "app", limit: Infinity,
      start: function () {
        var a = app.attempt || {};
        if (win.document) beat = activity(win, function (s, final) { var b = { active_seconds: s }; if (final) post("heartbeat", b, true).catch(function () {}); else send("heartbeat", b); }, 30000);
        return { entry: a.state ? "resume" : "ab-initio", state: a.state || null, location: a.location || null,
                 learner: a.learner || {}, seed: a.seed == null ? null : a.seed };
      },
      saveAnswer: function (index, response, path, question) {
        var body = { index: index, response: response };
        if (question) { body.question = question.id; body.version = question.version; }
        if (path) body.path = path;
        send("answers", body);
      },
      saveState: function (state, location) { send("state", { state: state, location: location == null ? null : String(location) }); },
      recordInteraction: function () {},
      recordObjective: function () {},
      report: function () {},
      submit: function (responses) { return post("submit", { responses: responses }); },
      finish: function (r) {
        if (done) return;
        done = true;
        if (beat) { beat.flush(true); beat.stop(); }
        var q = queue.filter(function (j) { return j.path === "state"; }).pop();
        if (q) post("state", q.body, true).catch(function () {});
        void r;
      },
      pending: function () { return queue.length; }
    };
  }

  function previewAdapter(options) {
    var store = options.storage || (root.localStorage), key = options.key || "carecourse-preview", done = false;
    function read() { try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; } }
    function write(o) { try { store.setItem(key, JSON.stringify(o)); } catch (e) { /* storage full or blocked: preview only */ } }
    var rec = read() || {};
    return {
      kind: "preview", limit: options.limit || 64000,
      start: function () {
        done = false;
        return { entry: rec.state ? "resume" : "ab-initio", state: rec.state || null, location: rec.location || null, learner: { id: "preview", name: "Preview" } };
      },
      saveAnswer: function () {},
      saveState: function (state, location) { rec.state = state; rec.location = location; write(rec); },
      recordInteraction: function (ix) { (rec.interactions = rec.interactions || []).push(ix); write(rec); },
      recordObjective: function (o) { (rec.objectives = rec.objectives || {})[sanitizeId(o.id)] = o; write(rec); },
      report: function (r) { rec.result = r; write(rec); },
      submit: function () { return Promise.resolve(null); },
      finish: function (r) { if (done) return; done = true; rec.finish = r; write(rec); }
    };
  }

  function noneAdapter() {
    var nop = function () {};
    return { kind: "none", limit: Infinity, start: function () { return { entry: "ab-initio", state: null, location: null, learner: {} }; },
             saveAnswer: nop, saveState: nop, recordInteraction: nop, recordObjective: nop, report: nop,
             submit: function () { return Promise.resolve(null); }, finish: nop };
  }

  var CCRuntime = {
    CMI: CMI, sanitizeId: sanitizeId, timespan12: timespan12, duration2004: duration2004, findAPI: findAPI,
    /** Create the adapter named by kind ("scorm12", "scorm2004", "app", "preview", "none"). */
    create: function (kind, options) {
      options = options || {};
      if (CMI[kind]) return scormAdapter(kind, options);
      if (kind === "app") return appAdapter(options);
      if (kind === "preview") return previewAdapter(options);
      if (kind === "none") return noneAdapter();
      throw new Error("Unknown runtime kind: " + kind);
    }
  };

  if (typeof module === "object" && module.exports) module.exports = CCRuntime;
  else root.CCRuntime = CCRuntime;
})(typeof window !== "undefined" ? window : this);
