/* carecourse player (README.md): renders CC_COURSE, marks with CCMarking (in the app the server marks), reports via CCRuntime. */
(function (root) {
"use strict";
const B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const idx = (list, id) => list.findIndex(x => x.id === id);
const byId = (list, id) => list[idx(list, id)];
const LIST = {single_choice: "options", multiple_response: "options", ordering: "items", matching: "responses"};
const copy = (o, more) => Object.assign({}, o, more);

/** A response as a compact code (README.md). */
function encodeAnswer(q, r) {
	if (r == null) return null;
	const c = id => B36[idx(q[LIST[q.type]], id)];
	switch (q.type) {
		case "single_choice": return c(r);
		case "multiple_response": return r.map(c).sort().join("");
		case "ordering": return r.map(c).join("");
		case "matching": return q.premises.map(p => (r[p.id] == null ? "-" : c(r[p.id]))).join("");
		case "true_false": return r ? "t" : "f";
		case "short_answer": return q.gaps.map(g => (r[g.id] == null ? "" : String(r[g.id])));
		case "scenario": {
			const out = [r.path.map(s => B36[idx(q.steps, s)]).join("")].concat(q.steps.map(s => encodeAnswer(s.question, r.answers[s.id])));
			while (out[out.length - 1] == null) out.pop();
			return out;
		}
		default: return String(r); // numeric, essay
	}
}

function decodeAnswer(q, c) {
	if (c == null) return null;
	const d = x => q[LIST[q.type]][B36.indexOf(x)].id, o = {};
	switch (q.type) {
		case "single_choice": return d(c);
		case "multiple_response": case "ordering": return [...c].map(d);
		case "matching": q.premises.forEach((p, i) => { if (c[i] && c[i] !== "-") o[p.id] = d(c[i]); }); return o;
		case "true_false": return c === "t";
		case "short_answer": q.gaps.forEach((g, i) => { if (c[i]) o[g.id] = c[i]; }); return o;
		case "scenario":
			q.steps.forEach((s, i) => { if (c[i + 1] != null) o[s.id] = decodeAnswer(s.question, c[i + 1]); });
			return {path: [...c[0]].map(x => q.steps[B36.indexOf(x)].id), answers: o};
		default: return c;
	}
}

/** A module's state packed for suspend_data (README.md). */
function packModule(ms, questions) {
	const o = {w: ms.w || "p"}, trim = a => { while (a.length && !a[a.length - 1]) a.pop(); return a; };
	if (ms.p) o.p = ms.p;
	if (ms.s != null) {
		o.s = ms.s; o.q = ms.q || 0;
		o.a = trim(questions.map((q, i) => encodeAnswer(q, ms.a[i])));
		const k = questions.map((q, i) => (ms.k[i] ? 1 : 0)).join("").replace(/0+$/, "");
		if (k) o.k = k;
		o.l = trim(questions.map((q, i) => Math.round((ms.l[i] || 0) / 1000)));
		const e = trim(questions.map((q, i) => ms.e && ms.e[i]));
		if (e.length) o.e = e.map(x => x || 0);
	}
	if (ms.t && !ms.z) o.t = ms.t;
	if (ms.z) o.z = 1;
	if (ms.r) o.r = ms.r;
	if (ms.h && ms.h.length) o.h = ms.h;
	if (ms.d) o.d = 1;
	return o;
}

function unpackModule(o, questions) {
	const a = o.a || [], l = o.l || [], k = o.k || "", e = o.e || [];
	return {w: o.w || "p", p: o.p || 0, s: o.s ?? null, q: o.q || 0, t: o.t || null, z: !!o.z, r: o.r || null, d: !!o.d, h: o.h || [], m: {},
		a: questions.map((q, i) => decodeAnswer(q, a[i])), k: questions.map((q, i) => k[i] === "1"), l: questions.map((q, i) => (l[i] || 0) * 1000),
		e: questions.map((q, i) => e[i] ?? null)};
}

const measureState = packed => JSON.stringify(packed).length;

/** Fit packed in limit (README.md: what goes first). */
function fitState(packed, limit) {
	if (measureState(packed) <= limit) return packed;
	const s = JSON.parse(JSON.stringify(packed)), texts = [], len = t => t[0][t[1]].length, o = (s.o || []).map(String);
	const add = arr => arr.forEach((c, i) => (Array.isArray(c) ? add(c) : c && c.length > 40 && texts.push([arr, i])));
	const strip = m => { delete m.a; delete m.k; delete m.l; delete m.e; };
	const others = Object.keys(s.m).filter(k => k !== String(s.c)).sort((x, y) => o.indexOf(x) - o.indexOf(y));
	others.forEach(k => { if (s.m[k].z) { strip(s.m[k]); s.m[k].w = "r"; } });
	for (const k of others) if (measureState(s) > limit) strip(s.m[k]);
	for (const k in s.m) add(s.m[k].a || []);
	while (measureState(s) > limit && texts.length) {
		texts.sort((x, y) => len(y) - len(x));
		const [arr, i] = texts[0];
		arr[i] = arr[i].slice(0, Math.max(40, arr[i].length >> 1));
		if (arr[i].length <= 40) texts.shift();
	}
	return s;
}

/** Index of the step after step i given its answer; -1 at the end. */
function nextStep(sc, i, answer) {
	const st = sc.steps[i], t = st.question.type;
	let to = answer != null && (t === "single_choice" || t === "true_false") ? (st.branches || {})[String(answer)] : null;
	if (to == null) to = st.next ?? (sc.steps[i + 1] || {id: "end"}).id;
	return to === "end" ? -1 : idx(sc.steps, to);
}

/** The step the learner is on (-1: the case has ended). */
function currentStep(sc, r) {
	const last = r && r.path[r.path.length - 1];
	return last == null ? 0 : nextStep(sc, idx(sc.steps, last), r.answers[last]);
}

/** A scenario response as marked: the path run on to the end. */
function committed(r, sc) {
	if (!r) return r;
	const answers = {}, path = r.path.slice();
	path.forEach(s => { if (r.answers[s] != null) answers[s] = r.answers[s]; });
	for (let k = currentStep(sc, r); k >= 0 && path.length <= sc.steps.length; k = nextStep(sc, k, null)) path.push(sc.steps[k].id);
	return {path, answers};
}
const asMarked = (q, r) => (q.type === "scenario" ? committed(r, q) : r);

function markOne(M, q, r) {
	const none = fb => ({score: 0, max: q.points || 1, correct: false, feedback: fb});
	if (r == null) return none([]);
	try { return M.mark(q, r); } catch (e) { return none([e.message]); }
}

/** Score, pass, per-criterion results; essays count nowhere. */
function results(M, quiz, questions, responses) {
	const marks = questions.map((q, i) => markOne(M, q, asMarked(q, responses[i]))), crit = {}, thr = quiz.criterion_threshold ?? quiz.pass_mark;
	let score = 0, max = 0, pending = 0;
	marks.forEach((m, i) => {
		if (m.pending) return pending++;
		if (questions[i].type === "essay") return;
		score += m.score; max += m.max;
		for (const ref of questions[i].criteria || []) {
			const c = crit[ref] || (crit[ref] = {ref, score: 0, max: 0});
			c.score += m.score; c.max += m.max;
		}
	});
	const criteria = Object.values(crit);
	criteria.forEach(c => { c.fraction = c.max ? c.score / c.max : 0; c.met = c.fraction + 1e-9 >= thr; });
	const fraction = max ? score / max : 0;
	return {score: Math.round(score * 1e6) / 1e6, max, fraction, criteria, marks, pending, passed: fraction + 1e-9 >= quiz.pass_mark && (quiz.criterion_threshold == null || criteria.every(c => c.met))};
}

/** The host's answers (by quiz index) over ms.a: the server's copy wins. */
function overlay(ms, responses, questions) {
	responses.forEach((r, i) => { try { if (r != null) ms.a[i] = decodeAnswer(questions[i], encodeAnswer(questions[i], r)) ?? ms.a[i]; } catch (e) { /* unreadable */ } });
	return ms;
}

const best = list => list.reduce((b, a) => (!b || (a.credit ?? 1) > (b.credit ?? 1) ? a : b), null);

/** [type, correct, learner response] for the runtime (README.md). */
function interactionOf(q, r) {
	const L = q[LIST[q.type]], key = (id, list = L) => ({id, n: idx(list, id)}), keys = ids => ids.map(id => key(id));
	const pairs = get => q.premises.filter(p => get(p) != null).map(p => [key(p.id, q.premises), key(get(p))]);
	switch (q.type) {
		case "single_choice": case "multiple_response": return ["choice", keys(L.filter(o => o.correct).map(o => o.id)), keys([].concat(r))];
		case "true_false": return ["true-false", !!q.answer, !!r];
		case "matching": return ["matching", pairs(p => p.match), pairs(p => r[p.id])];
		case "ordering": return ["sequencing", keys(L.map(x => x.id)), keys(r)];
		case "short_answer": return ["fill-in", q.gaps.map(g => best(g.answers).text), q.gaps.map(g => String(r[g.id] || ""))];
		case "numeric": {
			const b = best(q.answers), v = +b.value, t = +(b.tolerance || 0);
			return ["numeric", {min: v - t, max: v + t, value: v}, String(r)];
		}
		default: return ["long-fill-in", null, String(r)];
	}
}

/** The best answer as a response the controls show (none for an essay or a scenario); course/learning/display.py: key_response. */
function keyOf(q) {
	const L = q[LIST[q.type]], o = {};
	switch (q.type) {
		case "single_choice": return L.find(x => x.correct).id;
		case "multiple_response": return L.filter(x => x.correct).map(x => x.id);
		case "true_false": return !!q.answer;
		case "matching": q.premises.forEach(p => { if (p.match != null) o[p.id] = p.match; }); return o;
		case "ordering": return L.map(x => x.id);
		case "short_answer": q.gaps.forEach(g => { o[g.id] = best(g.answers).text; }); return o;
		case "numeric": return String(best(q.answers).value);
		default: return null;
	}
}

/** An answered question's interactions (a scenario: one per step taken); ids name the question, step and version, the
 *  objectives the criteria (README.md). */
function interactions(q, r, mark, M, latencyMs, when) {
	if (r == null) return [];
	const crits = q.criteria || [], steps = q.type === "scenario" ? r.path : [null];
	return steps.map(sid => {
		const qq = sid ? byId(q.steps, sid).question : q, rr = sid ? r.answers[sid] : r, m = sid ? markOne(M, qq, rr) : mark;
		const [type, correct, learner] = interactionOf(qq, rr);
		return {id: q.id + (sid ? "." + sid : "") + ".v" + (q.version || 1), type, learner_response: learner,
			correct_responses: correct == null ? [] : [correct], result: m.pending || m.correct == null || qq.type === "essay" ? "neutral" : m.correct ? "correct" : "incorrect",
			weighting: qq.points || 1, latency_ms: Math.round(latencyMs / steps.length), objectives: (qq.criteria || crits).slice(), timestamp: when};
	});
}

const esc = s => String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const GAP = /\{\{([\w.-]+)\}\}/g, SPAN = '<span data-gap="$1"></span>';
const inline = s => esc(s).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|[^\w*])[*_]([^*_]+)[*_](?![\w*])/g, "$1<em>$2</em>").replace(GAP, SPAN);
/** Markdown subset: paragraphs, bold, italic. */
const md = text => String(text || "").split(/\r?\n\s*\n/).filter(b => b.trim()).map(b => "<p>" + b.trim().split("\n").map(inline).join("<br>") + "</p>").join("");
const stemHtml = q => q.stem_html || (q.stem_format === "html" ? String(q.stem).replace(GAP, SPAN) : md(q.stem));

