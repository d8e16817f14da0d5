/* carecourse player: a module's pages and quiz from window.CC_COURSE, marked by window.CCMarking,
 * reported only through window.CCRuntime (README.md). Pure parts are exported for node --test. */
(function (root) {
"use strict";
const B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const idx = (list, id) => list.findIndex((x) => x.id === id);
const byId = (list, id) => list[idx(list, id)];
const LIST = { single_choice: "options", multiple_response: "options", ordering: "items", matching: "responses" };

/* ---------- compact answers: indices into the question's own lists (base 36), not ids ---------- */

/** Encode a response (docs/formats.md shape) of question q; null stays null. */
function encodeAnswer(q, r) {
  if (r == null) return null;
  const L = q[LIST[q.type]], c = (id) => B36[idx(L, id)];
  switch (q.type) {
    case "single_choice": return c(r);
    case "multiple_response": return r.map(c).sort().join("");
    case "ordering": return r.map(c).join("");
    case "matching": return q.premises.map((p) => (r[p.id] == null ? "-" : c(r[p.id]))).join("");
    case "true_false": return r ? "t" : "f";
    case "short_answer": return q.gaps.map((g) => (r[g.id] == null ? "" : String(r[g.id])));
    case "scenario": {
      const out = [r.path.map((s) => B36[idx(q.steps, s)]).join("")].concat(q.steps.map((s) => encodeAnswer(s.question, r.answers[s.id])));
      while (out.length > 1 && out[out.length - 1] == null) out.pop();
      return out;
    }
    default: return String(r); // numeric, essay
  }
}

/** Decode a code made by encodeAnswer. */
function decodeAnswer(q, c) {
  if (c == null) return null;
  const L = q[LIST[q.type]], d = (x) => L[B36.indexOf(x)].id, o = {};
  switch (q.type) {
    case "single_choice": return d(c);
    case "multiple_response": case "ordering": return [...c].map(d);
    case "matching": q.premises.forEach((p, i) => { if (c[i] && c[i] !== "-") o[p.id] = d(c[i]); }); return o;
    case "true_false": return c === "t";
    case "short_answer": q.gaps.forEach((g, i) => { if (c[i]) o[g.id] = c[i]; }); return o;
    case "scenario":
      q.steps.forEach((s, i) => { if (c[i + 1] != null) o[s.id] = decodeAnswer(s.question, c[i + 1]); });
      return { path: [...c[0]].map((x) => q.steps[B36.indexOf(x)].id), answers: o };
    default: return c;
  }
}

/* A module's state in memory: {w: view p|i|q|r|v, p: page, s: seed or null, q: question,
 * a: [responses], k: [checked], l: [ms on each question], z: submitted, r: [percent, passed],
 * d: done}. Packed: the same keys, answers encoded, k as "0101", l in seconds, defaults left out. */
function packModule(ms, questions) {
  const o = { w: ms.w || "p" }, trim = (a, keep) => { while (a.length && !keep(a[a.length - 1])) a.pop(); return a; };
  if (ms.p) o.p = ms.p;
  if (ms.s != null) {
    o.s = ms.s; o.q = ms.q || 0;
    o.a = trim(questions.map((q, i) => encodeAnswer(q, ms.a[i])), (x) => x != null);
    const k = questions.map((q, i) => (ms.k[i] ? 1 : 0)).join("").replace(/0+$/, "");
    if (k) o.k = k;
    o.l = trim(questions.map((q, i) => Math.round((ms.l[i] || 0) / 1000)), (x) => x);
  }
  if (ms.z) o.z = 1;
  if (ms.r) o.r = ms.r;
  if (ms.d) o.d = 1;
  return o;
}

function unpackModule(o, questions) {
  const a = o.a || [], l = o.l || [], k = o.k || "";
  return { w: o.w || "p", p: o.p || 0, s: o.s == null ? null : o.s, q: o.q || 0, z: !!o.z, r: o.r || null, d: !!o.d,
    a: questions.map((q, i) => decodeAnswer(q, a[i])), k: questions.map((q, i) => k[i] === "1"), l: questions.map((q, i) => (l[i] || 0) * 1000) };
}

/** Characters the packed state takes in suspend_data. */
const measureState = (packed) => JSON.stringify(packed).length;

/** Fit packed state within limit: drop the answers of submitted modules not on screen, then
 * halve the longest free texts, never below 40 characters. */
function fitState(packed, limit) {
  if (measureState(packed) <= limit) return packed;
  const s = JSON.parse(JSON.stringify(packed)), texts = [], len = (t) => t[0][t[1]].length;
  const add = (arr) => arr.forEach((c, i) => { if (typeof c === "string" && c.length > 40) texts.push([arr, i]); else if (Array.isArray(c)) add(c); });
  for (const k in s.m) {
    const m = s.m[k];
    if (String(s.c) !== k && m.z) { delete m.a; delete m.k; delete m.l; m.w = "r"; }
    add(m.a || []);
  }
  while (measureState(s) > limit && texts.length) {
    texts.sort((x, y) => len(y) - len(x));
    const [arr, i] = texts[0];
    arr[i] = arr[i].slice(0, Math.max(40, arr[i].length >> 1));
    if (arr[i].length <= 40) texts.shift();
  }
  return s;
}

/* ---------- scenarios ---------- */

/** Index of the step after step i given its answer; -1 at the end. */
function nextStep(sc, i, answer) {
  const st = sc.steps[i], t = st.question.type;
  const key = answer == null ? null : t === "single_choice" ? answer : t === "true_false" ? String(!!answer) : null;
  let to = (st.branches || {})[key];
  if (to == null) to = st.next != null ? st.next : i + 1 < sc.steps.length ? sc.steps[i + 1].id : "end";
  return to === "end" ? -1 : idx(sc.steps, to);
}

/** The step the learner is on (-1: the case has ended). */
function currentStep(sc, r) {
  const last = r && r.path[r.path.length - 1];
  return last == null ? 0 : nextStep(sc, idx(sc.steps, last), r.answers[last]);
}

/** A scenario response as marked: the committed answers, and the path run on to the end
 * (steps not reached are unanswered and go on by next / the following step). */
function committed(r, sc) {
  if (!r) return r;
  const answers = {}, path = r.path.slice();
  path.forEach((s) => { if (r.answers[s] != null) answers[s] = r.answers[s]; });
  for (let k = currentStep(sc, r); k >= 0 && path.length <= sc.steps.length; k = nextStep(sc, k, null)) path.push(sc.steps[k].id);
  return { path, answers };
}
const asMarked = (q, r) => (q.type === "scenario" ? committed(r, q) : r);

/* ---------- results and interactions ---------- */

function markOne(M, q, r) {
  const none = (fb) => ({ score: 0, max: q.points || 1, correct: false, feedback: fb });
  if (r == null) return none([]);
  try { return M.mark(q, r); } catch (e) { return none([e.message]); }
}

/** Score, pass and per-criterion results of a quiz (essays awaiting a tutor count nowhere). */
function results(M, quiz, questions, responses) {
  const marks = questions.map((q, i) => markOne(M, q, asMarked(q, responses[i]))), crit = {}, thr = quiz.criterion_threshold;
  let score = 0, max = 0, pending = 0;
  marks.forEach((m, i) => {
    if (m.pending) return pending++;
    score += m.score; max += m.max;
    (questions[i].criteria || []).forEach((ref) => {
      const c = crit[ref] || (crit[ref] = { ref, score: 0, max: 0 });
      c.score += m.score; c.max += m.max;
    });
  });
  const criteria = Object.values(crit);
  criteria.forEach((c) => { c.fraction = c.max ? c.score / c.max : 0; c.met = c.fraction + 1e-9 >= (thr == null ? quiz.pass_mark : thr); });
  const fraction = max ? score / max : 0;
  return { score: Math.round(score * 1e6) / 1e6, max, fraction, criteria, marks, pending,
    passed: fraction + 1e-9 >= quiz.pass_mark && (thr == null || criteria.every((c) => c.met)) };
}

const best = (list) => (list || []).reduce((b, a) => (!b || a.credit > b.credit ? a : b), null);

/** Type, correct and learner response of a question in the runtime's shape ({id, n}: an id and
 * its index in the question's list). */
function interactionOf(q, r) {
  const L = q[LIST[q.type]], key = (id, list) => ({ id, n: idx(list || L, id) }), keys = (ids) => ids.map((id) => key(id));
  const pairs = (get) => q.premises.filter((p) => get(p) != null).map((p) => [key(p.id, q.premises), key(get(p))]);
  switch (q.type) {
    case "single_choice": case "multiple_response":
      return ["choice", keys(q.options.filter((o) => o.correct).map((o) => o.id)), keys([].concat(r))];
    case "true_false": return ["true-false", !!q.answer, !!r];
    case "matching": return ["matching", pairs((p) => p.match), pairs((p) => r[p.id])];
    case "ordering": return ["sequencing", keys(L.map((x) => x.id)), keys(r)];
    case "short_answer": return ["fill-in", q.gaps.map((g) => (best(g.answers) || { text: "" }).text), q.gaps.map((g) => String(r[g.id] || ""))];
    case "numeric": {
      const b = best(q.answers) || { value: 0 }, v = +b.value, t = +(b.tolerance || 0);
      return ["numeric", { min: v - t, max: v + t, value: v }, String(r)];
    }
    default: return ["long-fill-in", null, String(r)];
  }
}

/** The interactions an answered question reports; a scenario reports one per step taken. */
function interactions(q, r, mark, M, latencyMs, when) {
  if (r == null) return [];
  const crits = q.criteria || [], head = crits[0] ? crits[0].replace(/\//g, "-") + "." : "", steps = q.type === "scenario" ? r.path : [null];
  return steps.map((sid) => {
    const qq = sid ? byId(q.steps, sid).question : q, rr = sid ? r.answers[sid] : r, m = sid ? markOne(M, qq, rr) : mark;
    const [type, correct, learner] = interactionOf(qq, rr);
    return { id: head + q.id + (sid ? "." + sid : "") + ".v" + (q.version || 1), type, learner_response: learner,
      description: String(qq.stem || "").replace(/<[^>]*>|[*_`#>[\]]/g, "").replace(/\{\{[\w.-]+\}\}/g, "___").replace(/\s+/g, " ").trim().slice(0, 250),
      correct_responses: correct == null ? [] : [correct], result: m.pending || m.correct == null ? "neutral" : m.correct ? "correct" : "incorrect",
      weighting: qq.points || 1, latency_ms: Math.round(latencyMs / steps.length), objectives: (qq.criteria || crits).slice(), timestamp: when };
  });
}

/* ---------- Markdown: the small subset authors use (hosts send HTML where they can) ---------- */

const esc = (s) => String(s == null ? "" : s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const GAP = /\{\{([\w.-]+)\}\}/g, SPAN = '<span data-gap="$1"></span>';
const inline = (s) => esc(s).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|[^\w*])[*_]([^*_]+)[*_](?![\w*])/g, "$1<em>$2</em>")
  .replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\[([^\]]+)\]\(((?:https?:\/\/|\.{0,2}\/|#)[^)\s]*)\)/g, '<a href="$2">$1</a>').replace(GAP, SPAN);
/** Markdown to HTML: paragraphs, lists, bold, italic, code, links; gaps become placeholders. */
function md(text) {
  return String(text || "").split(/\r?\n\s*\n/).map((block) => {
    const lines = block.split("\n").filter((l) => l.trim());
    const list = (re, tag) => lines.every((l) => re.test(l)) && `<${tag}>${lines.map((l) => "<li>" + inline(l.replace(re, "")) + "</li>").join("")}</${tag}>`;
    return !lines.length ? "" : list(/^\s*[-*]\s+/, "ul") || list(/^\s*\d+[.)]\s+/, "ol") || "<p>" + lines.map((l) => inline(l.replace(/^#+\s+/, ""))).join("<br>") + "</p>";
  }).join("");
}
const stemHtml = (q) => q.stem_html || (q.stem_format === "html" ? String(q.stem).replace(GAP, SPAN) : md(q.stem));

const CCPlayer = { encodeAnswer, decodeAnswer, packModule, unpackModule, measureState, fitState, nextStep, currentStep, committed, results, interactions, md };

/* ================= the page ================= */

function boot(win) {
  const doc = win.document, course = win.CC_COURSE, launch = win.CC_LAUNCH || {}, M = win.CCMarking, info = course.course || {};
  const mods = course.modules || [], byKey = {}, t0 = Date.now(), $ = (id) => doc.getElementById(id), main = $("main"), notice = $("cc-notice");
  (course.questions || []).forEach((q) => { byKey[q.id + "@" + q.version] = q; });
  const single = mods.findIndex((m) => m.slug === launch.module);
  let uid = 0, finished = false;
  $("cc-title").textContent = single >= 0 ? mods[single].title : info.title || "Course";
  if (info.language) doc.documentElement.lang = info.language;

  /** An element: props are attributes, plus text, html, class and on<event>; kids are nodes or text. */
  function h(tag, props, kids) {
    const el = doc.createElement(tag);
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "html") el.innerHTML = v;
      else if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    (kids || []).forEach((c) => c != null && c !== false && el.append(c));
    return el;
  }
  const id = (p) => "cc-" + p + ++uid;
  const btn = (text, onclick, cls, label) => h("button", { type: "button", class: "btn " + (cls || ""), onclick, "aria-label": label }, [text]);
  const say = (msg) => { const l = $("cc-live"); l.textContent = ""; win.setTimeout(() => { l.textContent = msg; }, 60); };
  const focus = (el) => { if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1"); el.focus(); };
  /** Replace the main content; focus an element (or selector) and announce msg when moving on. */
  function show(nodes, to, msg) {
    main.textContent = "";
    nodes.forEach((n) => n && main.append(n));
    const el = typeof to === "string" ? main.querySelector(to) : to;
    if (el) { focus(el); win.scrollTo(0, 0); }
    if (msg) say(msg);
  }
  const tell = (text) => { notice.hidden = false; notice.textContent = text; };
  const bar = (k, n) => h("div", { class: "bar", "aria-hidden": "true" }, [h("span", { style: `width:${Math.round(k / n * 100)}%` })]);
  const fmt = (x) => String(Math.round(x * 100) / 100), pct = (x) => Math.round(x * 100) + "%";

  /* ---- the host ---- */
  let rt, started;
  try {
    rt = win.CCRuntime.create(launch.adapter || "preview", { launch, key: `carecourse-preview:${info.slug}:${launch.module}`,
      onStatus: (s) => (s === "offline" ? tell("Connection lost: your answers are kept and will be saved when it returns.") : s === "saved" && (notice.hidden = true)) });
    started = rt.start();
  } catch (e) {
    tell(/^NO_/.test(e.code) ? `This course could not connect to your learning system (LMS), so your progress and results will not be recorded. Close this window and open the course again from the LMS. (${e.message})`
      : "Your progress cannot be saved: " + e.message);
    rt = win.CCRuntime.create("none"); started = rt.start();
  }
  if (!M) tell("Part of the player (marking.js) did not load, so quizzes cannot be marked.");

  /* ---- state ---- */
  let st = { c: single, m: {} }, cache = {};
  // assembleQuiz gives [{question, version, order, step_orders}]: the order to show options,
  // matching responses or ordering items in. Answers are kept by id whatever the order.
  const reorder = (q, order) => (order ? Object.assign({}, q, { [LIST[q.type]]: order.map((o) => byId(q[LIST[q.type]], o)) }) : q);
  function quizOf(mi) { // this attempt's questions, replayed from its seed
    const s = st.m[mi].s;
    if (!cache[mi] || cache[mi].s !== s) {
      const list = M.assembleQuiz(mods[mi].quiz, course.questions, s), orig = list.map((e) => byKey[e.question + "@" + e.version]);
      cache[mi] = { s, orig, shown: list.map((e, i) => {
        const q = reorder(orig[i], e.order), so = e.step_orders;
        return so ? Object.assign({}, q, { steps: q.steps.map((x) => (so[x.id] ? Object.assign({}, x, { question: reorder(x.question, so[x.id]) }) : x)) }) : q;
      }) };
    }
    return cache[mi];
  }
  const mstate = (mi) => st.m[mi] || (st.m[mi] = { w: "p", p: 0, s: null, q: 0, a: [], k: [], l: [] });
  const origOf = (k, s) => (s != null && M ? quizOf(+k).orig : []);
  function pack() {
    const o = { v: 1, c: st.c, m: {} };
    for (const k in st.m) o.m[k] = packModule(st.m[k], origOf(k, st.m[k].s));
    return fitState(o, rt.limit);
  }
  const where = (ms = st.m[st.c]) => (ms ? st.c + ":" + ms.w + ({ p: ms.p, q: ms.q }[ms.w] ?? "") : "menu");
  let booting = true, timer = null; // the first view paints before anything is written to the host
  const save = () => { if (!finished && !booting) rt.saveState(pack(), where()); };
  const saveSoon = () => { win.clearTimeout(timer); timer = win.setTimeout(save, 1500); };
  const saved = started.state;
  if (saved && saved.v === 1) {
    try {
      st.c = saved.c;
      for (const k in saved.m) { st.m[k] = { s: saved.m[k].s }; st.m[k] = unpackModule(saved.m[k], origOf(k, saved.m[k].s)); }
    } catch (e) { st = { c: single, m: {} }; cache = {}; tell("Your saved progress could not be restored, so this module starts again."); }
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
      const ms = st.m[mi] || {};
      if (single >= 0 && mi !== single) return;
      if (!m.quiz) return void (done = done && !!ms.d);
      quizzes++;
      if (ms.z && ms.r) { sum += ms.r[0]; n++; failed = failed || !ms.r[1]; } else done = false;
    });
    return { score_raw: n ? sum : null, score_max: n ? n * 100 : null, scaled: n ? sum / n / 100 : null,
      completion: done ? "completed" : "incomplete", success: !quizzes ? null : failed ? false : done || null,
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

  /* ---- the course's modules, pages and quiz introduction ---- */
  function menu(moved) {
    stopClock(); st.c = -1;
    const hd = h("h2", { text: "Modules" });
    show([info.description && h("div", { html: md(info.description) }), hd, h("ul", { class: "modules" }, mods.map((m, i) => {
      const ms = st.m[i], sid = id("s"), b = btn(m.title, () => { st.c = i; route(mstate(i), true); });
      b.setAttribute("aria-describedby", sid);
      return h("li", {}, [b, " ", h("span", { id: sid, text: !ms ? "Not started" : ms.z ? (ms.r[1] ? "Passed, " : "Not passed, ") + ms.r[0] + "%" : ms.d ? "Finished" : "In progress" })]);
    }))], moved && hd, moved && "Modules");
    save();
  }
  function route(ms, moved) {
    if (ms.z && ms.w === "v") return review();
    if (ms.z || ms.w === "i") return intro(moved);
    return ms.w === "q" && ms.s != null ? question(moved) : page(ms.p, moved);
  }
  const toMenu = () => single < 0 && btn("Back to modules", () => menu(true), "secondary");

  function page(p, moved) {
    stopClock();
    const m = mods[st.c], ms = mstate(st.c), pages = m.pages || [], n = pages.length;
    if (!n) return m.quiz && intro(moved);
    ms.p = p = Math.max(0, Math.min(p, n - 1)); ms.w = "p";
    const pg = pages[p], hd = h("h2", { text: pg.title }), last = p === n - 1;
    show([single < 0 && h("p", { class: "crumb", text: m.title }), h("div", { class: "progress" }, [h("p", { text: `Page ${p + 1} of ${n}` }), bar(p + 1, n)]),
      h("article", {}, [hd, h("div", { html: pg.html || md(pg.body) })]),
      h("nav", { class: "pager", "aria-label": "Pages" }, [p > 0 && btn("Previous", () => page(p - 1, true), "secondary"),
        !last || m.quiz ? btn("Next", () => (last ? intro(true) : page(p + 1, true))) : h("p", { text: "You have reached the end of this module." }), toMenu()])],
    moved && hd, moved && `Page ${p + 1} of ${n}: ${pg.title}`);
    if (last && !m.quiz && !ms.d) { ms.d = true; rt.report(summary()); }
    save();
  }

  function intro(moved) {
    stopClock();
    const m = mods[st.c], quiz = m.quiz, ms = mstate(st.c), n = (m.pages || []).length, thr = quiz.criterion_threshold;
    if (ms.z) return resultsView(moved);
    ms.w = "i";
    const count = quiz.items.reduce((t, it) => t + (it.draw ? it.draw.count : 1), 0), hd = h("h2", { text: quiz.title || "Quiz" });
    show([hd, h("ul", {}, [count + (count === 1 ? " question" : " questions"), "Pass mark: " + pct(quiz.pass_mark),
      thr != null && `You also need at least ${pct(thr)} on every criterion the quiz covers.`,
      quiz.feedback === "immediate" ? "You can check each answer as you go; a checked answer cannot be changed." : "You will see your marks and feedback after you submit the quiz."]
      .map((t) => t && h("li", { text: t }))),
    h("div", { class: "pager" }, [n > 0 && btn("Previous", () => page(n - 1, true), "secondary"), btn(ms.s != null ? "Continue quiz" : "Start quiz", () => startQuiz(true)), toMenu()])],
    moved && hd, moved && hd.textContent);
    save();
  }
  function startQuiz(moved) {
    const ms = mstate(st.c), a = new Uint32Array(1);
    if (ms.s == null) {
      if (started.seed != null) a[0] = started.seed; else win.crypto.getRandomValues(a);
      Object.assign(ms, { s: a[0], q: 0, a: [], k: [], l: [] });
    }
    ms.w = "q";
    question(moved);
  }

  /* ---- questions ---- */
  const words = (t) => (String(t || "").match(/\S+/g) || []).length;
  /** Why the marking engine would refuse an essay (over the limit, under the minimum), or "". */
  function essayProblem(q, r) {
    if (q.type === "scenario") return ((r && r.path) || []).map((s) => essayProblem(byId(q.steps, s).question, r.answers[s])).join("");
    const w = words(r);
    if (q.type !== "essay" || r == null) return "";
    return q.word_limit && w > q.word_limit ? `Your answer has ${w} words; the limit is ${q.word_limit}.` : w < q.min_words ? `Your answer has ${w} words; write at least ${q.min_words}.` : "";
  }
  const answered = (q, r) => r != null && (q.type === "scenario" ? currentStep(q, r) < 0 : typeof r === "object" ? Object.keys(r).length > 0 : String(r).trim() !== "");
  /** May this answer be committed? Says why not. */
  function ready(q, r) {
    const why = answered(q, r) ? essayProblem(q, r) : "Answer the question first.";
    if (why) say(why);
    return !why;
  }

  function question(moved, to) {
    stopClock();
    const mi = st.c, quiz = mods[mi].quiz, ms = mstate(mi), qz = quizOf(mi), n = qz.shown.length, i = (ms.q = Math.min(ms.q, n - 1));
    const q = qz.shown[i], orig = qz.orig[i], immediate = quiz.feedback === "immediate", locked = immediate && ms.k[i], last = i === n - 1;
    ms.w = "q";
    onScreen = { mi, i, t: Date.now() };
    const hd = h("h2", { id: id("h"), text: `Question ${i + 1} of ${n}` }), fb = h("div", { class: "feedback", tabindex: "-1" });
    const change = (r, soon) => {
      ms.a[i] = r;
      rt.saveAnswer(i, r, r && r.path ? r.path.slice() : null, orig);
      if (soon) saveSoon(); else save();
    };
    let body;
    if (q.type === "scenario") body = scenario(q, ms, i, immediate, change);
    else {
      body = renderQ(q, ms.a[i], locked, change, "q" + i);
      if (locked) fb.append(feedback(orig, ms.a[i]));
      else if (immediate) body.append(btn("Check answer", () => { if (ready(q, ms.a[i])) { ms.k[i] = true; save(); question(false, ".feedback"); } }));
    }
    show([h("p", { class: "crumb", text: quiz.title }), bar(i + 1, n), h("section", { class: "question", "aria-labelledby": hd.id }, [hd, body, fb]),
      h("nav", { class: "pager", "aria-label": "Questions" }, [i > 0 && btn("Previous", () => { ms.q = i - 1; question(true); }, "secondary"),
        !last && btn("Next", () => { ms.q = i + 1; question(true); }),
        last && h("p", { class: "count", text: `You have answered ${ms.a.filter((r, j) => answered(qz.shown[j], r)).length} of ${n} questions.` }),
        last && btn("Submit quiz", submit)])],
    to || (moved && hd), moved && hd.textContent);
    if (to === ".feedback") say(fb.textContent.slice(0, 200));
    save();
  }

  function feedback(q, r) {
    const mk = markOne(M, q, asMarked(q, r)), part = mk.score > 0, fb = (mk.feedback || []).filter((t) => String(t).trim());
    return h("div", { class: "mark " + (mk.pending ? "" : mk.correct ? "ok" : part ? "part" : "no") }, [
      h("p", { class: "verdict" }, [h("strong", { text: mk.pending ? "Awaiting a tutor's marking" : mk.correct ? "Correct" : part ? "Partly correct" : "Not correct" }),
        ` (${fmt(mk.score)} of ${fmt(mk.max)} mark${mk.max === 1 ? "" : "s"})`]),
      fb.length > 0 && h("div", { html: fb.map(md).join("") })]);
  }

  function scenario(q, ms, i, immediate, change) {
    const r = ms.a[i] || { path: [], answers: {} }, cur = currentStep(q, r), c = q.case || {}, n = r.path.length;
    const box = h("div", {}, [h("section", { class: "case", "aria-label": "The case" }, [h("h3", { text: "The case" }),
      h("dl", {}, [["Person", c.person], ["Setting", c.setting], ["Situation", c.situation]].flatMap(([t, v]) => [h("dt", { text: t }), h("dd", { html: md(v) })]))])]);
    r.path.forEach((sid, k) => {
      const s = byId(q.steps, sid).question;
      box.append(h("div", { class: "step done" + (k === n - 1 ? " last" : "") }, [h("h3", { text: "Step " + (k + 1) }), h("div", { html: stemHtml(s) }),
        h("p", { text: "Your answer: " + answerText(s, r.answers[sid]) }), immediate && feedback(s, r.answers[sid])]));
    });
    if (cur < 0) return box.append(h("p", { class: "end", text: "You have reached the end of this case." })), box;
    const s = q.steps[cur];
    box.append(h("div", { class: "step" }, [h("h3", { class: "step-h", text: "Step " + (n + 1) }),
      renderQ(s.question, r.answers[s.id], false, (a, soon) => { r.answers[s.id] = a; change(r, soon); }, `q${i}s${cur}`),
      btn(immediate ? "Check answer" : "Continue scenario", () => {
        if (!ready(s.question, r.answers[s.id])) return;
        r.path.push(s.id);
        const end = currentStep(q, r) < 0;
        ms.k[i] = end && immediate;
        change(r);
        question(false, immediate ? ".last .mark" : end ? ".end" : ".step-h");
      })]));
    return box;
  }

  /** One question's controls, calling change(response, soon) on each answer. */
  function renderQ(q, r, locked, change, name) {
    const stemId = id("q"), stem = h("div", { id: stemId, html: stemHtml(q) }), wrap = h("div", {}, [stem]), t = q.type;
    const group = (legend, kids) => wrap.append(h("fieldset", { "aria-describedby": stemId }, [h("legend", { text: legend })].concat(kids)));
    const opt = (type, value, text, checked, on) => {
      const iid = id("o");
      return h("div", { class: "opt" }, [h("input", { type, id: iid, name, value, checked, disabled: locked, onchange: on }), h("label", { for: iid, text })]);
    };
    const select = (attrs, options, value) => {
      const s = h("select", Object.assign({ disabled: locked }, attrs), [["", "Choose…"]].concat(options).map(([v, text]) => h("option", { value: v, text })));
      s.value = value || "";
      return s;
    };
    const input = (attrs, value, set) => {
      const el = h(attrs.rows ? "textarea" : "input", Object.assign({ disabled: locked, autocomplete: "off" }, attrs));
      el.value = value == null ? "" : value;
      el.oninput = () => set(el.value, true);
      el.onchange = () => set(el.value);
      return el;
    };
    let cur = r || {};
    const put = (k, v, soon) => { cur = Object.assign({}, cur, { [k]: v }); if (v === "") delete cur[k]; change(cur, soon); };
    if (t === "single_choice" || t === "true_false") {
      const tf = t === "true_false";
      group("Choose one answer", (tf ? [{ id: "true", text: "True" }, { id: "false", text: "False" }] : q.options)
        .map((o) => opt("radio", o.id, o.text, String(r) === o.id, () => change(tf ? o.id === "true" : o.id))));
    } else if (t === "multiple_response") {
      group("Choose all answers that apply", q.options.map((o) => opt("checkbox", o.id, o.text, (r || []).includes(o.id),
        () => change(q.options.filter((x) => wrap.querySelector(`[value="${x.id}"]`).checked).map((x) => x.id)))));
    } else if (t === "matching") {
      group("Match each item to an answer", q.premises.map((p) => {
        const sid = id("m"), s = select({ id: sid }, q.responses.map((x) => [x.id, x.text]), cur[p.id]);
        s.onchange = () => put(p.id, s.value);
        return h("div", { class: "row" }, [h("label", { for: sid, text: p.text }), s]);
      }));
    } else if (t === "ordering") {
      const order = r ? r.slice() : q.items.map((x) => x.id), ol = h("ol", { class: "order", "aria-describedby": stemId }), text = (x) => byId(q.items, x).text;
      const draw = (moved, dir) => {
        ol.textContent = "";
        order.forEach((item, k) => {
          const tx = text(item), li = h("li", {}, [h("span", { class: "txt", text: tx })]);
          ol.append(li);
          if (locked) return;
          const b = [btn("Move up", () => move(k, -1), "small", "Move up: " + tx), btn("Move down", () => move(k, 1), "small", "Move down: " + tx)];
          b[0].disabled = !k; b[1].disabled = k === order.length - 1;
          li.append(h("span", {}, b));
          if (moved === item) { const [x, y] = dir < 0 ? b : [b[1], b[0]]; (x.disabled ? y : x).focus(); } // focus follows the item
        });
      };
      const move = (k, d) => {
        const it = order[k];
        order[k] = order[k + d]; order[k + d] = it;
        draw(it, d); change(order.slice());
        say(`${text(it)} moved to position ${k + d + 1} of ${order.length}`);
      };
      draw();
      wrap.append(h("p", { class: "hint", text: "Put the items in order using the Move up and Move down buttons." }), ol);
    } else if (t === "short_answer") {
      q.gaps.forEach((g, k) => {
        const label = "Gap " + (k + 1), place = stem.querySelector(`[data-gap="${g.id}"]`), set = (v, soon) => put(g.id, v, soon);
        const ctl = g.options ? select({ "aria-label": label, class: "gap", onchange: (e) => set(e.target.value) }, g.options.map((o) => [o, o]), cur[g.id])
          : input({ type: "text", class: "gap", "aria-label": label, spellcheck: "false", size: "14" }, cur[g.id], set);
        if (place) place.replaceWith(ctl); else wrap.append(ctl);
      });
    } else if (t === "numeric") {
      const nid = id("n"), uid2 = id("u");
      wrap.append(h("div", { class: "row" }, [h("label", { for: nid, text: "Your answer" }),
        input({ type: "text", inputmode: "decimal", id: nid, "aria-describedby": q.unit && uid2 }, r, (v, soon) => change(v.trim() || null, soon)),
        q.unit && h("span", { id: uid2, text: q.unit })]));
    } else if (t === "essay") {
      const eid = id("e"), cid = id("c"), cnt = h("p", { id: cid, class: "count" }), lim = q.word_limit;
      let quiet = null;
      const count = (v) => {
        const w = words(v);
        cnt.textContent = w + (w === 1 ? " word" : " words") + (lim ? ` of ${lim}` + (w > lim ? `: ${w - lim} over the limit` : "") : "") + (q.min_words ? ` (at least ${q.min_words})` : "");
        cnt.className = "count" + (lim && w > lim ? " over" : "");
      };
      wrap.append(h("label", { for: eid, text: "Your answer" }), input({ id: eid, rows: "8", "aria-describedby": cid }, r, (v, soon) => {
        count(v); change(v || null, soon);
        win.clearTimeout(quiet); quiet = win.setTimeout(() => say(cnt.textContent), 1200);
      }), cnt);
      count(r);
    }
    return wrap;
  }

  function answerText(q, r) {
    const t = (list, v) => (byId(list, v) || { text: v }).text, L = q[LIST[q.type]];
    if (r == null) return "Not answered";
    switch (q.type) {
      case "single_choice": return t(L, r);
      case "multiple_response": case "ordering": return r.map((v, k) => (q.type === "ordering" ? k + 1 + ". " : "") + t(L, v)).join("; ") || "None chosen";
      case "true_false": return r ? "True" : "False";
      case "matching": return q.premises.map((p) => p.text + ": " + (r[p.id] ? t(L, r[p.id]) : "no answer")).join("; ");
      case "short_answer": return q.gaps.map((g, k) => `Gap ${k + 1}: ${r[g.id] || "no answer"}`).join("; ");
      default: return r + (q.unit ? " " + q.unit : "");
    }
  }

  /* ---- submit, results, review ---- */
  const server = {};
  function submit() {
    const mi = st.c, ms = mstate(mi), qz = quizOf(mi), quiz = mods[mi].quiz, thr = quiz.criterion_threshold ?? quiz.pass_mark;
    const bad = qz.orig.findIndex((q, e) => essayProblem(q, ms.a[e]));
    if (bad >= 0) {
      ms.q = bad; question(true);
      const p = h("p", { class: "mark no", text: "Before you submit: " + essayProblem(qz.orig[bad], ms.a[bad]) });
      main.querySelector(".question").append(p);
      return focus(p);
    }
    stopClock();
    qz.shown.forEach((q, i) => { if (q.type === "ordering" && ms.a[i] == null) ms.a[i] = q.items.map((x) => x.id); }); // the order shown is an answer
    const res = results(M, quiz, qz.orig, ms.a), when = Date.now(), keep = (f, passed) => { ms.r = [Math.round(f * 10000) / 100, passed ? 1 : 0]; };
    ms.z = true; ms.w = "r"; keep(res.fraction, res.passed);
    qz.orig.forEach((q, i) => interactions(q, ms.a[i], res.marks[i], M, ms.l[i] || 0, when).forEach((ix) => rt.recordInteraction(ix)));
    res.criteria.forEach((c) => rt.recordObjective({ id: c.ref, score_raw: c.score, score_max: c.max, success: c.fraction + 1e-9 >= thr, completion: "completed" }));
    rt.report(summary()); save();
    main.querySelectorAll("nav button").forEach((b) => { b.disabled = true; });
    say("Submitting your answers…");
    rt.submit(qz.orig.map((q, i) => asMarked(q, ms.a[i]))).then((mark) => {
      if (mark) { // the server's mark is the one that counts
        server[mi] = mark;
        keep(mark.fraction ?? (mark.max ? mark.score / mark.max : res.fraction), mark.passed ?? res.passed);
        save();
      }
    }, () => tell("Your answers are saved, but the server has not confirmed your mark yet: the mark below is provisional."))
      .then(() => resultsView(true));
  }

  function critText(ref) {
    const [fw, code] = ref.split("/");
    for (const f of course.frameworks || []) if (f.code === fw) for (const o of f.outcomes) for (const c of o.criteria) if (c.code === code) return c.text;
  }

  function resultsView(moved) {
    stopClock();
    const mi = st.c, ms = mstate(mi), quiz = mods[mi].quiz, res = results(M, quiz, quizOf(mi).orig, ms.a), srv = server[mi] || {}, thr = quiz.criterion_threshold;
    ms.w = "r";
    const [percent, passed] = ms.r, hd = h("h2", { text: "Results" }), cell = (tag, text, scope) => h(tag, { text, scope });
    const crits = srv.criteria ? srv.criteria.map((c) => ({ ref: c.ref, fraction: c.fraction ?? c.score / c.max, met: c.passed ?? c.met })) : res.criteria;
    const score = srv.score != null ? srv : res;
    show([h("p", { class: "crumb", text: quiz.title }), hd,
      h("p", { class: "score" }, ["Your score: ", h("strong", { text: `${fmt(score.score)} of ${fmt(score.max)} (${fmt(percent)}%)` })]),
      h("p", { class: "verdict " + (passed ? "ok" : "no") }, [h("strong", { text: passed ? "Passed" : "Not passed" }),
        ` — the pass mark is ${pct(quiz.pass_mark)}` + (thr != null ? ` and at least ${pct(thr)} on each criterion.` : ".")]),
      res.pending > 0 && h("p", { text: res.pending + (res.pending === 1 ? " answer awaits" : " answers await") + " a tutor's marking." }),
      srv.score != null && h("p", { text: "This is the mark recorded by the server." }),
      crits.length > 0 && h("table", { class: "criteria" }, [h("caption", { text: "Results by criterion" }),
        h("thead", {}, [h("tr", {}, ["Criterion", "Score", "Result"].map((t) => cell("th", t, "col")))]),
        h("tbody", {}, crits.map((c) => h("tr", {}, [h("th", { scope: "row" }, [c.ref, critText(c.ref) && h("span", { class: "ctext", text: critText(c.ref) })]),
          cell("td", pct(c.fraction)), cell("td", c.met ? "Met" : "Not yet met")])))]),
      h("div", { class: "pager" }, [btn("Review answers", review), toMenu()])], moved && hd, moved && `Results: ${passed ? "passed" : "not passed"}, ${fmt(percent)}%`);
    save();
  }

  function review() {
    const ms = mstate(st.c), qz = quizOf(st.c), hd = h("h2", { text: "Review answers" });
    ms.w = "v";
    const part = (tag, title, q, r) => [h(tag, { text: title }), h("div", { html: stemHtml(q).replace(/<span data-gap="[^"]*"><\/span>/g, "____") }),
      h("p", { text: "Your answer: " + answerText(q, r) }), feedback(q, r)];
    show([hd, h("ol", { class: "review" }, qz.shown.map((q, i) => {
      const r = ms.a[i], c = q.case || {}, title = `Question ${i + 1}`;
      return h("li", {}, q.type !== "scenario" ? part("h3", title, q, r) : [h("h3", { text: title }), h("div", { class: "case", html: md(c.person) + md(c.setting) + md(c.situation) })]
        .concat(...((r && r.path) || []).map((sid, k) => part("h4", "Step " + (k + 1), byId(q.steps, sid).question, r.answers[sid])), h("p", { text: "The whole case:" }), feedback(qz.orig[i], r)));
    })), h("div", { class: "pager" }, [btn("Back to results", () => resultsView(true), "secondary"), toMenu()])], hd, hd.textContent);
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
  try {
    if (!root.CC_COURSE) throw new Error("The course content (course-data.js) is missing.");
    boot(root);
  } catch (e) {
    root.document.getElementById("main").innerHTML = "<h2>Sorry, this course could not start</h2><p>" + esc(e.message) + "</p>";
    throw e;
  }
}
})(typeof window !== "undefined" ? window : this);
