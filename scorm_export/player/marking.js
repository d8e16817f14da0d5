/* The player's marking and seeded draws, as in question_bank (docs/formats.md), checked
 * against tests/vectors/marking.json. Classic script, no dependencies: window.CCMarking. */
(function (root) {
"use strict";
// Unicode White_Space, as question_bank/model.py spells it (not \s).
const WS = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+";
const WS_RUN = new RegExp(WS, "g"), WS_EDGES = new RegExp("^" + WS + "|" + WS + "$", "g");
const BRANCHING = { single_choice: 1, true_false: 1 };
const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

const fail = (m) => { throw new Error(m); };
const q = (v) => typeof v === "string" ? "'" + v + "'" : JSON.stringify(v);
const own = (o, k) => ({}).hasOwnProperty.call(o, k);
const isObj = (v) => !!v && typeof v === "object" && !Array.isArray(v);
const find = (list, id) => list.find((x) => x.id === id);
const ids = (list) => list.map((x) => x.id);
const r6 = (x) => +x.toFixed(6);
const pts = (Q) => Q.points == null ? 1 : Q.points;
const collapse = (s) => s.replace(WS_RUN, " ").replace(/^ | $/g, "");
const norm = (s, cs) => { s = collapse(s.normalize("NFC")); return cs ? s : s.toLowerCase(); };

function result(Q, score, fraction, correct, feedback, response, pending) {
	if (Q.general_feedback) feedback.push(Q.general_feedback);
	return { score, max: pts(Q), fraction, correct, feedback, response, pending };
}
const finish = (Q, f, fb, response) => result(Q, r6(pts(Q) * f), r6(f), r6(f) === 1, fb, response, false);
// Ids: strings, known, no repeats; returns the set.
function choices(r, list, what) {
	if (!Array.isArray(r)) fail("expected a list of " + what + " ids");
	const seen = {};
	for (const id of r) {
		if (typeof id !== "string") fail("expected " + what + " ids (strings) in the list");
		if (!find(list, id)) fail("unknown " + what + " " + q(id));
		if (own(seen, id)) fail("duplicate " + what + " " + q(id));
		seen[id] = 1;
	}
	return seen;
}
// The highest-credit answer a gap's key matches (the first of equals), or null.
function bestAnswer(g, key) {
	let best = null;
	for (const a of g.answers) {
		const credit = a.credit == null ? 1 : a.credit, t = g.options ? a.text : norm(a.text, g.case_sensitive);
		const hit = !g.options && g.wildcard && t.includes("*")
			? new RegExp("^" + t.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*") + "$").test(key)
			: t === key;
		if (hit && (!best || credit > best.credit)) best = { credit, feedback: a.feedback };
	}
	return best;
}

const TYPES = {};
TYPES.single_choice = (Q, r) => {
	if (typeof r !== "string") fail("expected an option id (a string)");
	const o = find(Q.options, r) || fail("unknown option " + q(r));
	return finish(Q, o.correct ? 1 : 0, o.feedback ? [o.feedback] : [], r);
};
TYPES.multiple_response = (Q, r) => {
	const seen = choices(r, Q.options, "option"), nr = Q.options.filter((o) => o.correct).length;
	const nw = Q.options.length - nr, fb = [], out = [];
	let rights = 0, f = 0;
	for (const o of Q.options) {
		if (!own(seen, o.id)) continue;
		out.push(o.id);
		rights += o.correct;
		f += o.correct ? 1 / nr : -1 / nw;
		if (o.feedback) fb.push(o.feedback);
	}
	const exact = rights === nr && out.length === nr;
	return finish(Q, exact ? 1 : Q.all_or_nothing ? 0 : Math.max(0, f), fb, out);
};
TYPES.true_false = (Q, r) => {
	if (typeof r !== "boolean") fail("expected true or false");
	const fb = r ? Q.feedback_true : Q.feedback_false;
	return finish(Q, r === Q.answer ? 1 : 0, fb ? [fb] : [], r);
};
TYPES.matching = (Q, r) => {
	if (!isObj(r)) fail("expected an object {premise: response}");
	for (const [k, v] of Object.entries(r)) {
		if (!find(Q.premises, k)) fail("unknown premise " + q(k));
		if (v === null) continue;
		if (typeof v !== "string") fail("expected a response id for premise " + q(k));
		if (!find(Q.responses, v)) fail("unknown response " + q(v) + " for premise " + q(k));
	}
	const out = {};
	let right = 0;
	for (const p of Q.premises) {
		out[p.id] = own(r, p.id) ? r[p.id] : null;
		if (out[p.id] === p.match) right++;
	}
	return finish(Q, right / Q.premises.length, [], out);
};
TYPES.ordering = (Q, r) => {
	const order = ids(Q.items), seen = choices(r, Q.items, "item");
	for (const id of order) if (!own(seen, id)) fail("missing item " + q(id));
	// LCS with the right order = the longest increasing run of ranks.
	const rank = r.map((id) => order.indexOf(id)), len = rank.map(() => 1);
	rank.forEach((x, i) => { for (let j = 0; j < i; j++) if (rank[j] < x) len[i] = Math.max(len[i], len[j] + 1); });
	return finish(Q, (Math.max(...len) - 1) / (order.length - 1), [], r.slice());
};
TYPES.short_answer = (Q, r) => {
	if (!isObj(r)) fail("expected an object {gap: answer}");
	for (const k of Object.keys(r)) if (!find(Q.gaps, k)) fail("unknown gap " + q(k));
	const fb = [], out = {};
	let total = 0;
	for (const g of Q.gaps) {
		const at = " for gap " + q(g.id);
		let v = own(r, g.id) ? r[g.id] : null, text = "", key = null;
		if (v === null);
		else if (g.options) {
			if (Number.isInteger(v)) {
				if (v < 0 || v >= g.options.length) fail("index out of range" + at + ": " + v);
				v = g.options[v];
			} else if (typeof v !== "string") fail("expected a string" + at);
			else if (!g.options.includes(v)) fail("unknown option " + q(v) + at);
			text = key = v;
		} else if (typeof v === "string") {
			text = norm(v, true);
			if (text) key = g.case_sensitive ? text : text.toLowerCase();
		} else fail("expected a string" + at);
		out[g.id] = text;
		const best = key !== null && bestAnswer(g, key);
		if (best) { total += best.credit; if (best.feedback) fb.push(best.feedback); }
	}
	return finish(Q, total / Q.gaps.length, fb, out);
};
TYPES.numeric = (Q, r) => {
	let v, best = null;
	if (typeof r === "string") {
		let t = r.replace(WS_EDGES, "");
		if (Q.unit && t.endsWith(Q.unit)) t = t.slice(0, -Q.unit.length).replace(WS_EDGES, "");
		if (!t) return mark(Q, null);
		if (!NUMBER.test(t)) fail("not a number: " + q(r));
		v = Number(t);
	} else if (typeof r === "number") v = r;
	else fail("expected a number");
	if (!isFinite(v)) fail("not a finite number");
	for (const a of Q.answers) {
		const credit = a.credit == null ? 1 : a.credit;
		if (Math.abs(v - a.value) <= (a.tolerance || 0) + 1e-9 * Math.max(1, Math.abs(a.value)) &&
				(!best || credit > best.credit)) best = { credit, feedback: a.feedback };
	}
	return finish(Q, best ? best.credit : 0, best && best.feedback ? [best.feedback] : [], v);
};
TYPES.essay = (Q, r) => {
	if (typeof r !== "string") fail("expected a string");
	const s = collapse(r), n = s ? s.split(" ").length : 0, limit = Q.word_limit, least = Q.min_words || 0;
	if (limit != null && n > limit) fail("over the word limit: " + n + " words, limit " + limit);
	if (n < least) fail("under the minimum: " + n + " words, at least " + least);
	return result(Q, 0, 0, null, [], r.normalize("NFC"), true);
};
TYPES.scenario = (Q, r) => {
	if (!isObj(r)) fail("expected an object {path, answers}");
	for (const k of Object.keys(r)) if (k !== "path" && k !== "answers") fail("unknown key " + q(k));
	const path = r.path, ans = own(r, "answers") ? r.answers : {}, steps = Q.steps;
	if (!Array.isArray(path)) fail("path: expected a list of step ids");
	if (!isObj(ans)) fail("answers: expected an object {step: answer}");
	for (const id of path) if (!find(steps, id)) fail("unknown step " + q(id) + " in the path");
	for (const k of Object.keys(ans)) {
		if (!find(steps, k)) fail("unknown step " + q(k) + " in the answers");
		if (!path.includes(k)) fail("answer for step " + q(k) + ", which is not on the path");
	}
	const fb = [], out = {};
	let cur = steps[0].id, n = 0, score = 0, total = 0, pending = false;
	while (cur !== "end") {
		if (!n && path[0] !== cur) fail("path must start at step " + q(cur));
		if (n >= path.length) fail("path stops before step " + q(cur));
		if (path[n] !== cur) fail("path goes to " + q(path[n]) + " after " + q(path[n - 1]) + ", but the answers lead to " + q(cur));
		const i = ids(steps).indexOf(cur), s = steps[i], c = s.question, br = s.branches || {};
		let m;
		try { m = mark(c, own(ans, cur) ? ans[cur] : null); } catch (e) { fail("step " + q(cur) + ": " + e.message); }
		out[cur] = m.response; score += m.score; total += m.max; pending = pending || m.pending;
		fb.push(...m.feedback);
		const key = String(m.response), branch = m.response !== null && c.type in BRANCHING && own(br, key);
		cur = branch ? br[key] : s.next != null ? s.next : i + 1 < steps.length ? steps[i + 1].id : "end";
		n++;
	}
	if (n < path.length) fail("path goes on after the end: " + q(path[n]));
	const f = total ? r6(score / total) : 0;
	return result(Q, total ? r6(pts(Q) * score / total) : 0, f, pending ? null : f === 1, fb,
		{ path: path.slice(), answers: out }, pending);
};

// Mark a response to a question (JSON form); a malformed response throws.
function mark(Q, r) {
	if (r == null) return result(Q, 0, 0, false, [], null, false);
	if (!own(TYPES, Q.type)) fail("unknown question type " + q(Q.type));
	return TYPES[Q.type](Q, r);
}

function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = Math.imul(a ^ a >>> 15, a | 1);
		t ^= t + Math.imul(t ^ t >>> 7, t | 61);
		return ((t ^ t >>> 14) >>> 0) / 4294967296;
	};
}

// A shuffled copy: Fisher-Yates from the last index down to 1.
function shuffle(list, rand) {
	const out = list.slice();
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

// Display order: ordering items always; options or matching responses if the question says `shuffle`
// or the quiz says `shuffle_options` (every).
function order(Q, rand, every) {
	const t = Q.type, list = t === "ordering" ? Q.items : !(Q.shuffle || every) ? null
		: t === "matching" ? Q.responses : /^(single_choice|multiple_response)$/.test(t) ? Q.options : null;
	return list ? shuffle(ids(list), rand) : null;
}

// The questions of one attempt, as question_bank.draw.assemble_quiz gives them.
function assembleQuiz(quiz, questions, seed) {
	const rand = mulberry32(seed), current = {}, used = {}, fixed = {}, items = quiz.items || [];
	let chosen = [];
	for (const Q of questions) if (!own(current, Q.id) || Q.version > current[Q.id].version) current[Q.id] = Q;
	for (const it of items) if (own(it, "question")) fixed[it.question] = 1;
	items.forEach((it, i) => {
		const at = "quiz item " + (i + 1) + ": ";
		if (own(it, "question")) {
			const Q = questions.find((x) => x.id === it.question && x.version === it.version) ||
				fail(at + "question " + q(it.question) + " version " + it.version + " is not in the bank");
			if (own(used, Q.id)) fail(at + "question " + q(Q.id) + " is already in the quiz");
			chosen.push(Q); used[Q.id] = 1;
			return;
		}
		const d = it.draw || {}, crit = d.criterion, tag = d.tag;
		if (!(d.count >= 1 && Number.isInteger(d.count) && (crit != null || tag != null))) {
			fail(at + "expected a question, or a draw with a count and a criterion or tag");
		}
		const pool = Object.keys(current).sort().map((id) => current[id]).filter((Q) => !own(used, Q.id) &&
			!own(fixed, Q.id) && (crit == null || Q.criteria.includes(crit)) && (tag == null || (Q.tags || []).includes(tag)));
		if (pool.length < d.count) fail(at + "draw " + JSON.stringify(d) + " has only " + pool.length + " candidate(s)");
		for (const Q of shuffle(pool, rand).slice(0, d.count)) { chosen.push(Q); used[Q.id] = 1; }
	});
	if (quiz.shuffle) chosen = shuffle(chosen, rand);
	const every = !!quiz.shuffle_options;
	return chosen.map((Q) => {
		const e = { question: Q.id, version: Q.version, order: null };
		if (Q.type !== "scenario") e.order = order(Q, rand, every);
		else {
			e.step_orders = {};
			for (const s of Q.steps) { const o = order(s.question, rand, every); if (o) e.step_orders[s.id] = o; }
		}
		return e;
	});
}

const api = { mark, mulberry32, shuffle, assembleQuiz };
root.CCMarking = api;
if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