/** Seconds left at now (ms) of a quiz started at t (s); null: no limit. */
const secondsLeft = (quiz, t, now) => (quiz && quiz.time_limit_minutes && t ? Math.max(0, t + quiz.time_limit_minutes * 60 - Math.floor(now / 1000)) : null);
const plural = (n, unit) => n + " " + unit + (n === 1 ? "" : "s");
const timeText = left => "Time left: " + (left >= 60 ? plural(Math.ceil(left / 60), "minute") : plural(left, "second"));
/** What to say going from before to left seconds (5 and 1 minute). */
const timeAlert = (before, left) => { const at = [300, 60].find(x => before > x && left <= x); return at ? plural(at / 60, "minute") + " left" : null; };

/** A module's grade over its submitted attempts h ([percent, passed, {ref: percent} for "average"]) by the quiz's
 *  grading method, as the server grades: {pct, passed, at (the attempt chosen; -1 for average), crit}. */
function graded(quiz, h) {
	if (!h || !h.length) return null;
	const g = quiz.grading || "highest", thr = (quiz.criterion_threshold ?? quiz.pass_mark) * 100;
	if (g === "average") {
		const crit = {}, n = {}, pct = h.reduce((s, x) => s + x[0], 0) / h.length;
		h.forEach(x => { for (const ref in x[2] || {}) { crit[ref] = (crit[ref] || 0) + x[2][ref]; n[ref] = (n[ref] || 0) + 1; } });
		for (const ref in crit) crit[ref] /= n[ref];
		return {pct, at: -1, crit, passed: pct + 1e-9 >= quiz.pass_mark * 100 && (quiz.criterion_threshold == null || Object.values(crit).every(c => c + 1e-9 >= thr))};
	}
	let at = g === "last" ? h.length - 1 : 0;
	if (g === "highest") h.forEach((x, i) => { if (x[0] > h[at][0] || (x[0] === h[at][0] && x[1] && !h[at][1])) at = i; });
	return {pct: h[at][0], passed: !!h[at][1], at};
}

/** Where a module stands: s = none, progress, passed, retake (not passed, attempts left), failed (none left), done (read, no quiz). */
function standing(mod, ms) {
	if (!ms) return {s: "none"};
	if (!mod.quiz) return {s: ms.d ? "done" : "progress"};
	const g = graded(mod.quiz, ms.h);
	if (!g) return {s: "progress"};
	const left = !mod.quiz.attempts || ms.h.length < mod.quiz.attempts;
	return {s: g.passed ? "passed" : left ? "retake" : "failed", pct: g.pct};
}

