/* carecourse player: renders a module's pages and quiz from window.CC_COURSE, marks with
 * window.CCMarking and talks to its host only through window.CCRuntime (README.md).
 * The pure parts (state codec, results, interactions) are exported for node --test. */
(function (root) {
"use strict";
const B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const idx = (list, id) => list.findIndex((x) => x.id === id);
const ch = (i) => B36[i], un = (c) => B36.indexOf(c);
const byId = (list, id) => list[idx(list, id)];

/* ---------- compact answer codes: indices into the question's own lists, never ids ---------- */

/** Encode a response (docs/formats.md shape) of question q; null stays null. */
function encodeAnswer(q, r) {
  if (r == null) return null;
  switch (q.type) {
    case "single_choice": return ch(idx(q.options, r));
    case "multiple_response": return r.map((id) => ch(idx(q.options, id))).sort().join("");
    case "true_false": return r ? "t" : "f";
    case "matching": return q.premises.map((p) => (r[p.id] == null ? "-" : ch(idx(q.responses, r[p.id])))).join("");
    case "ordering": return r.map((id) => ch(idx(q.items, id))).join("");
    case "short_answer": return q.gaps.map((g) => (r[g.id] == null ? "" : String(r[g.id])));
    case "scenario": {
      const out = [r.path.map((s) => ch(idx(q.steps, s))).join("")];
      q.steps.forEach((s, i) => { out[i + 1] = encodeAnswer(s.question, r.answers[s.id]); });
      while (out.length > 1 && out[out.length - 1] == null) out.pop();
      return out;
    }
    default: return String(r); // numeric, essay
  }
}

/** Decode a code made by encodeAnswer. */
function decodeAnswer(q, c) {
  if (c == null) return null;
  const o = {};
  switch (q.type) {
    case "single_choice": return q.options[un(c)].id;
    case "multiple_response": return [...c].map((x) => q.options[un(x)].id);
    case "true_false": return c === "t";
    case "matching": q.premises.forEach((p, i) => { if (c[i] && c[i] !== "-") o[p.id] = q.responses[un(c[i])].id; }); return o;
    case "ordering": return [...c].map((x) => q.items[un(x)].id);
    case "short_answer": q.gaps.forEach((g, i) => { if (c[i]) o[g.id] = c[i]; }); return o;
    case "scenario":
      q.steps.forEach((s, i) => { if (c[i + 1] != null) o[s.id] = decodeAnswer(s.question, c[i + 1]); });
      return { path: [...c[0]].map((x) => q.steps[un(x)].id), answers: o };
    default: return c;
  }
}

/* A module's state in memory: {w: view p|i|q|r|v, p: page, s: seed or null, q: question,
 * a: [responses], k: [checked], l: [ms on each question], z: submitted, r: [percent, passed],
 * d: done}. Packed: the same short keys, answers encoded, k as "0101", l in whole seconds. */
function packModule(ms, questions) {
  const o = { w: ms.w || "p" }, trim = (a, empty) => { while (a.length && empty(a[a.length - 1])) a.pop(); return a; };
  if (ms.p) o.p = ms.p;
  if (ms.s != null) {
    o.s = ms.s; o.q = ms.q || 0;
    o.a = trim(questions.map((q, i) => encodeAnswer(q, ms.a[i])), (x) => x == null);
    const k = questions.map((q, i) => (ms.k[i] ? "1" : "0")).join("").replace(/0+$/, "");
    if (k) o.k = k;
    o.l = trim(questions.map((q, i) => Math.round((ms.l[i] || 0) / 1000)), (x) => !x);
  }
  if (ms.z) o.z = 1;
  if (ms.r) o.r = ms.r;
  if (ms.d) o.d = 1;
  return o;
}

function unpackModule(o, questions) {
  const ms = { w: o.w || "p", p: o.p || 0, s: o.s == null ? null : o.s, q: o.q || 0, a: [], k: [], l: [], z: !!o.z, r: o.r || null, d: !!o.d };
  (questions || []).forEach((q, i) => {
    ms.a[i] = o.a && o.a[i] != null ? decodeAnswer(q, o.a[i]) : null;
    ms.k[i] = !!(o.k && o.k[i] === "1");
    ms.l[i] = ((o.l && o.l[i]) || 0) * 1000;
  });
  return ms;
}

/** Characters the packed state takes in suspend_data. */
const measureState = (packed) => JSON.stringify(packed).length;

/** Make packed state fit limit: drop the answers of finished modules not on screen, then halve
 * the longest free texts, never below 40 characters. */
function fitState(packed, limit) {
  if (measureState(packed) <= limit) return packed;
  const s = JSON.parse(JSON.stringify(packed)), texts = [], len = (t) => t[0][t[1]].length;
  for (const k in s.m) {
    const m = s.m[k];
    if (String(s.c) !== k && m.z) { delete m.a; delete m.k; delete m.l; m.w = "r"; }
    (m.a || []).forEach((c, i, arr) => {
      if (typeof c === "string" && c.length > 40) texts.push([arr, i]);
      if (Array.isArray(c)) c.forEach((t, j) => { if (typeof t === "string" && t.length > 40) texts.push([c, j]); });
    });
  }
  while (measureState(s) > limit && texts.length) {
    texts.sort((x, y) => len(y) - len(x));
    const [arr, i] = texts[0];
    arr[i] = arr[i].slice(0, Math.max(40, Math.floor(arr[i].length / 2)));
    if (arr[i].length <= 40) texts.shift();
  }
  return s;
}

/* ---------- scenarios ---------- */

/** Index of the step after step i given its answer; -1 at the end. */
function nextStep(sc, i, answer) {
  const st = sc.steps[i], t = st.question.type;
  const key = answer == null ? null : t === "single_choice" ? answer : t === "true_false" ? String(!!answer) : null;
  let to = st.branches && key != null && st.branches[key] != null ? st.branches[key] : st.next;
  if (to == null) to = i + 1 < sc.steps.length ? sc.steps[i + 1].id : "end";
  return to === "end" ? -1 : idx(sc.steps, to);
}

/** The step the learner is on (-1: the case has ended). */
function currentStep(sc, r) {
  if (!r || !r.path.length) return 0;
  const last = r.path[r.path.length - 1];
  return nextStep(sc, idx(sc.steps, last), r.answers[last]);
}

/** A scenario response as marked: the committed answers, and the path run on to the end (steps
 * not reached are unanswered and go on by next / the following step, as the rules say). */
function committed(r, sc) {
  if (!r) return r;
  const a = {}, path = r.path.slice();
  path.forEach((s) => { if (r.answers[s] != null) a[s] = r.answers[s]; });
  for (let k = currentStep(sc, r); k >= 0 && path.length <= sc.steps.length; k = nextStep(sc, k, null)) path.push(sc.steps[k].id);
  return { path, answers: a };
}
const asMarked = (q, r) => (q.type === "scenario" ? committed(r, q) : r);

/* ---------- results and interactions ---------- */

function markOne(M, q, r) {
  if (r == null) return { score: 0, max: q.points || 1, correct: false, feedback: [] };
  try { return M.mark(q, r); } catch (e) { return { score: 0, max: q.points || 1, correct: false, feedback: [String(e.message || e)] }; }
}

/** Score, pass and per-criterion results of a quiz (essays awaiting a tutor count nowhere). */
function results(M, quiz, questions, responses) {
  const marks = questions.map((q, i) => markOne(M, q, asMarked(q, responses[i])));
  const crit = {}, thr = quiz.criterion_threshold;
  let score = 0, max = 0, pending = 0;
  marks.forEach((m, i) => {
    if (m.pending) { pending++; return; }
    score += m.score; max += m.max;
    (questions[i].criteria || []).forEach((ref) => {
      const c = crit[ref] || (crit[ref] = { ref, score: 0, max: 0 });
      c.score += m.score; c.max += m.max;
    });
  });
  const criteria = Object.values(crit).map((c) => {
    c.fraction = c.max ? c.score / c.max : 0;
    c.met = c.fraction + 1e-9 >= (thr == null ? quiz.pass_mark : thr);
    return c;
  });
  const fraction = max ? score / max : 0;
  const passed = fraction + 1e-9 >= quiz.pass_mark && (thr == null || criteria.every((c) => c.met));
  return { score: Math.round(score * 1e6) / 1e6, max, fraction, passed, criteria, marks, pending };
}

const key = (list, id) => ({ id, n: idx(list, id) });
const plain = (s) => String(s || "").replace(/<[^>]*>/g, " ").replace(/\{\{[\w.-]+\}\}/g, "___").replace(/[*_`#>[\]]/g, "").replace(/\s+/g, " ").trim();
const best = (list) => (list || []).reduce((b, a) => (!b || a.credit > b.credit ? a : b), null);

/** Type, correct response and learner response of a question, as the runtime takes them. */
function interactionOf(q, r) {
  switch (q.type) {
    case "single_choice": case "multiple_response":
      return { type: "choice", correct: q.options.filter((o) => o.correct).map((o) => key(q.options, o.id)), learner: [].concat(r).map((id) => key(q.options, id)) };
    case "true_false": return { type: "true-false", correct: !!q.answer, learner: !!r };
    case "matching": {
      const pair = (p, to) => [key(q.premises, p.id), key(q.responses, to)];
      return { type: "matching", correct: q.premises.filter((p) => p.match != null).map((p) => pair(p, p.match)),
        learner: q.premises.filter((p) => r[p.id] != null).map((p) => pair(p, r[p.id])) };
    }
    case "ordering": return { type: "sequencing", correct: q.items.map((x) => key(q.items, x.id)), learner: r.map((id) => key(q.items, id)) };
    case "short_answer":
      return { type: "fill-in", correct: q.gaps.map((g) => (best(g.answers) || { text: "" }).text), learner: q.gaps.map((g) => (r[g.id] == null ? "" : String(r[g.id]))) };
    case "numeric": {
      const b = best(q.answers) || { value: 0 }, v = Number(b.value), t = Number(b.tolerance || 0);
      return { type: "numeric", correct: { min: v - t, max: v + t, value: v }, learner: String(r) };
    }
    default: return { type: "long-fill-in", correct: null, learner: String(r) };
  }
}

/** The interactions an answered question reports; a scenario reports one per step taken. */
function interactions(q, r, mark, M, latencyMs, when) {
  if (r == null) return [];
  const crits = q.criteria || [], first = crits[0] ? String(crits[0]).replace(/\//g, "-") + "." : "";
  const one = (id, qq, rr, m) => {
    const f = interactionOf(qq, rr);
    return { id: first + id + ".v" + (q.version || 1), type: f.type, description: plain(qq.stem).slice(0, 250),
      correct_responses: f.correct == null ? [] : [f.correct], learner_response: f.learner,
      result: m.pending || m.correct == null ? "neutral" : m.correct ? "correct" : "incorrect",
      weighting: qq.points || 1, latency_ms: latencyMs, objectives: (qq.criteria || crits).slice(), timestamp: when };
  };
  if (q.type !== "scenario") return [one(q.id, q, r, mark)];
  return r.path.map((sid) => {
    const child = byId(q.steps, sid).question, ix = one(q.id + "." + sid, child, r.answers[sid], markOne(M, child, r.answers[sid]));
    ix.latency_ms = Math.round(latencyMs / r.path.length);
    return ix;
  });
}

/* ---------- Markdown: the small subset authors use (the exporter sends HTML where it can) ---------- */

const esc = (s) => String(s == null ? "" : s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const inline = (s) => esc(s)
  .replace(/`([^`]+)`/g, "<code>$1</code>")
  .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
  .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?![\w*])/g, "$1<em>$2</em>")
  .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\.{0,2}\/|#)[^)\s]*)\)/g, '<a href="$2">$1</a>')
  .replace(/\{\{([\w.-]+)\}\}/g, '<span data-gap="$1"></span>');
/** Markdown to HTML: paragraphs, lists, bold, italic, code, links; gaps become placeholders. */
function md(text) {
  return String(text || "").replace(/\r/g, "").split(/\n\s*\n/).map((block) => {
    const lines = block.split("\n").filter((l) => l.trim());
    const list = (re, tag) => lines.length && lines.every((l) => re.test(l)) && `<${tag}>${lines.map((l) => "<li>" + inline(l.replace(re, "")) + "</li>").join("")}</${tag}>`;
    return !lines.length ? "" : list(/^\s*[-*]\s+/, "ul") || list(/^\s*\d+[.)]\s+/, "ol") ||
      "<p>" + lines.map((l) => inline(l.replace(/^#{1,6}\s+/, ""))).join("<br>") + "</p>";
  }).join("");
}
const stemHtml = (q) => q.stem_html || (q.stem_format === "html" ? String(q.stem || "").replace(/\{\{([\w.-]+)\}\}/g, '<span data-gap="$1"></span>') : md(q.stem));

const CCPlayer = { encodeAnswer, decodeAnswer, packModule, unpackModule, measureState, fitState, nextStep, currentStep, committed, results, interactions, md };

/* ================= the page ================= */

function boot(win) {
  const doc = win.document, course = win.CC_COURSE, launch = win.CC_LAUNCH || {}, M = win.CCMarking, info = course.course || {};
  const mods = course.modules || [], byKey = {}, t0 = Date.now(), $ = (id) => doc.getElementById(id);
  (course.questions || []).forEach((q) => { byKey[q.id + "@" + q.version] = q; });
  const main = $("main"), live = $("cc-live"), notice = $("cc-notice");
  const single = mods.findIndex((m) => m.slug === launch.module);
  let uid = 0, finished = false;
  $("cc-title").textContent = single >= 0 ? mods[single].title : info.title || "Course";
  if (info.language) doc.documentElement.lang = info.language;

  function h(tag, props, kids) {
    const el = doc.createElement(tag);
    for (const k in props || {}) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "html") el.innerHTML = v;
      else if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    (kids || []).forEach((c) => c != null && el.append(c));
    return el;
  }
  const id = (p) => "cc-" + p + ++uid;
  const button = (text, onclick, cls, label) => h("button", { type: "button", class: cls || "btn", onclick, "aria-label": label }, [text]);
  const say = (msg) => { live.textContent = ""; win.setTimeout(() => { live.textContent = msg; }, 60); };
  const focus = (el) => { if (el) { if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1"); el.focus(); } };
  function show(nodes, focusOn, msg) {
    main.textContent = "";
    nodes.forEach((n) => n && main.append(n));
    const el = typeof focusOn === "string" ? main.querySelector(focusOn) : focusOn;
    if (el) { focus(el); win.scrollTo(0, 0); }
    if (msg) say(msg);
  }
  const tell = (text) => { notice.hidden = false; notice.textContent = text; };
  const bar = (k, n) => h("div", { class: "bar", "aria-hidden": "true" }, [h("span", { style: `width:${Math.round(k / n * 100)}%` })]);
  const fmt = (x) => String(Math.round(x * 100) / 100);
  const pct = (x) => Math.round(x * 100) + "%";

  /* ---- the host ---- */
  let rt, started;
  try {
    rt = win.CCRuntime.create(launch.adapter || "preview", { launch, key: `carecourse-preview:${info.slug || ""}:${launch.module || ""}`,
      onStatus: (s) => { if (s === "offline") tell("Connection lost: your answers are kept and will be saved when it returns."); else if (s === "saved") notice.hidden = true; } });
    started = rt.start();
  } catch (e) {
    tell(/^NO_/.test(e.code) ? `This course could not connect to your learning system (LMS), so your progress and results will not be recorded. Close this window and open the course again from the LMS. (${e.message})`
      : "Your progress cannot be saved: " + e.message);
    rt = win.CCRuntime.create("none"); started = rt.start();
  }
  if (!M) tell("Part of the player (marking.js) did not load, so quizzes cannot be marked.");

  /* ---- state ---- */
  let st = { c: single, m: {} }, cache = {};
  // assembleQuiz gives [{question, version, order, step_orders}]: the display order of options,
  // matching responses or ordering items. Answers are always kept by id.
  function reorder(q, order) {
    if (!order) return q;
    const k = q.type === "matching" ? "responses" : q.type === "ordering" ? "items" : "options";
    return Object.assign({}, q, { [k]: order.map((oid) => byId(q[k], oid)) });
  }
  function shownQ(e) {
    const q = reorder(byKey[e.question + "@" + e.version], e.order), so = e.step_orders;
    return !so ? q : Object.assign({}, q, { steps: q.steps.map((s) => (so[s.id] ? Object.assign({}, s, { question: reorder(s.question, so[s.id]) }) : s)) });
  }
  function quizOf(mi) { // this attempt's questions, replayed from its seed
    const s = st.m[mi].s;
    if (!cache[mi] || cache[mi].seed !== s) {
      const list = M.assembleQuiz(mods[mi].quiz, course.questions, s);
      cache[mi] = { seed: s, shown: list.map(shownQ), orig: list.map((e) => byKey[e.question + "@" + e.version]) };
    }
    return cache[mi];
  }
  const mstate = (mi) => st.m[mi] || (st.m[mi] = { w: "p", p: 0, s: null, q: 0, a: [], k: [], l: [], z: false, r: null, d: false });
  const origOf = (k, s) => (s != null && M ? quizOf(+k).orig : []);
  function pack() {
    const o = { v: 1, c: st.c, m: {} };
    for (const k in st.m) o.m[k] = packModule(st.m[k], origOf(k, st.m[k].s));
    return fitState(o, rt.limit || Infinity);
  }
  function where() {
    const ms = st.m[st.c];
    return !ms ? "menu" : st.c + ":" + ms.w + (ms.w === "p" ? ms.p : ms.w === "q" ? ms.q : "");
  }
  let booting = true, timer = null; // the first view paints before anything is written to the host
  const save = () => { if (!finished && !booting) rt.saveState(pack(), where()); };
  const saveSoon = () => { win.clearTimeout(timer); timer = win.setTimeout(save, 1500); };

  const saved = started.state;
  if (saved && saved.v === 1) {
    try {
      st.c = saved.c;
      for (const k in saved.m || {}) { st.m[k] = { s: saved.m[k].s }; st.m[k] = unpackModule(saved.m[k], origOf(k, saved.m[k].s)); }
    } catch (e) { st = { c: single, m: {} }; cache = {}; tell("Your saved progress could not be restored, so this module starts again."); }
  }
  function newSeed() {
    if (started.seed != null) return started.seed >>> 0;
    const a = new Uint32Array(1);
    if (win.crypto) win.crypto.getRandomValues(a); else a[0] = Math.random() * 4294967296;
    return a[0];
  }

  /* ---- latency: how long each question is on screen ---- */
  let onScreen = null;
  function stopClock() {
    if (onScreen) { const l = st.m[onScreen.mi].l; l[onScreen.i] = (l[onScreen.i] || 0) + Date.now() - onScreen.t; onScreen = null; }
  }

  /* ---- what the host is told ---- */
  function summary() {
    let sum = 0, n = 0, quizzes = 0, failed = false, done = true;
    mods.forEach((m, mi) => {
      if (single >= 0 && mi !== single) return;
      const ms = st.m[mi];
      if (m.quiz) {
        quizzes++;
        if (ms && ms.z && ms.r) { sum += ms.r[0]; n++; failed = failed || !ms.r[1]; } else done = false;
      } else if (!(ms && ms.d)) done = false;
    });
    return { score_raw: n ? sum : null, score_max: n ? n * 100 : null, scaled: n ? sum / n / 100 : null,
      completion: done ? "completed" : "incomplete", success: !quizzes ? null : failed ? false : done ? true : null,
      session_ms: Date.now() - t0, exit: done ? "normal" : "suspend" };
  }
  function leave() {
    if (finished) return;
    stopClock(); booting = false; save(); rt.finish(summary()); finished = true;
  }
  ["pagehide", "beforeunload", "unload"].forEach((e) => win.addEventListener(e, leave));
  $("cc-exit").addEventListener("click", function () {
    leave();
    if (launch.app && launch.app.exit_url) return void (win.location.href = launch.app.exit_url);
    const hd = h("h2", { text: "You have left the course" });
    show([hd, h("p", { text: "Your progress has been saved. You can now close this window." })], hd, hd.textContent);
    this.disabled = true;
  });

  /* ---- the course's modules ---- */
  function menu(moved) {
    stopClock(); st.c = -1;
    const hd = h("h2", { text: "Modules" });
    const list = h("ul", { class: "modules" }, mods.map((m, i) => {
      const ms = st.m[i], sid = id("s");
      const status = !ms ? "Not started" : ms.z && ms.r ? (ms.r[1] ? "Passed, " : "Not passed, ") + ms.r[0] + "%" : ms.d ? "Finished" : "In progress";
      const b = button(m.title, () => { st.c = i; route(mstate(i), true); }, "btn module");
      b.setAttribute("aria-describedby", sid);
      return h("li", {}, [b, " ", h("span", { id: sid, class: "status", text: status })]);
    }));
    show([info.description ? h("div", { class: "intro", html: md(info.description) }) : null, hd, list], moved && hd, moved && "Modules");
    save();
  }
  function route(ms, moved) {
    if (ms.w === "q" && ms.s != null && !ms.z) return question(moved);
    if (ms.z && ms.w === "v") return review();
    if (ms.z && ms.w === "r") return resultsView(moved);
    return ms.w === "i" ? intro(moved) : page(ms.p, moved);
  }
  const toMenu = () => (single < 0 ? button("Back to modules", () => menu(true), "btn secondary") : null);

  /* ---- content pages ---- */
  function page(p, moved) {
    stopClock();
    const m = mods[st.c], ms = mstate(st.c), pages = m.pages || [], n = pages.length;
    if (!n) return m.quiz && intro(moved);
    ms.p = p = Math.max(0, Math.min(p, n - 1)); ms.w = "p";
    const pg = pages[p], hd = h("h2", { text: pg.title }), last = p === n - 1;
    const nav = h("nav", { class: "pager", "aria-label": "Pages" }, [
      p > 0 ? button("Previous", () => page(p - 1, true), "btn secondary") : null,
      !last ? button("Next", () => page(p + 1, true)) : m.quiz ? button("Next", () => intro(true)) : h("p", { text: "You have reached the end of this module." }),
      toMenu()]);
    show([single < 0 ? h("p", { class: "crumb", text: m.title }) : null, h("div", { class: "progress" }, [h("p", { text: `Page ${p + 1} of ${n}` }), bar(p + 1, n)]),
      h("article", {}, [hd, h("div", { class: "body", html: pg.html || md(pg.body) })]), nav], moved && hd, moved && `Page ${p + 1} of ${n}: ${pg.title}`);
    if (last && !m.quiz && !ms.d) { ms.d = true; rt.report(summary()); }
    save();
  }

  /* ---- the quiz ---- */
  function intro(moved) {
    stopClock();
    const m = mods[st.c], quiz = m.quiz, ms = mstate(st.c), n = (m.pages || []).length;
    if (ms.z) return resultsView(moved);
    ms.w = "i";
    const count = (quiz.items || []).reduce((t, it) => t + (it.draw ? it.draw.count : 1), 0), hd = h("h2", { text: quiz.title || "Quiz" });
    show([hd, h("ul", {}, [
      h("li", { text: count + (count === 1 ? " question" : " questions") }),
      h("li", { text: "Pass mark: " + pct(quiz.pass_mark) }),
      quiz.criterion_threshold != null ? h("li", { text: `You also need at least ${pct(quiz.criterion_threshold)} on every criterion the quiz covers.` }) : null,
      h("li", { text: quiz.feedback === "immediate" ? "You can check each answer as you go; a checked answer cannot be changed." : "You will see your marks and feedback after you submit the quiz." })]),
    h("div", { class: "pager" }, [n ? button("Previous", () => page(n - 1, true), "btn secondary") : null,
      button(ms.s != null ? "Continue quiz" : "Start quiz", () => startQuiz(true)), toMenu()])], moved && hd, moved && hd.textContent);
    save();
  }
  function startQuiz(moved) {
    const ms = mstate(st.c);
    if (ms.s == null) Object.assign(ms, { s: newSeed(), q: 0, a: [], k: [], l: [] });
    ms.w = "q";
    question(moved);
  }

  const words = (t) => (String(t || "").trim() ? String(t).trim().split(/\s+/).length : 0);
  /** Why the marking engine would refuse an essay (over the limit, under the minimum), else "". */
  function essayProblem(q, r) {
    if (q.type === "scenario") return ((r && r.path) || []).map((s) => essayProblem(byId(q.steps, s).question, r.answers[s])).join("");
    if (q.type !== "essay" || r == null) return "";
    const w = words(r);
    if (q.word_limit && w > q.word_limit) return `Your answer has ${w} words; the limit is ${q.word_limit}.`;
    return q.min_words && w < q.min_words ? `Your answer has ${w} words; write at least ${q.min_words}.` : "";
  }
  function answered(q, r) {
    if (r == null) return false;
    if (q.type === "scenario") return currentStep(q, r) < 0;
    return typeof r === "object" ? Object.keys(r).length > 0 : String(r).trim() !== "";
  }
  /** Check a step or question may be committed; say why not. */
  function ready(q, r) {
    const why = !answered(q, r) ? "Answer the question first." : essayProblem(q, r);
    if (why) say(why);
    return !why;
  }

  function question(moved, focusOn) {
    stopClock();
    const mi = st.c, m = mods[mi], quiz = m.quiz, ms = mstate(mi), qz = quizOf(mi), n = qz.shown.length, i = (ms.q = Math.min(ms.q, n - 1));
    const q = qz.shown[i], orig = qz.orig[i], immediate = quiz.feedback === "immediate", locked = immediate && ms.k[i];
    ms.w = "q";
    onScreen = { mi, i, t: Date.now() };
    const hd = h("h2", { id: id("h"), text: `Question ${i + 1} of ${n}` }), fb = h("div", { class: "feedback", tabindex: "-1" });
    const change = (r, soon) => {
      ms.a[i] = r;
      const sc = q.type === "scenario";
      rt.saveAnswer(i, sc ? { path: r.path.slice(), answers: r.answers } : r, sc ? r.path.slice() : null, orig);
      if (soon) saveSoon(); else save();
    };
    let body;
    if (q.type === "scenario") body = scenario(q, ms, i, immediate, change);
    else {
      body = h("div", {}, [renderQ(q, ms.a[i], locked, change, "q" + i)]);
      if (locked) fb.append(feedbackBlock(orig, ms.a[i]));
      else if (immediate) body.append(button("Check answer", () => { if (ready(q, ms.a[i])) { ms.k[i] = true; save(); question(false, ".feedback"); } }));
    }
    const done = ms.a.filter((r, j) => answered(qz.shown[j], r)).length, last = i === n - 1;
    show([h("p", { class: "crumb", text: quiz.title || m.title }), h("div", { class: "progress" }, [bar(i + 1, n)]),
      h("section", { class: "question", "aria-labelledby": hd.id }, [hd, body, fb]),
      h("nav", { class: "pager", "aria-label": "Questions" }, [
        i > 0 ? button("Previous", () => { ms.q = i - 1; question(true); }, "btn secondary") : null,
        !last ? button("Next", () => { ms.q = i + 1; question(true); }) : null,
        last ? h("p", { class: "count", text: `You have answered ${done} of ${n} questions.` }) : null,
        last ? button("Submit quiz", submit) : null])],
    focusOn || (moved && hd), moved && hd.textContent);
    if (focusOn === ".feedback") say(fb.textContent.slice(0, 200));
    save();
  }

  function feedbackBlock(q, r) {
    const mk = markOne(M, q, asMarked(q, r)), part = mk.score > 0;
    const items = (mk.feedback || []).filter((t) => t && String(t).trim());
    return h("div", { class: "mark " + (mk.pending ? "pending" : mk.correct ? "ok" : part ? "part" : "no") }, [
      h("p", { class: "verdict" }, [h("strong", { text: mk.pending ? "Awaiting a tutor's marking" : mk.correct ? "Correct" : part ? "Partly correct" : "Not correct" }),
        ` (${fmt(mk.score)} of ${fmt(mk.max)} ${mk.max === 1 ? "mark" : "marks"})`]),
      items.length ? h("div", { html: items.map(md).join("") }) : null]);
  }

  function scenario(q, ms, i, immediate, change) {
    const r = ms.a[i] || { path: [], answers: {} }, cur = currentStep(q, r), c = q.case || {}, n = r.path.length;
    const box = h("div", { class: "scenario" }, [h("section", { class: "case", "aria-label": "The case" }, [h("h3", { text: "The case" }),
      h("dl", {}, [["Person", c.person], ["Setting", c.setting], ["Situation", c.situation]].flatMap(([t, v]) => [h("dt", { text: t }), h("dd", { html: md(v) })]))])]);
    r.path.forEach((sid, k) => {
      const s = byId(q.steps, sid).question;
      box.append(h("div", { class: "step done" + (k === n - 1 ? " last" : "") }, [h("h3", { text: "Step " + (k + 1) }), h("div", { html: stemHtml(s) }),
        h("p", { text: "Your answer: " + answerText(s, r.answers[sid]) }), immediate ? feedbackBlock(s, r.answers[sid]) : null]));
    });
    if (cur < 0) return box.append(h("p", { class: "end", text: "You have reached the end of this case." })), box;
    const s = q.steps[cur];
    box.append(h("div", { class: "step" }, [h("h3", { class: "step-h", text: "Step " + (n + 1) }),
      renderQ(s.question, r.answers[s.id], false, (a, soon) => { r.answers[s.id] = a; change(r, soon); }, `q${i}s${cur}`),
      button(immediate ? "Check answer" : "Continue scenario", () => {
        if (!ready(s.question, r.answers[s.id])) return;
        r.path.push(s.id);
        const end = currentStep(q, r) < 0;
        if (end) ms.k[i] = immediate;
        change(r);
        question(false, immediate ? ".step.last .mark" : end ? ".end" : ".step-h");
      })]));
    return box;
  }

  /* ---- one question's controls ---- */
  function renderQ(q, r, locked, change, name) {
    const stemId = id("stem"), stem = h("div", { class: "stem", id: stemId, html: stemHtml(q) }), wrap = h("div", { class: "q" }, [stem]);
    const group = (legend, kids) => h("fieldset", { "aria-describedby": stemId }, [h("legend", { text: legend })].concat(kids));
    const opt = (type, value, text, checked, on) => {
      const iid = id("o");
      return h("div", { class: "opt" }, [h("input", { type, id: iid, name, value, checked, disabled: locked, onchange: on }), h("label", { for: iid, text })]);
    };
    const select = (attrs, options, value) => {
      const s = h("select", Object.assign({ disabled: locked }, attrs), [h("option", { value: "", text: "Choose…" })].concat(options.map(([v, t]) => h("option", { value: v, text: t }))));
      s.value = value || "";
      return s;
    };
    const copy = (o, k, v) => { const c = Object.assign({}, o); if (v === "" || v == null) delete c[k]; else c[k] = v; return c; };
    switch (q.type) {
      case "single_choice": case "true_false": {
        const tf = q.type === "true_false", opts = tf ? [{ id: "true", text: "True" }, { id: "false", text: "False" }] : q.options;
        const cur = r == null ? null : String(r);
        wrap.append(group("Choose one answer", opts.map((o) => opt("radio", o.id, o.text, cur === o.id, (e) => change(tf ? e.target.value === "true" : e.target.value)))));
        break;
      }
      case "multiple_response":
        wrap.append(group("Choose all answers that apply", q.options.map((o) => opt("checkbox", o.id, o.text, (r || []).includes(o.id),
          () => change(q.options.filter((x) => wrap.querySelector(`input[value="${x.id}"]`).checked).map((x) => x.id))))));
        break;
      case "matching": {
        let cur = r || {};
        wrap.append(group("Match each item to an answer", q.premises.map((p) => {
          const sid = id("m"), s = select({ id: sid }, q.responses.map((x) => [x.id, x.text]), cur[p.id]);
          s.addEventListener("change", () => change((cur = copy(cur, p.id, s.value))));
          return h("div", { class: "row" }, [h("label", { for: sid, text: p.text }), s]);
        })));
        break;
      }
      case "ordering": {
        const order = r ? r.slice() : q.items.map((x) => x.id), ol = h("ol", { class: "order", "aria-describedby": stemId }), text = (x) => byId(q.items, x).text;
        const draw = (moved, dir) => {
          ol.textContent = "";
          order.forEach((item, k) => {
            const t = text(item), li = h("li", {}, [h("span", { class: "txt", text: t })]);
            ol.append(li);
            if (locked) return;
            const up = button("Move up", () => move(k, -1), "btn small", "Move up: " + t), down = button("Move down", () => move(k, 1), "btn small", "Move down: " + t);
            up.disabled = k === 0; down.disabled = k === order.length - 1;
            li.append(h("span", {}, [up, down]));
            if (moved === item) { const [a, b] = dir < 0 ? [up, down] : [down, up]; (a.disabled ? b : a).focus(); } // focus follows the item
          });
        };
        const move = (k, d) => {
          const j = k + d, t = order[k];
          order[k] = order[j]; order[j] = t;
          draw(t, d); change(order.slice());
          say(`${text(t)} moved to position ${j + 1} of ${order.length}`);
        };
        draw();
        wrap.append(h("p", { class: "hint", text: "Put the items in order using the Move up and Move down buttons." }), ol);
        break;
      }
      case "short_answer": {
        let cur = r || {};
        q.gaps.forEach((g, k) => {
          const label = "Gap " + (k + 1), place = stem.querySelector(`[data-gap="${g.id}"]`);
          const ctl = g.options && g.options.length ? select({ "aria-label": label, class: "gap" }, g.options.map((o) => [o, o]), cur[g.id])
            : h("input", { type: "text", class: "gap", "aria-label": label, value: cur[g.id] || "", disabled: locked, autocomplete: "off", spellcheck: "false", size: "14" });
          const on = (soon) => () => change((cur = copy(cur, g.id, ctl.value)), soon);
          ctl.addEventListener("input", on(true)); ctl.addEventListener("change", on(false));
          if (place) place.replaceWith(ctl); else wrap.append(ctl);
        });
        break;
      }
      case "numeric": {
        const nid = id("n"), uid2 = id("u"), inp = h("input", { type: "text", inputmode: "decimal", id: nid, value: r == null ? "" : r, disabled: locked, autocomplete: "off", "aria-describedby": q.unit && uid2 });
        const on = (soon) => () => change(inp.value.trim() === "" ? null : inp.value.trim(), soon);
        inp.addEventListener("input", on(true)); inp.addEventListener("change", on(false));
        wrap.append(h("div", { class: "row" }, [h("label", { for: nid, text: "Your answer" }), inp, q.unit ? h("span", { id: uid2, text: q.unit }) : null]));
        break;
      }
      case "essay": {
        const eid = id("e"), cid = id("c"), ta = h("textarea", { id: eid, rows: "8", disabled: locked, "aria-describedby": cid }), cnt = h("p", { id: cid, class: "count" }), lim = q.word_limit;
        let quiet = null;
        ta.value = r || "";
        const count = () => {
          const w = words(ta.value);
          cnt.textContent = w + (w === 1 ? " word" : " words") + (lim ? ` of ${lim}` + (w > lim ? `: ${w - lim} over the limit` : "") : "") + (q.min_words ? ` (at least ${q.min_words})` : "");
          cnt.className = "count" + (lim && w > lim ? " over" : "");
        };
        ta.addEventListener("input", () => { count(); change(ta.value || null, true); win.clearTimeout(quiet); quiet = win.setTimeout(() => say(cnt.textContent), 1200); });
        ta.addEventListener("change", () => change(ta.value || null));
        count();
        wrap.append(h("label", { for: eid, text: "Your answer" }), ta, cnt);
        break;
      }
    }
    return wrap;
  }

  function answerText(q, r) {
    if (r == null) return "Not answered";
    const t = (list, v) => (byId(list, v) || { text: v }).text;
    switch (q.type) {
      case "single_choice": return t(q.options, r);
      case "multiple_response": return r.map((v) => t(q.options, v)).join("; ") || "None chosen";
      case "true_false": return r ? "True" : "False";
      case "matching": return q.premises.map((p) => p.text + ": " + (r[p.id] ? t(q.responses, r[p.id]) : "no answer")).join("; ");
      case "ordering": return r.map((v, k) => k + 1 + ". " + t(q.items, v)).join("; ");
      case "short_answer": return q.gaps.map((g, k) => `Gap ${k + 1}: ${r[g.id] || "no answer"}`).join("; ");
      case "numeric": return r + (q.unit ? " " + q.unit : "");
      default: return String(r);
    }
  }

  /* ---- submit, results, review ---- */
  const server = {};
  function submit() {
    const mi = st.c, ms = mstate(mi), qz = quizOf(mi), quiz = mods[mi].quiz;
    const bad = qz.orig.findIndex((q, e) => essayProblem(q, ms.a[e]));
    if (bad >= 0) {
      ms.q = bad; question(true);
      const p = h("p", { class: "mark no", text: "Before you submit: " + essayProblem(qz.orig[bad], ms.a[bad]) });
      main.querySelector(".question").append(p);
      return focus(p);
    }
    stopClock();
    qz.shown.forEach((q, i) => { if (q.type === "ordering" && ms.a[i] == null) ms.a[i] = q.items.map((x) => x.id); }); // the order shown is an answer
    const res = results(M, quiz, qz.orig, ms.a), when = Date.now(), thr = quiz.criterion_threshold == null ? quiz.pass_mark : quiz.criterion_threshold;
    Object.assign(ms, { z: true, w: "r", r: [Math.round(res.fraction * 10000) / 100, res.passed ? 1 : 0] });
    qz.orig.forEach((q, i) => interactions(q, ms.a[i], res.marks[i], M, ms.l[i] || 0, when).forEach((ix) => rt.recordInteraction(ix)));
    res.criteria.forEach((c) => rt.recordObjective({ id: c.ref, score_raw: c.score, score_max: c.max, success: c.fraction + 1e-9 >= thr, completion: "completed" }));
    rt.report(summary()); save();
    main.querySelectorAll("nav button").forEach((b) => { b.disabled = true; });
    say("Submitting your answers…");
    rt.submit(qz.orig.map((q, i) => asMarked(q, ms.a[i]))).then((mark) => {
      if (mark && typeof mark === "object") { // the server's mark counts
        server[mi] = mark;
        const f = mark.fraction != null ? mark.fraction : mark.max ? mark.score / mark.max : res.fraction;
        ms.r = [Math.round(f * 10000) / 100, (mark.passed != null ? mark.passed : res.passed) ? 1 : 0];
        save();
      }
      resultsView(true);
    }, () => { tell("Your answers are saved, but the server has not confirmed your mark yet: the mark below is provisional."); resultsView(true); });
  }

  function critText(ref) {
    const [fw, code] = String(ref).split("/");
    for (const f of course.frameworks || []) if (f.code === fw) for (const o of f.outcomes || []) for (const c of o.criteria || []) if (c.code === code) return c.text;
    return "";
  }

  function resultsView(moved) {
    stopClock();
    const mi = st.c, ms = mstate(mi), quiz = mods[mi].quiz, res = results(M, quiz, quizOf(mi).orig, ms.a), srv = server[mi];
    ms.w = "r";
    const percent = ms.r ? ms.r[0] : Math.round(res.fraction * 10000) / 100, passed = ms.r ? !!ms.r[1] : res.passed;
    const crits = srv && srv.criteria ? srv.criteria.map((c) => ({ ref: c.ref || c.criterion, fraction: c.fraction != null ? c.fraction : c.max ? c.score / c.max : 0, met: c.passed != null ? c.passed : c.met })) : res.criteria;
    const hd = h("h2", { text: "Results" }), thr = quiz.criterion_threshold;
    const cell = (tag, text, scope) => h(tag, { text, scope });
    show([h("p", { class: "crumb", text: quiz.title || mods[mi].title }), hd,
      h("p", { class: "score" }, ["Your score: ", h("strong", { text: `${srv && srv.score != null ? fmt(srv.score) + " of " + fmt(srv.max) : fmt(res.score) + " of " + fmt(res.max)} (${fmt(percent)}%)` })]),
      h("p", { class: "verdict " + (passed ? "ok" : "no") }, [h("strong", { text: passed ? "Passed" : "Not passed" }),
        ` — the pass mark is ${pct(quiz.pass_mark)}` + (thr != null ? ` and at least ${pct(thr)} on each criterion.` : ".")]),
      res.pending ? h("p", { text: res.pending + (res.pending === 1 ? " answer awaits" : " answers await") + " a tutor's marking." }) : null,
      srv ? h("p", { text: "This is the mark recorded by the server." }) : null,
      crits.length ? h("table", { class: "criteria" }, [h("caption", { text: "Results by criterion" }),
        h("thead", {}, [h("tr", {}, ["Criterion", "Score", "Result"].map((t) => cell("th", t, "col")))]),
        h("tbody", {}, crits.map((c) => h("tr", {}, [h("th", { scope: "row" }, [h("span", { text: c.ref }), critText(c.ref) ? h("span", { class: "ctext", text: critText(c.ref) }) : null]),
          cell("td", pct(c.fraction)), cell("td", c.met ? "Met" : "Not yet met")])))]) : null,
      h("div", { class: "pager" }, [button("Review answers", review), toMenu()])], moved && hd, moved && `Results: ${passed ? "passed" : "not passed"}, ${fmt(percent)}%`);
    save();
  }

  function review() {
    const mi = st.c, ms = mstate(mi), qz = quizOf(mi), hd = h("h2", { text: "Review answers" }), blank = (html) => html.replace(/<span data-gap="[^"]*"><\/span>/g, "____");
    ms.w = "v";
    const part = (tag, title, q, r) => h("div", {}, [h(tag, { text: title }), h("div", { html: blank(stemHtml(q)) }), h("p", { text: "Your answer: " + answerText(q, r) }), feedbackBlock(q, r)]);
    const items = h("ol", { class: "review" }, qz.shown.map((q, i) => {
      const r = ms.a[i];
      if (q.type !== "scenario") return h("li", {}, [part("h3", `Question ${i + 1}`, q, r)]);
      const c = q.case || {};
      return h("li", {}, [h("h3", { text: `Question ${i + 1}` }), h("div", { class: "case", html: md(c.person) + md(c.setting) + md(c.situation) })]
        .concat(((r && r.path) || []).map((sid, k) => part("h4", "Step " + (k + 1), byId(q.steps, sid).question, r.answers[sid])), [h("p", { text: "The whole case:" }), feedbackBlock(qz.orig[i], r)]));
    }));
    show([hd, items, h("div", { class: "pager" }, [button("Back to results", () => resultsView(true), "btn secondary"), toMenu()])], hd, hd.textContent);
    save();
  }

  /* ---- the first view ---- */
  if (single < 0 && launch.module != null) tell(`The module ${launch.module} is not in this course; here are all its modules.`);
  if (!mods[st.c]) menu();
  else if (!saved && launch.start === "quiz" && mods[st.c].quiz && M) startQuiz(false);
  else route(mstate(st.c), false);
  booting = false;
  win.setTimeout(save, 0);
  CCPlayer.debug = { state: () => st, pack, rt };
}

CCPlayer.boot = boot;
if (typeof module === "object" && module.exports) module.exports = CCPlayer;
else {
  root.CCPlayer = CCPlayer;
  const main = root.document && root.document.getElementById("main");
  try {
    if (!root.CC_COURSE) throw new Error("The course content (course-data.js) is missing.");
    boot(root);
  } catch (e) {
    if (main) main.innerHTML = "<h2>Sorry, this course could not start</h2><p>" + esc(e.message) + "</p>";
    throw e;
  }
}
})(typeof window !== "undefined" ? window : this);
