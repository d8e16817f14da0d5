/* carecourse player: renders a module's pages and quiz from window.CC_COURSE, marks with
 * window.CCMarking and talks to its host only through window.CCRuntime (see README.md).
 * The pure parts (state codec, results, interactions) are exported for node --test. */
(function (root) {
  "use strict";

  var B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  function idx(list, id) { for (var i = 0; i < list.length; i++) if (list[i].id === id) return i; return -1; }
  function ch(i) { return B36.charAt(i); }
  function un(c) { return B36.indexOf(c); }

  /* ---------- compact answer codes (indices into the question's own lists, not ids) ---------- */

  /** Encode a response (docs/formats.md shape) for question q; null stays null. */
  function encodeAnswer(q, r) {
    if (r == null) return null;
    switch (q.type) {
      case "single_choice": return ch(idx(q.options, r));
      case "multiple_response": return r.map(function (id) { return ch(idx(q.options, id)); }).sort().join("");
      case "true_false": return r ? "t" : "f";
      case "matching": return q.premises.map(function (p) { return r[p.id] == null ? "-" : ch(idx(q.responses, r[p.id])); }).join("");
      case "ordering": return r.map(function (id) { return ch(idx(q.items, id)); }).join("");
      case "short_answer": return q.gaps.map(function (g) { return r[g.id] == null ? "" : String(r[g.id]); });
      case "scenario":
        var out = [r.path.map(function (sid) { return ch(idx(q.steps, sid)); }).join("")];
        q.steps.forEach(function (s, i) { out[i + 1] = r.answers[s.id] == null ? null : encodeAnswer(s.question, r.answers[s.id]); });
        while (out.length > 1 && out[out.length - 1] == null) out.pop();
        return out;
      default: return String(r); // numeric, essay
    }
  }

  /** Decode a code made by encodeAnswer. */
  function decodeAnswer(q, c) {
    if (c == null) return null;
    var o = {};
    switch (q.type) {
      case "single_choice": return q.options[un(c)].id;
      case "multiple_response": return c.split("").map(function (x) { return q.options[un(x)].id; });
      case "true_false": return c === "t";
      case "matching":
        q.premises.forEach(function (p, i) { if (c.charAt(i) !== "-" && c.charAt(i)) o[p.id] = q.responses[un(c.charAt(i))].id; });
        return o;
      case "ordering": return c.split("").map(function (x) { return q.items[un(x)].id; });
      case "short_answer": q.gaps.forEach(function (g, i) { if (c[i]) o[g.id] = c[i]; }); return o;
      case "scenario":
        q.steps.forEach(function (s, i) { if (c[i + 1] != null) o[s.id] = decodeAnswer(s.question, c[i + 1]); });
        return { path: c[0].split("").map(function (x) { return q.steps[un(x)].id; }), answers: o };
      default: return c;
    }
  }

  /* Module state in memory: {w: view p|i|q|r|v, p: page, s: seed|null, q: question, a: [responses],
   * k: [checked], l: [ms on each question], z: submitted, r: [percent, passed], d: done}.
   * Packed: the same short keys, answers encoded, k as "0101", l in whole seconds, defaults left out. */
  function packModule(ms, questions) {
    var o = { w: ms.w || "p" };
    if (ms.p) o.p = ms.p;
    if (ms.s != null) {
      o.s = ms.s; o.q = ms.q || 0;
      o.a = questions.map(function (q, i) { return encodeAnswer(q, ms.a[i]); });
      while (o.a.length && o.a[o.a.length - 1] == null) o.a.pop();
      var k = questions.map(function (q, i) { return ms.k[i] ? "1" : "0"; }).join("").replace(/0+$/, "");
      if (k) o.k = k;
      o.l = questions.map(function (q, i) { return Math.round((ms.l[i] || 0) / 1000); });
      while (o.l.length && !o.l[o.l.length - 1]) o.l.pop();
    }
    if (ms.z) o.z = 1;
    if (ms.r) o.r = ms.r;
    if (ms.d) o.d = 1;
    return o;
  }

  function unpackModule(o, questions) {
    var ms = { w: o.w || "p", p: o.p || 0, s: o.s == null ? null : o.s, q: o.q || 0, a: [], k: [], l: [], z: !!o.z, r: o.r || null, d: !!o.d };
    (questions || []).forEach(function (q, i) {
      ms.a[i] = o.a && o.a[i] != null ? decodeAnswer(q, o.a[i]) : null;
      ms.k[i] = !!(o.k && o.k.charAt(i) === "1");
      ms.l[i] = (o.l && o.l[i] || 0) * 1000;
    });
    return ms;
  }

  /** Characters the state takes in suspend_data. */
  function measureState(packed) { return JSON.stringify(packed).length; }

  /** Make packed state fit limit: drop answers of finished modules not shown, then cut free text. */
  function fitState(packed, limit) {
    if (measureState(packed) <= limit) return packed;
    var s = JSON.parse(JSON.stringify(packed));
    Object.keys(s.m || {}).forEach(function (k) {
      if (String(s.c) !== k && s.m[k].z) { delete s.m[k].a; delete s.m[k].k; delete s.m[k].l; s.m[k].w = "r"; }
    });
    var texts = [];
    Object.keys(s.m || {}).forEach(function (k) {
      (s.m[k].a || []).forEach(function (c, i, arr) {
        if (typeof c === "string" && c.length > 40) texts.push([arr, i]);
        if (Array.isArray(c)) c.forEach(function (t, j) { if (typeof t === "string" && t.length > 40) texts.push([c, j]); });
      });
    });
    texts.sort(function (x, y) { return y[0][y[1]].length - x[0][x[1]].length; });
    while (measureState(s) > limit && texts.length) {
      var t = texts[0], v = t[0][t[1]];
      t[0][t[1]] = v.slice(0, Math.max(40, Math.floor(v.length / 2)));
      if (t[0][t[1]].length <= 40) texts.shift();
      texts.sort(function (x, y) { return y[0][y[1]].length - x[0][x[1]].length; });
    }
    return s;
  }

  /* ---------- scenarios ---------- */

  /** Index of the step after step i given its answer, -1 at the end. */
  function nextStep(sc, i, answer) {
    var st = sc.steps[i], q = st.question, key = null, to;
    if (q.type === "single_choice") key = answer;
    else if (q.type === "true_false") key = answer ? "true" : "false";
    if (st.branches && key != null && st.branches[key] != null) to = st.branches[key];
    else if (st.next != null) to = st.next;
    else to = i + 1 < sc.steps.length ? sc.steps[i + 1].id : "end";
    return to === "end" ? -1 : idx(sc.steps, to);
  }

  /** The step the learner is on (-1: the case has ended). */
  function currentStep(sc, r) {
    if (!r || !r.path.length) return 0;
    var last = idx(sc.steps, r.path[r.path.length - 1]);
    return nextStep(sc, last, r.answers[r.path[r.path.length - 1]]);
  }

  /** The scenario response as marked: the committed answers, the path run on to the end
   * (steps not reached count as unanswered and continue by next / the following step). */
  function committed(r, sc) {
    if (!r) return r;
    var a = {}, path = r.path.slice(), k = sc ? currentStep(sc, r) : -1;
    path.forEach(function (s) { if (r.answers[s] != null) a[s] = r.answers[s]; });
    while (k >= 0 && path.length <= sc.steps.length) { path.push(sc.steps[k].id); k = nextStep(sc, k, null); }
    return { path: path, answers: a };
  }

  /* ---------- results and interactions ---------- */

  function markOne(M, q, r) {
    if (r == null) return { score: 0, max: q.points || 1, correct: false, feedback: [], none: true };
    try { return M.mark(q, r); } catch (e) { return { score: 0, max: q.points || 1, correct: false, feedback: [String(e.message || e)], error: true }; }
  }

  /** Score, pass and per-criterion results of a quiz for responses (pending essays count nowhere). */
  function results(M, quiz, questions, responses) {
    var marks = questions.map(function (q, i) { return markOne(M, q, q.type === "scenario" ? committed(responses[i], q) : responses[i]); });
    var score = 0, max = 0, crit = {}, order = [], pending = 0;
    marks.forEach(function (m, i) {
      if (m.pending) { pending++; return; }
      score += m.score; max += m.max;
      (questions[i].criteria || []).forEach(function (ref) {
        if (!crit[ref]) { crit[ref] = { ref: ref, score: 0, max: 0 }; order.push(ref); }
        crit[ref].score += m.score; crit[ref].max += m.max;
      });
    });
    var threshold = quiz.criterion_threshold, fraction = max ? score / max : 0;
    var criteria = order.map(function (ref) {
      var c = crit[ref]; c.fraction = c.max ? c.score / c.max : 0;
      c.met = c.fraction + 1e-9 >= (threshold == null ? quiz.pass_mark : threshold);
      return c;
    });
    var passed = fraction + 1e-9 >= quiz.pass_mark && (threshold == null || criteria.every(function (c) { return c.met; }));
    return { score: Math.round(score * 1e6) / 1e6, max: max, fraction: fraction, passed: passed, criteria: criteria, marks: marks, pending: pending };
  }

  function key(list, id) { return { id: id, n: idx(list, id) }; }
  function plain(md) { return String(md || "").replace(/<[^>]*>/g, " ").replace(/\{\{(\w+)\}\}/g, "___").replace(/[*_`#>\[\]]/g, "").replace(/\s+/g, " ").trim(); }

  /** Interaction fields for a question (type, correct response, learner response) in runtime shape. */
  function interactionOf(q, r) {
    switch (q.type) {
      case "single_choice": case "multiple_response":
        return { type: "choice", correct: q.options.filter(function (o) { return o.correct; }).map(function (o) { return key(q.options, o.id); }),
                 learner: [].concat(r).map(function (id) { return key(q.options, id); }) };
      case "true_false": return { type: "true-false", correct: !!q.answer, learner: !!r };
      case "matching":
        return { type: "matching",
                 correct: q.premises.filter(function (p) { return p.match != null; }).map(function (p) { return [key(q.premises, p.id), key(q.responses, p.match)]; }),
                 learner: q.premises.filter(function (p) { return r[p.id] != null; }).map(function (p) { return [key(q.premises, p.id), key(q.responses, r[p.id])]; }) };
      case "ordering": return { type: "sequencing", correct: q.items.map(function (it) { return key(q.items, it.id); }), learner: r.map(function (id) { return key(q.items, id); }) };
      case "short_answer":
        return { type: "fill-in",
                 correct: q.gaps.map(function (g) { var best = null; (g.answers || []).forEach(function (a) { if (!best || a.credit > best.credit) best = a; }); return best ? best.text : ""; }),
                 learner: q.gaps.map(function (g) { return r[g.id] == null ? "" : String(r[g.id]); }) };
      case "numeric":
        var b = null; (q.answers || []).forEach(function (a) { if (!b || a.credit > b.credit) b = a; });
        var t = b ? Number(b.tolerance || 0) : 0, v = b ? Number(b.value) : 0;
        return { type: "numeric", correct: { min: v - t, max: v + t, value: v }, learner: String(r) };
      default: return { type: "long-fill-in", correct: null, learner: String(r) };
    }
  }

  /** The interactions one answered question reports (a scenario reports one per step taken). */
  function interactions(q, r, mark, M, latencyMs, when) {
    var crits = q.criteria || [], first = crits[0] ? String(crits[0]).replace(/\//g, "-") + "." : "";
    function one(id, qq, rr, m, desc) {
      var f = interactionOf(qq, rr);
      return { id: first + id + ".v" + (q.version || 1), type: f.type, description: plain(desc).slice(0, 250),
               correct_responses: f.correct == null ? [] : [f.correct], learner_response: f.learner,
               result: m.pending || m.correct == null ? "neutral" : m.correct ? "correct" : "incorrect",
               weighting: qq.points || 1, latency_ms: latencyMs, objectives: crits.slice(), timestamp: when };
    }
    if (r == null) return [];
    if (q.type !== "scenario") return [one(q.id, q, r, mark, q.stem)];
    var n = Math.max(1, r.path.length);
    return r.path.map(function (sid) {
      var st = q.steps[idx(q.steps, sid)], child = st.question, cm = markOne(M, child, r.answers[sid]);
      var ix = one(q.id + "." + sid, child, r.answers[sid], cm, child.stem);
      if (child.criteria && child.criteria.length) ix.objectives = child.criteria.slice();
      ix.latency_ms = Math.round(latencyMs / n);
      return ix;
    });
  }

  /* ---------- Markdown (the small subset authors use) ---------- */

  function esc(s) { return String(s == null ? "" : s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  function inline(s) {
    return esc(s)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?![\w*])/g, "$1<em>$2</em>")
      .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\.{0,2}\/|#)[^)\s]*)\)/g, '<a href="$2">$1</a>')
      .replace(/\{\{(\w[\w.-]*)\}\}/g, '<span data-gap="$1"></span>');
  }
  /** Markdown to HTML: paragraphs, lists, bold, italic, code, links; gaps become placeholders. */
  function md(text) {
    return String(text || "").replace(/\r/g, "").split(/\n\s*\n/).map(function (block) {
      var lines = block.split("\n").filter(function (l) { return l.trim(); });
      if (!lines.length) return "";
      if (lines.every(function (l) { return /^\s*[-*]\s+/.test(l); })) return "<ul>" + lines.map(function (l) { return "<li>" + inline(l.replace(/^\s*[-*]\s+/, "")) + "</li>"; }).join("") + "</ul>";
      if (lines.every(function (l) { return /^\s*\d+[.)]\s+/.test(l); })) return "<ol>" + lines.map(function (l) { return "<li>" + inline(l.replace(/^\s*\d+[.)]\s+/, "")) + "</li>"; }).join("") + "</ol>";
      var hm = /^(#{1,6})\s+(.*)$/.exec(lines[0]);
      if (hm && lines.length === 1) return "<p><strong>" + inline(hm[2]) + "</strong></p>";
      return "<p>" + lines.map(inline).join("<br>") + "</p>";
    }).join("");
  }
  function stemHtml(q) {
    if (q.stem_html) return q.stem_html;
    return q.stem_format === "html" ? String(q.stem || "").replace(/\{\{(\w[\w.-]*)\}\}/g, '<span data-gap="$1"></span>') : md(q.stem);
  }

  var CCPlayer = {
    encodeAnswer: encodeAnswer, decodeAnswer: decodeAnswer, packModule: packModule, unpackModule: unpackModule,
    measureState: measureState, fitState: fitState, nextStep: nextStep, currentStep: currentStep, results: results,
    interactions: interactions, md: md
  };

  /* ================= the page ================= */

  function boot(win) {
    var doc = win.document, course = win.CC_COURSE, launch = win.CC_LAUNCH || {}, M = win.CCMarking;
    var mods = course.modules || [], byKey = {}, uid = 0, finished = false, t0 = Date.now();
    (course.questions || []).forEach(function (q) { byKey[q.id + "@" + q.version] = q; });
    var main = doc.getElementById("main"), liveEl = doc.getElementById("cc-live"), notice = doc.getElementById("cc-notice");
    var single = -1;
    mods.forEach(function (m, i) { if (m.slug === launch.module) single = i; });
    var title = doc.getElementById("cc-title");
    title.textContent = single >= 0 ? mods[single].title : (course.course || {}).title || "Course";
    if ((course.course || {}).language) doc.documentElement.lang = course.course.language;

    function h(tag, props, kids) {
      var el = doc.createElement(tag);
      for (var k in props || {}) {
        var v = props[k];
        if (v == null || v === false) continue;
        if (k === "text") el.textContent = v;
        else if (k === "html") el.innerHTML = v;
        else if (k === "class") el.className = v;
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : v);
      }
      (kids || []).forEach(function (c) { if (c != null) el.appendChild(typeof c === "string" ? doc.createTextNode(c) : c); });
      return el;
    }
    function id(p) { return "cc-" + (p || "x") + (++uid); }
    function button(text, onclick, cls, extra) { return h("button", { type: "button", class: cls || "btn", onclick: onclick }, [text].concat(extra || [])); }
    function say(msg) { liveEl.textContent = ""; win.setTimeout(function () { liveEl.textContent = msg; }, 60); }
    function focus(el) { if (el) { if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1"); el.focus(); } }
    function show(nodes, focusEl, msg) {
      main.textContent = "";
      nodes.forEach(function (n) { if (n) main.appendChild(n); });
      if (typeof focusEl === "string") focusEl = main.querySelector(focusEl);
      if (focusEl) focus(focusEl);
      if (msg) say(msg);
      if (focusEl && win.scrollTo) win.scrollTo(0, 0);
    }
    function showNotice(text) { notice.hidden = false; notice.textContent = text; }

    /* ---- runtime ---- */
    var rt, started;
    try {
      rt = win.CCRuntime.create(launch.adapter || "preview", { launch: launch, key: "carecourse-preview:" + ((course.course || {}).slug || "") + ":" + (launch.module || ""),
        onStatus: function (s) { if (s === "offline") showNotice("Connection lost: your answers are kept and will be saved when the connection returns."); else if (s === "saved") notice.hidden = true; } });
      started = rt.start();
    } catch (e) {
      showNotice(e.code === "NO_API" || e.code === "NO_INIT"
        ? "This course could not connect to your learning system (LMS), so your progress and results will not be recorded. Close this window and open the course again from the LMS. (" + e.message + ")"
        : "Your progress cannot be saved: " + e.message);
      rt = win.CCRuntime.create("none"); started = rt.start();
    }
    if (!M) showNotice("Part of the player (marking.js) did not load, so quizzes cannot be marked.");

    /* ---- state ---- */
    var st = { c: single >= 0 ? single : -1, m: {} }, cache = {};
    function quizOf(mi) { // the questions of this attempt, replayed from its seed
      var ms = st.m[mi];
      if (!cache[mi] || cache[mi].seed !== ms.s) {
        var list = M.assembleQuiz(mods[mi].quiz, course.questions, ms.s);
        cache[mi] = { seed: ms.s, shown: list.map(shownQ), orig: list.map(function (e) { return byKey[e.question + "@" + e.version]; }) };
      }
      return cache[mi];
    }
    // assembleQuiz gives {question, version, order, step_orders}: the display order of options,
    // matching responses or ordering items; answers are always kept by id.
    function reorder(q, order) {
      if (!order) return q;
      var k = q.type === "matching" ? "responses" : q.type === "ordering" ? "items" : "options", c = {};
      for (var x in q) c[x] = q[x];
      c[k] = order.map(function (oid) { return q[k][idx(q[k], oid)]; });
      return c;
    }
    function shownQ(e) {
      var q = reorder(byKey[e.question + "@" + e.version], e.order), so = e.step_orders;
      if (!so) return q;
      var c = {};
      for (var x in q) c[x] = q[x];
      c.steps = q.steps.map(function (s) { return so[s.id] ? { id: s.id, question: reorder(s.question, so[s.id]), branches: s.branches, next: s.next } : s; });
      return c;
    }
    function mstate(mi) { return st.m[mi] || (st.m[mi] = { w: "p", p: 0, s: null, q: 0, a: [], k: [], l: [], z: false, r: null, d: false }); }
    function pack() {
      var o = { v: 1, c: st.c, m: {} };
      Object.keys(st.m).forEach(function (k) { var ms = st.m[k]; o.m[k] = packModule(ms, ms.s != null && M ? quizOf(+k).orig : []); });
      return fitState(o, rt.limit || Infinity);
    }
    function where() { var ms = st.m[st.c]; return st.c < 0 || !ms ? "menu" : st.c + ":" + ms.w + (ms.w === "p" ? ms.p : ms.w === "q" ? ms.q : ""); }
    var booting = true; // the first view paints before anything is written to the host
    function save() { if (!finished && !booting) rt.saveState(pack(), where()); }
    var timer = null;
    function saveSoon() { win.clearTimeout(timer); timer = win.setTimeout(save, 1500); }

    if (started.state && started.state.v === 1) {
      try {
        st.c = started.state.c;
        Object.keys(started.state.m || {}).forEach(function (k) {
          var o = started.state.m[k];
          st.m[k] = { s: o.s == null ? null : o.s };
          st.m[k] = unpackModule(o, o.s != null && M ? quizOf(+k).orig : []);
        });
      } catch (e) { st = { c: single >= 0 ? single : -1, m: {} }; cache = {}; showNotice("Your saved progress could not be restored, so this module starts again."); }
    }
    function newSeed() {
      if (started.seed != null) return started.seed >>> 0;
      var c = win.crypto, a = new Uint32Array(1);
      if (c && c.getRandomValues) { c.getRandomValues(a); return a[0]; }
      return Math.floor(Math.random() * 4294967296);
    }

    /* ---- latency: time each question is shown ---- */
    var shown = null;
    function stopClock() { if (shown) { var ms = st.m[shown.mi]; ms.l[shown.i] = (ms.l[shown.i] || 0) + (Date.now() - shown.t); shown = null; } }

    /* ---- summary reported to the host ---- */
    function summary() {
      var list = single >= 0 ? [single] : mods.map(function (m, i) { return i; });
      var sum = 0, n = 0, quizzes = 0, failed = false, done = true;
      list.forEach(function (mi) {
        var m = mods[mi], ms = st.m[mi];
        if (m.quiz) {
          quizzes++;
          if (ms && ms.z && ms.r) { sum += ms.r[0]; n++; if (!ms.r[1]) failed = true; } else done = false;
        } else if (!(ms && ms.d)) done = false;
      });
      return { score_raw: n ? sum : null, score_max: n ? n * 100 : null, scaled: n ? sum / n / 100 : null,
               completion: done ? "completed" : "incomplete", success: !quizzes ? null : failed ? false : done ? true : null,
               session_ms: Date.now() - t0, exit: done ? "normal" : "suspend" };
    }
    function leave() {
      if (finished) return;
      stopClock(); save(); rt.finish(summary()); finished = true;
    }
    ["pagehide", "beforeunload", "unload"].forEach(function (e) { win.addEventListener(e, leave); });
    doc.getElementById("cc-exit").addEventListener("click", function () {
      leave();
      if (launch.app && launch.app.exit_url) { win.location.href = launch.app.exit_url; return; }
      var hd = h("h2", { text: "You have left the course" });
      show([hd, h("p", { text: "Your progress has been saved. You can now close this window." })], hd, "You have left the course.");
      this.disabled = true;
    });

    /* ---- menu (whole course) ---- */
    function menu(msg) {
      stopClock(); st.c = -1;
      var hd = h("h2", { text: "Modules" }), list = h("ul", { class: "modules" });
      mods.forEach(function (m, i) {
        var ms = st.m[i], status = !ms ? "Not started" : ms.z && ms.r ? (ms.r[1] ? "Passed, " : "Not passed, ") + ms.r[0] + "%" : ms.d ? "Finished" : "In progress";
        var sid = id("s");
        list.appendChild(h("li", {}, [button(m.title, function () { openModule(i); }, "btn module", null), " ", h("span", { id: sid, class: "status", text: status })]));
        list.lastChild.firstChild.setAttribute("aria-describedby", sid);
      });
      show([(course.course || {}).description ? h("div", { class: "intro", html: md(course.course.description) }) : null, hd, list], msg ? hd : null, msg);
      save();
    }
    function openModule(mi) { st.c = mi; var ms = mstate(mi); route(ms, true); }
    function route(ms, moved) {
      if (ms.w === "q" && ms.s != null && !ms.z) return question(moved);
      if ((ms.w === "r" || ms.w === "v") && ms.z) return ms.w === "v" ? review() : resultsView(moved);
      if (ms.w === "i") return intro(moved);
      return page(ms.p, moved);
    }
    function backToMenu() { return single < 0 ? button("Back to modules", function () { menu("Modules"); }, "btn secondary") : null; }

    /* ---- content pages ---- */
    function page(p, moved) {
      stopClock();
      var mi = st.c, m = mods[mi], ms = mstate(mi), pages = m.pages || [];
      if (!pages.length) return m.quiz ? intro(moved) : null;
      p = Math.max(0, Math.min(p, pages.length - 1)); ms.p = p; ms.w = "p";
      var pg = pages[p], hd = h("h2", { text: pg.title }), n = pages.length, last = p === n - 1;
      if (last && !m.quiz) ms.d = true;
      var nav = h("nav", { class: "pager", "aria-label": "Pages" }, [
        p > 0 ? button("Previous", function () { page(p - 1, true); }, "btn secondary") : null,
        !last ? button("Next", function () { page(p + 1, true); }) : m.quiz ? button("Next", function () { intro(true); }) : null,
        last && !m.quiz ? h("p", { class: "done", text: "You have reached the end of this module." }) : null,
        backToMenu()
      ]);
      var prog = h("div", { class: "progress" }, [h("p", { text: "Page " + (p + 1) + " of " + n }), h("div", { class: "bar", "aria-hidden": "true" }, [h("span", { style: "width:" + Math.round((p + 1) / n * 100) + "%" })])]);
      show([single < 0 ? h("p", { class: "crumb", text: m.title }) : null, prog, h("article", { class: "page" }, [hd, h("div", { class: "body", html: pg.html || md(pg.body) })]), nav],
           moved ? hd : null, moved ? "Page " + (p + 1) + " of " + n + ": " + pg.title : null);
      if (last && !m.quiz) { rt.report(summary()); }
      save();
    }

    /* ---- quiz ---- */
    function intro(moved) {
      stopClock();
      var mi = st.c, m = mods[mi], quiz = m.quiz, ms = mstate(mi);
      if (ms.z) return resultsView(moved);
      ms.w = "i";
      var hd = h("h2", { text: quiz.title || "Quiz" }), count = quizCount(quiz);
      var facts = h("ul", { class: "facts" }, [
        count ? h("li", { text: count + (count === 1 ? " question" : " questions") }) : null,
        h("li", { text: "Pass mark: " + Math.round(quiz.pass_mark * 100) + "%" }),
        quiz.criterion_threshold != null ? h("li", { text: "You also need at least " + Math.round(quiz.criterion_threshold * 100) + "% on every criterion the quiz covers." }) : null,
        h("li", { text: quiz.feedback === "immediate" ? "You can check each answer as you go; a checked answer cannot be changed." : "You will see your marks and feedback after you submit the quiz." })
      ]);
      var pages = (m.pages || []).length;
      show([hd, facts, h("div", { class: "pager" }, [pages ? button("Previous", function () { page(pages - 1, true); }, "btn secondary") : null,
        button(ms.s != null ? "Continue quiz" : "Start quiz", function () { startQuiz(true); }), backToMenu()])], moved ? hd : null, moved ? quiz.title : null);
      save();
    }
    function quizCount(quiz) { var n = 0; (quiz.items || []).forEach(function (it) { n += it.draw ? it.draw.count : 1; }); return n; }
    function startQuiz(moved) {
      var ms = mstate(st.c);
      if (ms.s == null) { ms.s = newSeed(); ms.q = 0; ms.a = []; ms.k = []; ms.l = []; }
      ms.w = "q";
      question(moved);
    }

    function words(t) { t = String(t || "").trim(); return t ? t.split(/\s+/).length : 0; }
    /** An essay the marking engine would refuse (over the limit or under the minimum), else "". */
    function essayProblem(q, r) {
      if (q.type === "scenario") { var m = ""; ((r && r.path) || []).forEach(function (sid) { m = m || essayProblem(q.steps[idx(q.steps, sid)].question, r.answers[sid]); }); return m; }
      if (q.type !== "essay" || r == null) return "";
      var w = words(r);
      if (q.word_limit && w > q.word_limit) return "Your answer has " + w + " words; the limit is " + q.word_limit + ".";
      if (q.min_words && w < q.min_words) return "Your answer has " + w + " words; write at least " + q.min_words + ".";
      return "";
    }
    function answered(q, r) {
      if (r == null) return false;
      if (q.type === "scenario") return currentStep(q, r) < 0;
      if (q.type === "multiple_response" || q.type === "ordering") return r.length > 0;
      if (q.type === "matching" || q.type === "short_answer") return Object.keys(r).length > 0;
      return String(r).trim() !== "";
    }

    function question(moved, focusSel) {
      stopClock();
      var mi = st.c, m = mods[mi], quiz = m.quiz, ms = mstate(mi), qz = quizOf(mi), n = qz.shown.length, i = Math.min(ms.q, n - 1);
      ms.q = i; ms.w = "q";
      var q = qz.shown[i], orig = qz.orig[i], immediate = quiz.feedback === "immediate", locked = immediate && ms.k[i];
      shown = { mi: mi, i: i, t: Date.now() };
      var hd = h("h2", { text: "Question " + (i + 1) + " of " + n });
      var fb = h("div", { class: "feedback", tabindex: "-1" });
      function change(r, soon) {
        ms.a[i] = r;
        rt.saveAnswer(i, q.type === "scenario" ? { path: r.path.slice(), answers: r.answers } : r, q.type === "scenario" ? r.path.slice() : null, orig);
        if (soon) saveSoon(); else save();
      }
      var body;
      if (q.type === "scenario") body = scenario(q, ms, i, immediate, change);
      else {
        body = h("div", {}, [renderQ(q, ms.a[i], locked, change, "q" + i)]);
        if (locked) fb.appendChild(feedbackBlock(orig, ms.a[i]));
        if (immediate && !locked) body.appendChild(button("Check answer", function () {
          if (!answered(q, ms.a[i])) { say("Answer the question before checking it."); return; }
          if (essayProblem(q, ms.a[i])) { say(essayProblem(q, ms.a[i])); return; }
          ms.k[i] = true; save(); question(false, ".feedback");
        }));
      }
      var left = ms.a.filter(function (r, j) { return answered(qz.shown[j], r); }).length;
      var nav = h("nav", { class: "pager", "aria-label": "Questions" }, [
        i > 0 ? button("Previous", function () { ms.q = i - 1; question(true); }, "btn secondary") : null,
        i < n - 1 ? button("Next", function () { ms.q = i + 1; question(true); }) : null,
        i === n - 1 ? h("p", { class: "count", text: "You have answered " + left + " of " + n + " questions." }) : null,
        i === n - 1 ? button("Submit quiz", submit) : null
      ]);
      var prog = h("div", { class: "progress" }, [h("div", { class: "bar", "aria-hidden": "true" }, [h("span", { style: "width:" + Math.round((i + 1) / n * 100) + "%" })])]);
      show([h("p", { class: "crumb", text: quiz.title || m.title }), prog, h("section", { class: "question", "aria-labelledby": hd.id = id("h") }, [hd, body, fb]), nav],
           focusSel || (moved ? hd : null), moved ? "Question " + (i + 1) + " of " + n : null);
      if (focusSel === ".feedback") say(fb.textContent.slice(0, 200));
      save();
    }

    function feedbackBlock(q, r) {
      var mk = markOne(M, q, q.type === "scenario" ? committed(r, q) : r);
      var verdict = mk.pending ? "Awaiting a tutor's marking" : mk.correct ? "Correct" : mk.score > 0 ? "Partly correct" : "Not correct";
      return h("div", { class: "mark " + (mk.pending ? "pending" : mk.correct ? "ok" : mk.score > 0 ? "part" : "no") }, [
        h("p", { class: "verdict" }, [h("strong", { text: verdict }), " (" + fmt(mk.score) + " of " + fmt(mk.max) + (mk.max === 1 ? " mark)" : " marks)")]),
        list(mk.feedback)
      ]);
    }
    function list(items) { items = (items || []).filter(function (t) { return t && String(t).trim(); }); return items.length ? h("div", { class: "fb", html: items.map(md).join("") }) : null; }
    function fmt(x) { return String(Math.round(x * 100) / 100); }

    function scenario(q, ms, i, immediate, change) {
      var r = ms.a[i] || { path: [], answers: {} }, cur = currentStep(q, r), box = h("div", { class: "scenario" });
      var c = q.case || {};
      box.appendChild(h("section", { class: "case", "aria-label": "The case" }, [h("h3", { text: "The case" }), h("dl", {}, [
        h("dt", { text: "Person" }), h("dd", { html: md(c.person) }), h("dt", { text: "Setting" }), h("dd", { html: md(c.setting) }),
        h("dt", { text: "Situation" }), h("dd", { html: md(c.situation) })])]));
      r.path.forEach(function (sid, k) {
        var s = q.steps[idx(q.steps, sid)], d = h("div", { class: "step done" + (k === r.path.length - 1 ? " last" : "") }, [h("h3", { text: "Step " + (k + 1) }), h("div", { html: stemHtml(s.question) }), h("p", { text: "Your answer: " + answerText(s.question, r.answers[sid]) })]);
        if (immediate) d.appendChild(feedbackBlock(s.question, r.answers[sid]));
        box.appendChild(d);
      });
      if (cur < 0) { box.appendChild(h("p", { class: "end", text: "You have reached the end of this case." })); return box; }
      var s = q.steps[cur], hd = h("h3", { class: "step-h", text: "Step " + (r.path.length + 1) });
      box.appendChild(h("div", { class: "step" }, [hd, renderQ(s.question, r.answers[s.id], false, function (a, soon) {
        r.answers[s.id] = a; change(r, soon);
      }, "q" + i + "s" + cur), button(immediate ? "Check answer" : "Continue scenario", function () {
        if (!answered(s.question, r.answers[s.id])) { say("Answer this step before you continue."); return; }
        if (essayProblem(s.question, r.answers[s.id])) { say(essayProblem(s.question, r.answers[s.id])); return; }
        r.path.push(s.id); ms.a[i] = r;
        if (currentStep(q, r) < 0) ms.k[i] = immediate;
        change(r);
        question(false, immediate ? ".step.last .mark" : currentStep(q, r) < 0 ? ".end" : ".step-h");
      })]));
      return box;
    }

    /* ---- one question's controls ---- */
    function renderQ(q, r, locked, change, pfx) {
      var wrap = h("div", { class: "q q-" + q.type }), stemId = id("stem"), stem = h("div", { class: "stem", id: stemId, html: stemHtml(q) });
      wrap.appendChild(stem);
      function group(legend, kids) { return h("fieldset", { "aria-describedby": stemId }, [h("legend", { text: legend })].concat(kids)); }
      function opt(type, name, value, text, checked, on) {
        var iid = id("o");
        return h("div", { class: "opt" }, [h("input", { type: type, id: iid, name: name, value: value, checked: checked, disabled: locked, onchange: on }), h("label", { for: iid, text: text })]);
      }
      switch (q.type) {
        case "single_choice": case "true_false":
          var opts = q.type === "true_false" ? [{ id: "true", text: "True" }, { id: "false", text: "False" }] : q.options;
          var cur = q.type === "true_false" ? (r == null ? null : String(r)) : r;
          wrap.appendChild(group("Choose one answer", opts.map(function (o) {
            return opt("radio", pfx, o.id, o.text, cur === o.id, function () { change(q.type === "true_false" ? this.value === "true" : this.value); });
          })));
          break;
        case "multiple_response":
          var sel = (r || []).slice();
          wrap.appendChild(group("Choose all answers that apply", q.options.map(function (o) {
            return opt("checkbox", pfx, o.id, o.text, sel.indexOf(o.id) >= 0, function () {
              var now = []; q.options.forEach(function (x) { var b = wrap.querySelector('input[value="' + x.id + '"]'); if (b && b.checked) now.push(x.id); });
              change(now);
            });
          })));
          break;
        case "matching":
          var rm = r || {};
          wrap.appendChild(group("Match each item to an answer", q.premises.map(function (p) {
            var sid = id("m"), s = h("select", { id: sid, disabled: locked }, [h("option", { value: "", text: "Choose…" })].concat(q.responses.map(function (x) { return h("option", { value: x.id, text: x.text }); })));
            s.value = rm[p.id] || "";
            s.addEventListener("change", function () { var o = {}; for (var k in rm) o[k] = rm[k]; if (s.value) o[p.id] = s.value; else delete o[p.id]; rm = o; change(o); });
            return h("div", { class: "row" }, [h("label", { for: sid, text: p.text }), s]);
          })));
          break;
        case "ordering":
          var order = r ? r.slice() : q.items.map(function (x) { return x.id; }), ol = h("ol", { class: "order", "aria-describedby": stemId });
          var text = {}; q.items.forEach(function (x) { text[x.id] = x.text; });
          var draw = function (moved, dir) {
            ol.textContent = "";
            order.forEach(function (itemId, k) {
              var li = h("li", {}, [h("span", { class: "txt", text: text[itemId] })]);
              if (!locked) {
                li.appendChild(h("span", { class: "moves" }, [
                  h("button", { type: "button", class: "btn small", "aria-label": "Move up: " + text[itemId], onclick: function () { move(k, -1); } }, ["Move up"]),
                  h("button", { type: "button", class: "btn small", "aria-label": "Move down: " + text[itemId], onclick: function () { move(k, 1); } }, ["Move down"])]));
                li.querySelectorAll("button")[0].disabled = k === 0;
                li.querySelectorAll("button")[1].disabled = k === order.length - 1;
              }
              ol.appendChild(li);
              if (moved === itemId) {
                var b = li.querySelectorAll("button"), t = dir < 0 ? (b[0].disabled ? b[1] : b[0]) : (b[1].disabled ? b[0] : b[1]);
                t.focus();
              }
            });
          };
          var move = function (k, d) {
            var j = k + d; if (j < 0 || j >= order.length) return;
            var t = order[k]; order[k] = order[j]; order[j] = t;
            draw(t, d); change(order.slice());
            say(text[t] + " moved to position " + (j + 1) + " of " + order.length);
          };
          draw();
          wrap.appendChild(h("p", { class: "hint", text: "Put the items in order using the Move up and Move down buttons." }));
          wrap.appendChild(ol);
          break;
        case "short_answer":
          var gr = r || {};
          (q.gaps || []).forEach(function (g, k) {
            var ph = stem.querySelector('[data-gap="' + g.id + '"]'), ctl;
            if (g.options && g.options.length) {
              ctl = h("select", { "aria-label": "Gap " + (k + 1), disabled: locked }, [h("option", { value: "", text: "Choose…" })].concat(g.options.map(function (o) { var t = typeof o === "string" ? o : o.text; return h("option", { value: t, text: t }); })));
              ctl.value = gr[g.id] || "";
            } else {
              ctl = h("input", { type: "text", "aria-label": "Gap " + (k + 1), value: gr[g.id] || "", disabled: locked, autocomplete: "off", spellcheck: "false", size: "14" });
            }
            var on = function (soon) { return function () { var o = {}; for (var x in gr) o[x] = gr[x]; if (ctl.value !== "") o[g.id] = ctl.value; else delete o[g.id]; gr = o; change(o, soon); }; };
            ctl.addEventListener("input", on(true)); ctl.addEventListener("change", on(false));
            ctl.className = "gap";
            if (ph) ph.parentNode.replaceChild(ctl, ph); else wrap.appendChild(ctl);
          });
          break;
        case "numeric":
          var nid = id("n"), uid2 = id("u"), inp = h("input", { type: "text", inputmode: "decimal", id: nid, value: r == null ? "" : r, disabled: locked, autocomplete: "off", "aria-describedby": q.unit ? uid2 : null });
          inp.addEventListener("input", function () { change(inp.value.trim() === "" ? null : inp.value.trim(), true); });
          inp.addEventListener("change", function () { change(inp.value.trim() === "" ? null : inp.value.trim()); });
          wrap.appendChild(h("div", { class: "row" }, [h("label", { for: nid, text: "Your answer" }), inp, q.unit ? h("span", { id: uid2, class: "unit", text: q.unit }) : null]));
          break;
        case "essay":
          var eid = id("e"), cid = id("c"), ta = h("textarea", { id: eid, rows: "8", disabled: locked, "aria-describedby": cid }), cnt = h("p", { id: cid, class: "count" });
          ta.value = r || "";
          var count = function () {
            var w = words(ta.value), lim = q.word_limit;
            cnt.textContent = w + (w === 1 ? " word" : " words") + (lim ? " of " + lim + (w > lim ? ": " + (w - lim) + " over the limit" : "") : "") + (q.min_words ? " (at least " + q.min_words + ")" : "");
            cnt.className = "count" + (lim && w > lim ? " over" : "");
            return w;
          };
          var quiet = null;
          ta.addEventListener("input", function () { count(); change(ta.value || null, true); win.clearTimeout(quiet); quiet = win.setTimeout(function () { say(cnt.textContent); }, 1200); });
          ta.addEventListener("change", function () { change(ta.value || null); });
          count();
          wrap.appendChild(h("label", { for: eid, text: "Your answer" })); wrap.appendChild(ta); wrap.appendChild(cnt);
          break;
      }
      return wrap;
    }

    function answerText(q, r) {
      if (r == null) return "Not answered";
      function t(list, v) { var k = idx(list, v); return k < 0 ? v : list[k].text; }
      switch (q.type) {
        case "single_choice": return t(q.options, r);
        case "multiple_response": return r.length ? r.map(function (v) { return t(q.options, v); }).join("; ") : "None chosen";
        case "true_false": return r ? "True" : "False";
        case "matching": return q.premises.map(function (p) { return p.text + ": " + (r[p.id] ? t(q.responses, r[p.id]) : "no answer"); }).join("; ");
        case "ordering": return r.map(function (v, k) { return (k + 1) + ". " + t(q.items, v); }).join("; ");
        case "short_answer": return q.gaps.map(function (g, k) { return "Gap " + (k + 1) + ": " + (r[g.id] || "no answer"); }).join("; ");
        case "numeric": return r + (q.unit ? " " + q.unit : "");
        default: return String(r);
      }
    }

    /* ---- submit, results, review ---- */
    var server = {};
    function submit() {
      var mi = st.c, ms = mstate(mi), qz = quizOf(mi), quiz = mods[mi].quiz;
      for (var e = 0; e < qz.orig.length; e++) {
        var bad = essayProblem(qz.orig[e], ms.a[e]);
        if (bad) { ms.q = e; question(true); var n0 = h("p", { class: "mark no", text: "Before you submit: " + bad }); main.querySelector(".question").appendChild(n0); focus(n0); return; }
      }
      stopClock();
      qz.shown.forEach(function (q, i) { if (q.type === "ordering" && ms.a[i] == null) ms.a[i] = q.items.map(function (x) { return x.id; }); });
      var res = results(M, quiz, qz.orig, ms.a), when = Date.now();
      ms.z = true; ms.w = "r"; ms.r = [Math.round(res.fraction * 10000) / 100, res.passed ? 1 : 0];
      qz.orig.forEach(function (q, i) {
        interactions(q, ms.a[i], res.marks[i], M, ms.l[i] || 0, when).forEach(function (ix) { rt.recordInteraction(ix); });
      });
      var thr = quiz.criterion_threshold == null ? quiz.pass_mark : quiz.criterion_threshold;
      res.criteria.forEach(function (c) { rt.recordObjective({ id: c.ref, score_raw: c.score, score_max: c.max, success: c.fraction + 1e-9 >= thr, completion: "completed" }); });
      var s = summary(); rt.report(s); save();
      var btn = main.querySelector(".pager button:last-child"); if (btn) btn.disabled = true;
      say("Submitting your answers…");
      rt.submit(qz.orig.map(function (q, i) { return q.type === "scenario" ? committed(ms.a[i], q) : ms.a[i]; })).then(function (mark) {
        if (mark && typeof mark === "object") {
          server[mi] = mark;
          var f = mark.fraction != null ? mark.fraction : mark.max ? mark.score / mark.max : res.fraction;
          ms.r = [Math.round(f * 10000) / 100, (mark.passed != null ? mark.passed : res.passed) ? 1 : 0];
          save();
        }
        resultsView(true);
      }, function () {
        showNotice("Your answers are saved, but the server has not confirmed your mark yet. The mark below is provisional.");
        resultsView(true);
      });
    }

    function critText(ref) {
      var parts = String(ref).split("/"), out = "";
      (course.frameworks || []).forEach(function (f) {
        if (f.code !== parts[0]) return;
        (f.outcomes || []).forEach(function (o) { (o.criteria || []).forEach(function (c) { if (c.code === parts[1]) out = c.text; }); });
      });
      return out;
    }

    function resultsView(moved) {
      stopClock();
      var mi = st.c, ms = mstate(mi), quiz = mods[mi].quiz, qz = quizOf(mi), res = results(M, quiz, qz.orig, ms.a), srv = server[mi];
      ms.w = "r";
      var pct = ms.r ? ms.r[0] : Math.round(res.fraction * 10000) / 100, passed = ms.r ? !!ms.r[1] : res.passed;
      var crits = srv && srv.criteria ? srv.criteria.map(function (c) { return { ref: c.ref || c.criterion, score: c.score, max: c.max, fraction: c.fraction != null ? c.fraction : c.max ? c.score / c.max : 0, met: c.passed != null ? c.passed : c.met }; }) : res.criteria;
      var hd = h("h2", { text: "Results" });
      var tbody = h("tbody", {}, crits.map(function (c) {
        return h("tr", {}, [h("th", { scope: "row" }, [h("span", { class: "ref", text: c.ref }), critText(c.ref) ? h("span", { class: "ctext", text: " " + critText(c.ref) }) : null]),
          h("td", { text: Math.round(c.fraction * 100) + "%" }), h("td", { text: c.met ? "Met" : "Not yet met" })]);
      }));
      var score = srv && srv.score != null ? fmt(srv.score) + " of " + fmt(srv.max) : fmt(res.score) + " of " + fmt(res.max);
      show([h("p", { class: "crumb", text: quiz.title || mods[mi].title }), hd,
        h("p", { class: "score" }, ["Your score: ", h("strong", { text: score + " (" + fmt(pct) + "%)" })]),
        h("p", { class: "verdict " + (passed ? "ok" : "no") }, [h("strong", { text: passed ? "Passed" : "Not passed" }), " — the pass mark is " + Math.round(quiz.pass_mark * 100) + "%" + (quiz.criterion_threshold != null ? " and at least " + Math.round(quiz.criterion_threshold * 100) + "% on each criterion" : "") + "."]),
        res.pending ? h("p", { text: res.pending + (res.pending === 1 ? " answer awaits" : " answers await") + " a tutor's marking." }) : null,
        srv ? h("p", { class: "hint", text: "This is the mark recorded by the server." }) : null,
        crits.length ? h("table", { class: "criteria" }, [h("caption", { text: "Results by criterion" }), h("thead", {}, [h("tr", {}, [h("th", { scope: "col", text: "Criterion" }), h("th", { scope: "col", text: "Score" }), h("th", { scope: "col", text: "Result" })])]), tbody]) : null,
        h("div", { class: "pager" }, [button("Review answers", review), backToMenu()])], moved ? hd : null, moved ? "Results: " + (passed ? "passed" : "not passed") + ", " + fmt(pct) + "%" : null);
      save();
    }

    function review() {
      var mi = st.c, ms = mstate(mi), qz = quizOf(mi);
      ms.w = "v";
      var hd = h("h2", { text: "Review answers" }), items = h("ol", { class: "review" });
      qz.shown.forEach(function (q, i) {
        var orig = qz.orig[i], r = ms.a[i], li = h("li", {}, [h("h3", { text: "Question " + (i + 1) })]);
        if (q.type === "scenario") {
          var c = q.case || {};
          li.appendChild(h("div", { class: "case", html: md(c.person) + md(c.setting) + md(c.situation) }));
          ((r && r.path) || []).forEach(function (sid, k) {
            var s = q.steps[idx(q.steps, sid)];
            li.appendChild(h("div", { class: "step" }, [h("h4", { text: "Step " + (k + 1) }), h("div", { html: stemHtml(s.question).replace(/<span data-gap="[^"]*"><\/span>/g, "____") }),
              h("p", { text: "Your answer: " + answerText(s.question, r.answers[sid]) }), feedbackBlock(s.question, r.answers[sid])]));
          });
          li.appendChild(h("p", { class: "total", text: "Whole case:" })); li.appendChild(feedbackBlock(orig, r));
        } else {
          li.appendChild(h("div", { class: "stem", html: stemHtml(q).replace(/<span data-gap="[^"]*"><\/span>/g, "____") }));
          li.appendChild(h("p", { text: "Your answer: " + answerText(q, r) }));
          li.appendChild(feedbackBlock(orig, r));
        }
        items.appendChild(li);
      });
      show([hd, items, h("div", { class: "pager" }, [button("Back to results", function () { resultsView(true); }, "btn secondary"), backToMenu()])], hd, "Review answers");
      save();
    }

    /* ---- first view ---- */
    if (single < 0 && launch.module != null) showNotice("The module " + launch.module + " is not in this course; here are all its modules.");
    if (st.c < 0 || !mods[st.c]) menu();
    else {
      var ms0 = mstate(st.c);
      if (!started.state && launch.start === "quiz" && mods[st.c].quiz && M) startQuiz(false);
      else route(ms0, false);
    }
    booting = false;
    win.setTimeout(save, 0);
    CCPlayer.debug = { state: function () { return st; }, pack: pack, rt: rt };
  }

  CCPlayer.boot = boot;
  if (typeof module === "object" && module.exports) module.exports = CCPlayer;
  else {
    root.CCPlayer = CCPlayer;
    if (root.document && !root.CC_COURSE) {
      var e0 = root.document.getElementById("main");
      if (e0) e0.innerHTML = "<h1>Sorry, this course could not start</h1><p>The course content (course-data.js) is missing.</p>";
    } else if (root.document) {
      try { boot(root); } catch (e) {
        var m = root.document.getElementById("main");
        if (m) m.innerHTML = "<h1>Sorry, this course could not start</h1><p>" + esc(e.message) + "</p>";
        throw e;
      }
    }
  }
})(typeof window !== "undefined" ? window : this);