/** What a SCO reports (README.md, "What the LMS records"): one module, or the whole course for one SCO, where every
 *  quiz counts (a module not taken scores 0) and it passes only when every module has passed or been read. */
function outcome(mods, st, single) {
	const list = single >= 0 ? [single] : mods.map((m, i) => i), res = list.map(i => standing(mods[i], st.m[i]));
	const quizzes = list.filter(i => mods[i].quiz), met = res.every(r => r.s === "passed" || r.s === "done");
	const over = met || res.every(r => r.s === "passed" || r.s === "done" || r.s === "failed"), scored = res.some(r => r.pct != null);
	const raw = res.reduce((t, r) => t + (r.pct || 0), 0);
	return {score_raw: scored ? raw : null, score_max: scored ? quizzes.length * 100 : null, completion: met ? "completed" : "incomplete",
		success: !quizzes.length ? null : met ? true : over || (single >= 0 && res[0].s === "retake") ? false : null, final: over, exit: "suspend"}; // always: an LMS gives a SCO its saved data back only after a suspend (Moodle's 2004 player)
}

/** Whether a mark's feedback texts show after `tries` submitted attempts, by the quiz's option_feedback (README.md): "after_final_attempt"
 *  once none is left (never with unlimited attempts). In the app the server leaves out what is not to show. */
const textsShown = (quiz, tries) => { const p = quiz.option_feedback || "always"; return p === "always" || (p === "after_final_attempt" && quiz.attempts > 0 && tries >= quiz.attempts); };

/** What a summative quiz's intro says first, e.g. "3 attempts; feedback after you submit." ("" for a formative quiz). */
function modeText(quiz) {
	if (quiz.mode !== "summative") return "";
	const later = quiz.option_feedback === "after_final_attempt" && quiz.attempts > 0;
	return `${quiz.attempts ? plural(quiz.attempts, "attempt") : "Unlimited attempts"}; feedback ${quiz.feedback === "immediate" ? "as you answer" : "after you submit"}.` +
		(later ? " The explanations of each answer show after your final attempt." : textsShown(quiz, Infinity) ? "" : " You will see your marks, not the explanations of each answer.");
}

const arrived = {}, arrivedQuiz = {}; // module files and quiz files loaded, by slug (README.md: "Launch data")
const CCPlayer = {addModule: data => { arrived[data.module.slug] = data; }, addQuestions: data => { arrivedQuiz[data.module] = data; }, graded, standing, outcome, secondsLeft, timeText, timeAlert, encodeAnswer, decodeAnswer, overlay, packModule, unpackModule, measureState, fitState, nextStep, currentStep, results, interactions, textsShown, modeText, keyOf};

function boot(win) {
	const doc = win.document, course = win.CC_COURSE, launch = win.CC_LAUNCH || {}, M = win.CCMarking, info = course.course || {};
	const mods = course.modules, byKey = {}, pool = {}, t0 = Date.now(), $ = id => doc.getElementById(id), main = $("main"), notice = $("cc-notice");
	const keep = qs => qs.forEach(q => { byKey[q.id + "@" + q.version] = q; }), texts = Object.assign({}, course.criteria);
	keep(course.questions || []);
	// A package's outline names each module's file (loaded when it opens); the app sends whole modules.
	const here = mi => !mods[mi].file, bank = mi => pool[mi] || course.questions;
	const single = mods.findIndex(m => m.slug === launch.module);
	let uid = 0, finished = false;
	doc.title = $("cc-title").textContent = single >= 0 ? mods[single].title : info.title;
	if (info.language) doc.documentElement.lang = info.language;

	function h(tag, props, ...kids) {
		const el = doc.createElement(tag);
		for (const k in props) {
			const v = props[k];
			if (v == null || v === false) continue;
			if (k === "text") el.textContent = v;
			else if (k === "html") el.innerHTML = v;
			else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
			else el.setAttribute(k, v === true ? "" : v);
		}
		kids.flat(9).forEach(c => c != null && c !== false && el.append(c));
		return el;
	}
	const T = (tag, text, cls) => h(tag, {text, class: cls}), P = (text, cls) => T("p", text, cls), D = (cls, ...k) => h("div", {class: cls}, k);
	const id = p => "cc-" + p + ++uid;
	const btn = (text, onclick, cls, label) => h("button", {type: "button", class: "btn " + (cls || ""), onclick, "aria-label": label}, text);
	const say = msg => { const l = $("cc-live"); l.textContent = ""; win.setTimeout(() => { l.textContent = msg; }, 60); };
	// Focus never scrolls the page around the player (an LMS frame): only the player's own window scrolls.
	const focus = el => {
		el.tabIndex = -1; el.focus({preventScroll: true});
		const r = el.getBoundingClientRect();
		if (r.top < 0 || r.bottom > win.innerHeight) win.scrollTo(0, Math.max(0, win.scrollY + r.top - 16));
	};
	const tell = text => { notice.hidden = false; notice.textContent = text; };
	const PENDING_APP = "Awaiting your tutor's marking";
	// Marks to one decimal, percentages whole, everywhere: "6.2 of 15 (41%)".
	const fmt = x => String(Math.round(x * 10) / 10), pct = x => Math.round(x * 100) + "%", pc = x => Math.round(x) + "%";

	let rt, started;
	try {
		rt = win.CCRuntime.create(launch.adapter || "preview", {launch, tell, key: `carecourse${launch.adapter === "preview" ? "-preview" : ""}:${info.slug}:${launch.module}`});
		started = rt.start();
	} catch (e) {
		tell(e.code === "SECOND" ? e.message : /^NO_/.test(e.code) ? `This course could not connect to your learning system (LMS), so your progress will not be recorded. Close it and open it again from the LMS. (${e.message})`
			: e.message);
		rt = win.CCRuntime.create("none"); started = rt.start();
	}
	const app = !!rt.server, reviewing = started.mode !== "normal", PENDING = app ? PENDING_APP : "Recorded, not marked here";
	if (reviewing) tell("You are reviewing this course: what you do now is not recorded.");

	let st = {c: single, m: {}, o: []}, cache = {}, ms = null; // o: visit order
	const server = {}; // the server's marks by module (app)
	const reorder = (q, order) => (order ? copy(q, {[LIST[q.type]]: order.map(o => byId(q[LIST[q.type]], o))}) : q);
	function quizOf(mi) { // the app plays the items the server stored; a package replays its draw from the seed
		const s = st.m[mi].s;
		if (!cache[mi] || cache[mi].s !== s) {
			const list = app ? started.items : M.assembleQuiz(mods[mi].quiz, bank(mi), s), orig = list.map(e => byKey[e.question + "@" + e.version]);
			cache[mi] = {s, orig, shown: list.map(({order, step_orders: so}, i) => {
				const q = reorder(orig[i], order);
				return so ? copy(q, {steps: q.steps.map(x => (so[x.id] ? copy(x, {question: reorder(x.question, so[x.id])}) : x))}) : q;
			})};
		}
		return cache[mi];
	}
	// A module whose file has not loaded keeps its saved state packed (written back as it is) with what the menu and
	// the course's result read; it is unpacked when the module opens.
	function unpack(k, o) {
		if (!mods[k] || !here(k)) { st.m[k] = {packed: o, h: o.h || [], d: !!o.d, z: !!o.z, r: o.r || null, s: o.s ?? null}; return; }
		st.m[k] = {s: o.s}; st.m[k] = unpackModule(o, origOf(k, o.s));
	}
	const mstate = mi => st.m[mi] || (st.m[mi] = {w: "p", p: 0, s: null, q: 0, a: [], k: [], l: [], e: [], h: [], m: {}});
	const origOf = (k, s) => (s != null && (M || app) ? quizOf(+k).orig : []);
	function pack() {
		const o = {v: 1, c: st.c, m: {}};
		if (st.o.length > 1) o.o = st.o.slice();
		for (const k in st.m) o.m[k] = st.m[k].packed || packModule(st.m[k], origOf(k, st.m[k].s));
		return fitState(o, rt.limit);
	}
	let booting = true, timer = null; // no writes before the first view
	const where = () => (ms ? st.c + ":" + ms.w + ({p: ms.p, q: ms.q}[ms.w] ?? "") : "menu");
	/** when: "now" commits (a milestone), "hold" only sets (finish stores it), else routine (README.md: commits). */
	const save = when => { if (!finished && !booting) rt.saveState(pack(), where(), typeof when === "string" ? when : ""); };
	const saveSoon = () => { win.clearTimeout(timer); timer = win.setTimeout(save, 1500); };
	const saved = started.state;
	if (saved && saved.v === 1) {
		try {
			st.c = saved.c; st.o = saved.o || [];
			for (const k in saved.m) unpack(k, saved.m[k]);
		} catch (e) { st = {c: single, m: {}, o: []}; cache = {}; tell("Your saved progress could not be restored."); }
	}
	const sr = started.responses || [], qm = mods[single];
	if (app && qm && qm.quiz && started.items) { // the server's record wins: answers saved one by one, answers checked, its mark
		const m = mstate(single), res = started.result, checked = started.checked || {};
		if (m.s == null && (sr.some(r => r != null) || res)) Object.assign(m, {s: started.seed, w: "q"});
		const orig = quizOf(single).orig;
		overlay(m, sr, orig);
		m.m = checked;
		orig.forEach((q, i) => { m.k[i] = !!checked[i] && (q.type !== "scenario" || !checked[i].next); });
		if (res && res.status !== "in_progress") {
			server[single] = res; m.z = true;
			m.r = [Math.round((res.fraction ?? 0) * 10000) / 100, res.passed ? 1 : 0].concat(res.passed == null && res.pending ? [1] : []);
		}
	}

	let onScreen = null, before = null;
	// Time limit: wall clock from ms.t, kept in the state
	const clock = h("p", {class: "timer", id: "cc-timer"});
	function tick() {
		const left = ms && ms.s != null && !ms.z ? secondsLeft(mods[st.c].quiz, ms.t, Date.now()) : null, msg = left != null && before != null && timeAlert(before, left);
		clock.hidden = left == null;
		before = left;
		if (left == null || finished) return;
		clock.textContent = timeText(left);
		if (msg) say(msg);
		if (!left) { tell("Time is up: your quiz has been submitted with the answers you gave."); submit(true); }
	}
	win.setInterval(tick, 1000);
	function stopClock() {
		if (onScreen) { const l = st.m[onScreen.mi].l; l[onScreen.i] = (l[onScreen.i] || 0) + Date.now() - onScreen.t; onScreen = null; }
	}
	/** Show view w, focus `to`, announce msg, save (when: see save). */
	function show(w, nodes, to, msg, when) {
		stopClock();
		if (ms) ms.w = w;
		main.textContent = "";
		main.append(...nodes.filter(Boolean));
		win.scrollTo(0, 0);
		const el = typeof to === "string" ? main.querySelector(to) : to;
		if (el) focus(el);
		if (msg) say(msg);
		save(when);
	}

	const summary = () => Object.assign(outcome(mods, st, single), {session_ms: Date.now() - t0});
	function leave() {
		if (finished) return;
		stopClock(); booting = false; save("hold"); rt.finish(summary()); finished = true;
	}
	["pagehide", "beforeunload", "unload"].forEach(e => win.addEventListener(e, leave));
	doc.addEventListener("visibilitychange", () => doc.visibilityState === "hidden" && save("now"));
	const leftMsg = text => { main.replaceChildren(P(text)); focus(main); };
	$("cc-exit").onclick = e => {
		leave(); e.target.disabled = true;
		if (launch.app && launch.app.exit_url) return void (win.location.href = launch.app.exit_url);
		let top = win, popup = false;
		try { top = win.top; popup = top !== win ? !!top.opener : !!win.opener; if (popup) top.close(); } catch (x) { /* another site's frame */ }
		// In an LMS's frame there is no window to close: its own Exit or Back link leaves.
		win.setTimeout(() => leftMsg(top === win || popup ? "Your progress is saved. You can close this window."
			: "Your progress is saved. Use your learning system's own Exit or Back link to leave."), 300);
	};
	const after = single >= 0 && (launch.app ? launch.app.next : mods[single + 1]);
	const nextBtn = () => after && btn("Next module", () => {
		const go = rt.next(), own = `Your progress is saved. Close this module, then open “${after.title}” from your course page.`;
		leave();
		// The LMS opens the next module now; one that cannot (or does not within a few seconds) leaves it to the learner.
		if (!go) return leftMsg(own);
		leftMsg(`Opening “${after.title}”…`);
		win.setTimeout(() => leftMsg(own), 4000);
	}, "", "Next module: " + after.title);

	const label = {none: "Not started", progress: "In progress", done: "Finished", passed: "Passed", retake: "Not passed yet", failed: "Not passed"};
	function menu(moved) {
		st.c = -1; ms = null;
		const hd = T("h2", "Modules"), open = i => !/passed|failed|done/.test(standing(mods[i], st.m[i]).s);
		const go = st.o.slice().reverse().concat(mods.map((m, i) => i)).find(open);
		show(0, [info.description && h("div", {html: md(info.description)}),
			go != null && btn((st.o.length ? "Continue: " : "Start: ") + mods[go].title, () => enter(go, true)),
			hd, h("ul", {class: "modules"}, mods.map((m, i) => {
				const s = st.m[i], sid = id("s"), b = btn(m.title, () => enter(i, true)), sd = standing(m, s);
				b.setAttribute("aria-describedby", sid);
				return h("li", {}, b, " ", h("span", {id: sid, text: s && s.z && s.r && s.r[2] ? "Awaiting marking" : label[sd.s] + (sd.pct != null ? ", " + pc(sd.pct) : "")}));
			}))], moved && hd, moved && "Modules");
	}
	/** Open module i: at once when its content is here, else after its file has loaded. */
	function enter(i, moved, then) {
		st.c = i;
		if (here(i)) return (then || route)(moved);
		ms = null;
		main.replaceChildren(P(`Opening “${mods[i].title}”…`));
		load(i).then(() => { if (st.c === i) (then || route)(moved); }, file => failed(i, file));
	}
	/** Run a script file (a script element: fetch fails from file://); ok() once it has called the player. */
	function script(src, arrivedNow) {
		return new Promise((ok, no) => {
			const s = h("script", {src});
			s.onload = () => (arrivedNow() ? ok() : no(src));
			s.onerror = () => no(src);
			doc.body.append(s);
		});
	}
	const quizFile = {}; // by module: the file of the questions its quiz can draw, until it has loaded
	/** Load a module's file (CCPlayer.addModule); its quiz's questions come with it only when its saved state or the
	 * launch needs them at once, else when the quiz starts (CCPlayer.addQuestions), so opening a module loads its pages. */
	function load(i) {
		const m = mods[i], packed = st.m[i] && st.m[i].packed;
		return script(m.file, () => arrived[m.slug]).then(() => {
			const data = arrived[m.slug];
			mods[i] = data.module; Object.assign(texts, data.criteria);
			if (data.questions_file) quizFile[i] = {file: data.questions_file, slug: m.slug};
			else { pool[i] = data.questions; keep(data.questions); }
			const now = (packed && packed.s != null) || (i === single && launch.start === "quiz");
			return now ? loadQuiz(i) : null;
		}).then(() => {
			try { if (packed) unpack(i, packed); } catch (e) { delete st.m[i]; tell("Your saved progress in this module could not be restored."); }
		});
	}
	/** The questions of module i's quiz: at once when they are here, else from its quiz file. */
	function loadQuiz(i) {
		const f = quizFile[i];
		if (!f) return Promise.resolve();
		return script(f.file, () => arrivedQuiz[f.slug]).then(() => {
			const data = arrivedQuiz[f.slug];
			pool[i] = data.questions; keep(data.questions); Object.assign(texts, data.criteria);
			delete quizFile[i];
		});
	}
	function failed(i, file) {
		const hd = T("h2", "This module could not be opened"), name = typeof file === "string" ? file : mods[i].file;
		main.replaceChildren(hd, P(`Its content (${name}) is missing from this package or could not be loaded. Close it and open it again; if this happens again, tell your training provider.`),
			D("pager", toMenu()));
		focus(hd); tell(`Sorry: “${mods[i].title}” could not be opened (${name} is missing or damaged).`);
	}
	function route(moved) {
		ms = mstate(st.c);
		st.o = st.o.filter(k => k !== st.c).concat(st.c);
		if (ms.z && ms.w === "v") return review();
		if (ms.z || ms.w === "i") return intro(moved);
		return ms.w === "q" && ms.s != null ? question(moved) : page(ms.p, moved);
	}
	const toMenu = () => single < 0 && btn("Back to modules", () => menu(true), "secondary");

	function page(p, moved) {
		const m = mods[st.c], pages = m.pages, n = pages.length;
		if (!n) return intro(moved);
		ms.p = p = Math.max(0, Math.min(p, n - 1));
		const pg = pages[p], hd = T("h2", pg.title), last = p === n - 1, done = last && !m.quiz && !ms.d;
		if (done) ms.d = true;
		show("p", [single < 0 && P(m.title, "crumb"), P(`Page ${p + 1} of ${n}`, "crumb"), h("article", {}, hd, h("div", {html: pg.html || md(pg.body)})),
			h("nav", {class: "pager"}, p > 0 && btn("Previous", () => page(p - 1, true), "secondary"),
				!last || m.quiz ? btn("Next", () => (last ? intro(true) : page(p + 1, true))) : [P("You have reached the end of this module."), nextBtn()], toMenu())],
		moved && hd, moved && `Page ${p + 1} of ${n}: ${pg.title}`);
		if (done) rt.report(summary()); // read to the end: the module (or the course) may now be complete
	}

	function intro(moved) {
		const m = mods[st.c], quiz = m.quiz, n = m.pages.length, thr = quiz.criterion_threshold, tries = ms.h.length;
		if (ms.z) return resultsView(moved);
		const count = quiz.items.reduce((t, it) => t + (it.draw ? it.draw.count : 1), 0), hd = T("h2", quiz.title || "Quiz");
		show("i", [hd, modeText(quiz) && P(modeText(quiz), "mode"), P(`${count} questions. Pass mark ${pct(quiz.pass_mark)}` + (thr != null ? `, and ${pct(thr)} on each criterion.` : ".") +
			(quiz.feedback === "immediate" ? " Check each answer as you go; a checked answer is final." : " You will see your marks after you submit.") +
			(quiz.time_limit_minutes ? ` Time limit: ${plural(quiz.time_limit_minutes, "minute")}, from when you start; when time runs out your answers are submitted.` : "") +
			(!app && tries ? ` This is attempt ${tries + 1}` + (quiz.attempts ? ` of ${quiz.attempts}.` : ".") : "")),
		D("pager", n > 0 && btn("Previous", () => page(n - 1, true), "secondary"), btn(ms.s != null ? "Continue quiz" : "Start quiz", () => startQuiz(true)), toMenu())],
		moved && hd, moved && hd.textContent);
	}
	const last = {}; // by module: the questions of the attempt before "Try again"
	/** A new random seed; of a few, the first whose draw shares fewest questions with the attempt before (as the app does). */
	function freshSeed(mi) {
		const a = new Uint32Array(1), before = last[mi] || [];
		let best = null;
		for (let k = 0; k < 8 && !(best && !best[0]); k++) {
			win.crypto.getRandomValues(a);
			const n = before.length ? M.assembleQuiz(mods[mi].quiz, bank(mi), a[0]).filter(e => before.includes(e.question)).length : 0;
			if (!best || n < best[0]) best = [n, a[0]];
		}
		return best[1];
	}
	function startQuiz(moved) {
		const mi = st.c;
		if (quizFile[mi]) { // its questions load first
			const file = quizFile[mi].file;
			main.replaceChildren(P("Opening the quiz…"));
			return loadQuiz(mi).then(() => { if (st.c === mi) startQuiz(moved); }, () => failed(mi, file));
		}
		if (ms.s == null) {
			const s = app && started.seed != null ? started.seed : freshSeed(st.c);
			Object.assign(ms, {s, q: 0, a: [], k: [], l: [], e: [], m: {}, t: Math.floor(Date.now() / 1000)});
		}
		question(moved);
	}

	const words = t => (String(t || "").match(/\S+/g) || []).length;
	/** Why marking would refuse an essay, or "". */
	function essayProblem(q, r) {
		const w = words(r);
		return q.type !== "essay" || r == null ? "" : q.word_limit && w > q.word_limit ? `Your answer has ${w} words; the limit is ${q.word_limit}.`
			: w < q.min_words ? `Your answer has ${w} words; write at least ${q.min_words}.` : "";
	}
	// A scenario's step on screen: the server says which comes next in the app (it keeps the branches), else the branches do.
	const stepOf = (q, r, i) => (app ? (r && r.path.length ? idx(q.steps, (ms.m[i] || {}).next) : 0) : currentStep(q, r));
	const answered = (q, r, i) => r != null && (q.type === "scenario" ? stepOf(q, r, i) < 0 : typeof r === "object" ? Object.keys(r).length > 0 : String(r).trim() !== "");
	// An ordering left as it is shown is an answer: the order shown (a learner may find it right).
	const shownOrder = (q, r) => (r == null && q.type === "ordering" ? q.items.map(x => x.id) : r);
	function ready(q, r) {
		const why = answered(q, r) ? essayProblem(q, r) : "Answer the question first.";
		if (why) say(why);
		return !why;
	}
	/** Check an answer (or a scenario step): the server marks it in the app, the player elsewhere; then `go(mark)`. */
	/** Mark an answer (the server's mark in the app), then go(mark, shown): shown is false when the
	 * learner has moved on meanwhile (Next, Submit quiz), whose view must not be drawn over. */
	function check(el, i, r, step, go) {
		if (!app) return go(null, true);
		el.disabled = true; say("Checking your answer…");
		rt.check(i, r, step).then(mk => go(mk, el.isConnected), () => { el.disabled = false; });
	}

	function question(moved, to) {
		const mi = st.c, quiz = mods[mi].quiz, qz = quizOf(mi), n = qz.shown.length, i = (ms.q = Math.min(ms.q, n - 1));
		const q = qz.shown[i], orig = qz.orig[i], immediate = quiz.feedback === "immediate", locked = immediate && ms.k[i], last = i === n - 1;
		const hd = h("h2", {id: id("h"), text: `Question ${i + 1} of ${n}`}), fb = h("div", {class: "feedback", tabindex: "-1"});
		const change = (r, soon, quiet) => {
			ms.a[i] = r; ms.e[i] = Math.max(0, Math.floor(Date.now() / 1000) - (ms.t || 0));
			if (!quiet) rt.saveAnswer(i, r, r && r.path ? r.path.slice() : null, orig);
			if (soon) saveSoon(); else save();
		};
		let body;
		if (q.type === "scenario") body = scenario(q, i, immediate, change);
		else {
			body = renderQ(q, ms.a[i], locked, change, "q" + i);
			if (locked) fb.append(feedback(orig, ms.a[i], ms.m[i]));
			else if (immediate) body.append(btn("Check answer", e => ready(q, ms.a[i] = shownOrder(q, ms.a[i])) && check(e.target, i, ms.a[i], null, (mk, shown) => {
				ms.k[i] = true; if (mk) ms.m[i] = mk; if (shown) question(false, ".feedback");
			})));
		}
		show("q", [clock, h("section", {class: "question", "aria-labelledby": hd.id}, hd, body, fb),
			h("nav", {class: "pager"}, i > 0 && btn("Previous", () => { ms.q = i - 1; question(true); }, "secondary"),
				!last && btn("Next", () => { ms.q = i + 1; question(true); }),
				last && [P(`You have answered ${ms.a.filter((r, j) => answered(qz.shown[j], r, j)).length} of ${n} questions.`, "count"), btn("Submit quiz", submit)], toMenu())],
		to || (moved && hd), moved && hd.textContent, moved ? "now" : ""); // a question left is a milestone
		onScreen = {mi, i, t: Date.now()};
		tick();
		if (to === ".feedback") say(fb.textContent.slice(0, 200));
	}

	/** A mark shown: the server's (mk) in the app, the player's own elsewhere. */
	function feedback(q, r, mk) {
		if (!mk && app) return null;
		mk = mk || markOne(M, q, asMarked(q, r));
		const part = mk.score > 0, fb = app || textsShown(mods[st.c].quiz, ms.h.length) ? (mk.feedback || []).filter(t => String(t).trim()) : [];
		return D("mark " + (mk.pending ? "" : mk.correct ? "ok" : part ? "part" : "no"),
			h("p", {class: "verdict"}, T("strong", mk.pending ? PENDING : mk.correct ? "Correct" : part ? "Partly correct" : "Not correct"),
				mk.pending ? "" : ` (${fmt(mk.score)} of ${fmt(mk.max)} mark${mk.max === 1 ? "" : "s"})`),
			fb.length > 0 && h("div", {html: fb.map(md).join("")}));
	}

	function scenario(q, i, immediate, change) {
		const r = ms.a[i] || {path: [], answers: {}}, cur = stepOf(q, r, i), c = q.case || {}, n = r.path.length, s = q.steps[cur], sm = (ms.m[i] || {}).steps || {};
		return h("div", {}, Object.values(c).join("") && h("section", {class: "case", "aria-label": "The case"}, T("h3", "The case"),
			h("dl", {}, [["Person", c.person], ["Setting", c.setting], ["Situation", c.situation]].map(([t, v]) => [T("dt", t), h("dd", {html: md(v)})]))),
		r.path.map((sid, k) => {
			const sq = byId(q.steps, sid).question;
			return D("step done" + (k === n - 1 ? " last" : ""), T("h3", "Step " + (k + 1)),
				renderQ(sq, r.answers[sid], true, null, `q${i}d${k}`), immediate && feedback(sq, r.answers[sid], sm[sid]));
		}),
		cur < 0 ? P("You have reached the end of this case.", "end") : D("step", h("h3", {class: "step-h", text: "Step " + (n + 1)}),
			renderQ(s.question, r.answers[s.id], false, (a, soon) => { r.answers[s.id] = a; change(r, soon); }, `q${i}s${cur}`),
			btn(immediate ? "Check answer" : "Continue scenario", e => ready(s.question, r.answers[s.id] = shownOrder(s.question, r.answers[s.id])) && check(e.target, i, r.answers[s.id], s.id, (mk, shown) => {
				r.path.push(s.id);
				if (mk) { const m = ms.m[i] = ms.m[i] || {}; (m.steps = m.steps || {})[s.id] = mk; m.next = mk.next; }
				const end = stepOf(q, r, i) < 0;
				ms.k[i] = end && immediate;
				change(r, false, app); // the server stored it with the check
				if (shown) question(false, immediate ? ".last .mark" : end ? ".end" : ".step-h");
			}))));
	}
	/** A question's controls; change(response, soon). */
	function renderQ(q, r, locked, change, name) {
		const stemId = id("q"), stem = h("div", {id: stemId, html: stemHtml(q)}), wrap = h("div", {}, stem), t = q.type;
		const group = (legend, kids) => wrap.append(h("fieldset", {"aria-describedby": stemId}, T("legend", legend), kids));
		const opt = (type, value, text, checked, onchange) => {
			const iid = id("o");
			return D("opt", h("input", {type, id: iid, name, value, checked, disabled: locked, onchange}), h("label", {for: iid, text}));
		};
		const select = (attrs, options, value) => {
			const s = h("select", copy({disabled: locked}, attrs), [["", "Choose…"]].concat(options).map(([v, text]) => h("option", {value: v, text})));
			s.value = value || "";
			return s;
		};
		const input = (attrs, value, set) => {
			const el = h(attrs.rows ? "textarea" : "input", copy({disabled: locked, autocomplete: "off"}, attrs));
			el.value = value ?? "";
			el.oninput = () => set(el.value, true);
			el.onchange = () => set(el.value);
			return el;
		};
		let cur = r || {};
		const put = (k, v, soon) => { cur = copy(cur, {[k]: v}); if (v === "") delete cur[k]; change(cur, soon); };
		if (t === "single_choice" || t === "true_false") {
			const tf = t === "true_false";
			group("Choose one answer", (tf ? [{id: "true", text: "True"}, {id: "false", text: "False"}] : q.options)
				.map(o => opt("radio", o.id, o.text, String(r) === o.id, () => change(tf ? o.id === "true" : o.id))));
		} else if (t === "multiple_response") {
			group("Choose all answers that apply", q.options.map(o => opt("checkbox", o.id, o.text, (r || []).includes(o.id),
				() => change(q.options.filter(x => wrap.querySelector(`[value="${x.id}"]`).checked).map(x => x.id)))));
		} else if (t === "matching") {
			group("Match each item to an answer", q.premises.map(p => {
				const sid = id("m"), s = select({id: sid, onchange: e => put(p.id, e.target.value)}, q.responses.map(x => [x.id, x.text]), cur[p.id]);
				return D("row", h("label", {for: sid, text: p.text}), s);
			}));
		} else if (t === "ordering") {
			const order = r ? r.slice() : q.items.map(x => x.id), ol = h("ol", {class: "order", "aria-describedby": stemId}), text = x => byId(q.items, x).text;
			const draw = (moved, d) => {
				ol.textContent = "";
				order.forEach((item, k) => {
					const tx = text(item), li = h("li", {}, h("span", {class: "txt", text: tx}));
					ol.append(li);
					if (locked) return;
					const b = [btn("Move up", () => move(k, -1), "small", "Move up: " + tx), btn("Move down", () => move(k, 1), "small", "Move down: " + tx)];
					b[0].disabled = !k; b[1].disabled = k === order.length - 1;
					li.append(h("span", {}, b));
					if (moved === item) { const [x, y] = d < 0 ? b : b.reverse(); (x.disabled ? y : x).focus(); }
				});
			};
			const move = (k, d) => {
				const it = order[k];
				order[k] = order[k + d]; order[k + d] = it;
				draw(it, d); change(order.slice());
				say(`${text(it)} moved to position ${k + d + 1} of ${order.length}`);
			};
			draw();
			wrap.append(P("Order the items with Move up and Move down.", "hint"), ol);
		} else if (t === "short_answer") {
			q.gaps.forEach((g, k) => {
				const label = "Gap " + (k + 1), place = stem.querySelector(`[data-gap="${g.id}"]`), set = (v, soon) => put(g.id, v, soon);
				const ctl = g.options ? select({"aria-label": label, class: "gap", onchange: e => set(e.target.value)}, g.options.map(o => [o, o]), cur[g.id])
					: input({type: "text", class: "gap", "aria-label": label, spellcheck: "false", size: "14"}, cur[g.id], set);
				if (place) place.replaceWith(ctl); else wrap.append(ctl);
			});
		} else if (t === "numeric") {
			const nid = id("n"), uid2 = id("u");
			wrap.append(D("row", h("label", {for: nid, text: "Your answer"}),
				input({type: "text", inputmode: "decimal", id: nid, "aria-describedby": q.unit && uid2}, r, (v, soon) => change(v.trim() || null, soon)),
				q.unit && h("span", {id: uid2, text: q.unit})));
		} else if (t === "essay") {
			const eid = id("e"), cnt = h("p", {id: id("c"), class: "count"}), lim = q.word_limit;
			let pause;
			const count = v => {
				const w = words(v);
				cnt.textContent = w + (w === 1 ? " word" : " words") + (lim ? ` of ${lim}` + (w > lim ? `: ${w - lim} over the limit` : "") : "") + (q.min_words ? ` (at least ${q.min_words})` : "");
				cnt.className = "count" + (lim && w > lim ? " over" : "");
			};
			wrap.append(h("label", {for: eid, text: "Your answer"}), input({id: eid, rows: "8", "aria-describedby": cnt.id}, r, (v, soon) => {
				count(v); change(v || null, soon);
				// Visible at every keystroke; read out once the learner pauses, not at each word.
				win.clearTimeout(pause); pause = win.setTimeout(() => cnt.isConnected && say(cnt.textContent), 2000);
			}), cnt);
			count(r);
		}
		return wrap;
	}

	/** Before every submission (as Moodle's summary of attempt): each question answered or not, a link to it; then a confirmation. Escape returns. */
	function summaryView(miss, n) {
		const hd = T("h2", "Before you submit"), back = () => question(true), qs = quizOf(st.c).shown;
		show("q", [clock, h("section", {class: "summary", "aria-label": "Before you submit", onkeydown: e => e.key === "Escape" && back()}, hd,
			P(miss.length ? `You have not answered ${plural(miss.length, "question")} of ${n}.` : `You have answered all ${n} questions.`),
			h("ul", {}, qs.map((q, i) => h("li", {}, h("a", {href: "#", onclick: e => { e.preventDefault(); ms.q = i; question(true); }},
				`Question ${i + 1}: ${q.title}`), miss.includes(i) ? ": not answered" : ": answered"))),
			P((miss.length ? "An unanswered question scores no marks. " : "") + "Once submitted, your answers cannot be changed."),
			h("nav", {class: "pager"}, btn("Return to attempt", back, "secondary"), btn("Submit all and finish", () => submit(false, true))))],
		hd, "Before you submit: " + (miss.length ? plural(miss.length, "question") + " not answered" : `all ${n} answered`));
	}
	function submit(timeUp, sure) {
		const mi = st.c, qz = quizOf(mi), quiz = mods[mi].quiz, n = qz.shown.length;
		const bad = timeUp === true ? -1 : qz.orig.findIndex((q, e) => essayProblem(q, ms.a[e]));
		if (bad >= 0) {
			ms.q = bad;
			const why = essayProblem(qz.orig[bad], ms.a[bad]) + " Your quiz has not been submitted yet.";
			question(false, ".count");
			return Object.assign(main.querySelector(".count"), {textContent: why, className: "count over"}), say(why);
		}
		const miss = timeUp === true || sure ? [] : qz.shown.map((q, i) => i).filter(i => !answered(qz.shown[i], shownOrder(qz.shown[i], ms.a[i]), i));
		if (timeUp !== true && !sure) return summaryView(miss, n);
		stopClock();
		qz.shown.forEach((q, i) => { if (q.type === "ordering" && ms.a[i] == null) ms.a[i] = q.items.map(x => x.id); }); // the order shown
		main.querySelectorAll("nav button").forEach(b => { b.disabled = true; });
		ms.z = true;
		if (app) { // the server marks; its mark is the one shown
			say("Submitting your answers…"); save("now");
			return rt.submit(qz.orig.map((q, i) => ms.a[i] ?? null)).then(mk => {
				server[mi] = mk;
				ms.r = [Math.round((mk.fraction ?? mk.score / mk.max) * 10000) / 100, mk.passed ? 1 : 0].concat(mk.passed == null && mk.pending ? [1] : []);
				resultsView(true);
			}, () => { ms.z = false; question(false); });
		}
		const res = results(M, quiz, qz.orig, ms.a), now = Date.now(), at = i => (ms.t && ms.e[i] != null ? (ms.t + ms.e[i]) * 1000 : now);
		ms.r = [Math.round(res.fraction * 1e6) / 1e4, res.passed ? 1 : 0]; // percent to 4 places: a course's mean stays exact to 2
		const crit = {};
		res.criteria.forEach(c => { crit[c.ref] = Math.round(c.fraction * 1e6) / 1e4; });
		ms.h = (ms.h || []).concat([quiz.grading === "average" ? ms.r.concat([crit]) : ms.r.slice()]);
		qz.orig.forEach((q, i) => interactions(q, ms.a[i], res.marks[i], M, ms.l[i] || 0, at(i)).forEach(ix => rt.recordInteraction(ix)));
		// Each criterion as graded: from this attempt when the grading method picks it, the mean over attempts for "average".
		const g = graded(quiz, ms.h), thr = quiz.criterion_threshold ?? quiz.pass_mark;
		if (g.at < 0) for (const ref in g.crit) rt.recordObjective({id: ref, score_raw: g.crit[ref], score_max: 100, success: g.crit[ref] + 1e-9 >= thr * 100});
		else if (g.at === ms.h.length - 1) res.criteria.forEach(c => rt.recordObjective({id: c.ref, score_raw: c.score, score_max: c.max, success: c.met}));
		save("hold"); rt.report(summary()); // status committed, then the score
		resultsView(true);
	}

	function resultsView(moved) {
		const mi = st.c, m = mods[mi], quiz = m.quiz, thr = quiz.criterion_threshold, sd = standing(m, ms);
		const srv = server[mi] || {}, res = app ? {score: srv.score ?? 0, max: srv.max ?? 0, criteria: srv.criteria || [], pending: srv.pending} : results(M, quiz, quizOf(mi).orig, ms.a);
		const [percent, passed, awaiting] = ms.r || [0, 0], crit = res.criteria, n = res.pending || 0, hd = T("h2", "Results"), row = (tag, cells) => h("tr", {}, cells.map((t, k) => h(k ? tag : "th", {scope: tag === "th" ? "col" : k ? null : "row"}, t)));
		const g = !app && ms.h.length > 1 && graded(quiz, ms.h), tried = ms.h.length;
		show("r", [hd,
			h("p", {class: "score"}, "Your score: ", T("strong", `${fmt(res.score)} of ${fmt(res.max)} (${pc(percent)})`)),
			h("p", {class: "verdict " + (awaiting ? "" : passed ? "ok" : "no")}, T("strong", awaiting ? PENDING_APP : passed ? "Passed" : "Not passed"),
				` — the pass mark is ${pct(quiz.pass_mark)}` + (thr != null ? ` and at least ${pct(thr)} on each criterion.` : ".")),
			g && P(`Your result for this module after ${tried} attempts (${quiz.grading || "highest"} grade): ${pc(g.pct)}, ${g.passed ? "passed" : "not passed"}.`),
			!app && !reviewing && sd.s === "retake" && P(quiz.attempts ? `You have ${plural(quiz.attempts - tried, "attempt")} left.` : "You can try the quiz again."),
			n > 0 && P(app ? `${PENDING_APP}: ${n} essay answer(s). Your result is provisional until then.`
				: `${n} essay answer(s) recorded for your tutor, not marked here: your score and result count only the automatically marked questions.`, "pending"),
			crit.length > 0 && h("table", {class: "criteria"}, T("caption", "Results by criterion"),
				// In the app an attempt only says whether the quiz rule was met in it; the criterion's
				// state is the server's (course.evidence.status). In an LMS the objective is the result.
				h("thead", {}, row("th", app ? ["Criterion", "Score", "This attempt", "Criterion status now"] : ["Criterion", "Score", "Result"])),
				h("tbody", {}, crit.map(c => row("td", app
					? [named(c.ref), pct(c.fraction), [c.attempt_result, c.note && [h("br", {}), T("span", c.note, "note")]], T("strong", c.label)]
					: [named(c.ref), pct(c.fraction), c.met ? "Met" : "Not yet met"])))),
			D("pager", btn("Review answers", review), !app && !reviewing && sd.s === "retake" && btn("Try again", () => { last[mi] = quizOf(mi).orig.map(q => q.id); Object.assign(ms, {s: null, z: false, r: null}); intro(true); }),
				nextBtn(), toMenu())], moved && hd, moved && `Results: ${passed ? "passed" : "not passed"}, ${pc(percent)}`);
	}

	const named = ref => [T("span", ref, "ref"), texts[ref] && ": " + texts[ref]]; // code and text
	function review() {
		const qz = quizOf(st.c), hd = T("h2", "Review answers"), items = (server[st.c] || {}).items || [];
		// The best answer once its explanations may show (option_feedback); in the app only when the server sent it.
		const key = (o, mk) => (app ? mk && mk.answer : textsShown(mods[st.c].quiz, ms.h.length) ? keyOf(o) : null);
		const part = (tag, title, q, r, name, mk, o, k = key(o, mk)) => [h(tag, {text: title}), renderQ(q, r, true, null, name), feedback(q, r, mk),
			k != null && h("div", {class: "key", role: "group", "aria-label": "The correct answer"}, P("The correct answer:", "crumb"), renderQ(q, k, true, null, name + "k"))];
		show("v", [hd, h("ol", {class: "review"}, qz.shown.map((q, i) => {
			const r = ms.a[i], c = q.case || {}, title = `Question ${i + 1}`, mk = items[i], steps = (mk && mk.steps) || {};
			return h("li", {}, q.type !== "scenario" ? part("h3", title, q, r, "v" + i, mk, qz.orig[i]) : [T("h3", title), h("div", {class: "case", html: md(c.person) + md(c.setting) + md(c.situation)}),
				((r && r.path) || []).map((sid, k) => part("h4", "Step " + (k + 1), byId(q.steps, sid).question, r.answers[sid], `v${i}s${k}`, steps[sid], byId(qz.orig[i].steps, sid).question)), feedback(qz.orig[i], r, mk)]);
		})), D("pager", btn("Back to results", () => resultsView(true), "secondary"), toMenu())], hd, hd.textContent);
	}

	const first = () => {
		if (!saved && launch.start === "quiz" && mods[st.c].quiz && (M || app)) { ms = mstate(st.c); startQuiz(false); }
		else route(false);
		booting = false;
		win.setTimeout(save, 0);
	};
	if (!mods[st.c]) { menu(); booting = false; win.setTimeout(save, 0); }
	else enter(st.c, false, first);
}

CCPlayer.boot = boot;
if (typeof module === "object" && module.exports) module.exports = CCPlayer;
else if (root.CC_COURSE) { root.CCPlayer = CCPlayer; boot(root); }
else root.document.getElementById("main").textContent = "Sorry: the course content (course-data.js) is missing.";
})(typeof window !== "undefined" ? window : this);
