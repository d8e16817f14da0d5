/* carecourse runtime (README.md): CCRuntime.create(kind), the player's host interface. */
(function (root) {
"use strict";
// CMI names per version (SCORM 1.2 RTE 3.4; SCORM 2004 4th ed. RTE 4.2). nav: 1.2 has none; Moodle reads "nav.event".
const CMI = {
	scorm12: {api: "API", depth: 7, limit: 4096, fn: "LMSInitialize LMSFinish LMSGetValue LMSSetValue LMSCommit LMSGetLastError",
		entry: "cmi.core.entry", location: "cmi.core.lesson_location", id: "cmi.core.student_id", name: "cmi.core.student_name",
		mode: "cmi.core.lesson_mode", status: "cmi.core.lesson_status", time: "cmi.core.session_time", exit: "cmi.core.exit", normal: "",
		nav: "nav.event", response: "student_response", wrong: "wrong", long: "fill-in"},
	scorm2004: {api: "API_1484_11", depth: 500, limit: 64000, fn: "Initialize Terminate GetValue SetValue Commit GetLastError",
		entry: "cmi.entry", location: "cmi.location", id: "cmi.learner_id", name: "cmi.learner_name", mode: "cmi.mode",
		time: "cmi.session_time", exit: "cmi.exit", normal: "normal", nav: "adl.nav.request",
		response: "learner_response", wrong: "incorrect", long: "long-fill-in", v4: 1}
};
// A routine save (a page turned, an answer checked) commits at most this often; milestones commit at once (README.md).
const EVERY = 120000;

/** "/" -> "-", other chars outside [A-Za-z0-9_.-] -> "_", 255 at most. */
const sanitizeId = s => String(s).replace(/\//g, "-").replace(/[^\w.-]/g, "_").slice(0, 255);
const pad = n => String(n).padStart(2, "0");
const split = ms => { const c = Math.max(0, Math.round(ms / 10)); return [Math.floor(c / 360000), Math.floor(c / 6000) % 60, (c % 6000) / 100]; };
/** 1.2 CMITimespan, HHHH:MM:SS.SS (short: HH:MM:SS, for latency). */
function timespan12(ms, short) {
	const [h, m, s] = split(ms), hms = pad(m) + ":" + pad(Math.floor(s));
	return short ? pad(Math.min(h, 99)) + ":" + hms : String(Math.min(h, 9999)).padStart(4, "0") + ":" + hms + "." + pad(Math.round(s * 100) % 100);
}
/** 2004 ISO 8601 duration, PT1H2M3.45S. */
function duration2004(ms) {
	const [h, m, s] = split(ms);
	return "PT" + (h ? h + "H" : "") + (h || m ? m + "M" : "") + s + "S";
}
/** 2004 time (second,10,2): UTC with two fractional digits, 2026-01-02T03:04:05.00Z (toISOString gives three). */
const timestamp2004 = ms => new Date(ms).toISOString().slice(0, 22) + "Z";
const oneLine = (s, max) => String(s ?? "").replace(/\s+/g, " ").replace(/^\{/, "(").trim().slice(0, max);
/** A short hash of a string (FNV-1a), to tie a journal to the suspend_data it continues. */
const hash = s => { let h = 2166136261; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619); return (h >>> 0).toString(36); };

// Response patterns (README.md); 1.2 ids are single characters (RTE 3.4.2.7.5).
const L = "abcdefghijklmnopqrstuvwxyz0123456789", R = "123456789abcdefghijklmnopqrstuvwxyz";
function format(v4, type, v, correct) {
	const j = (list, f) => list.map(f).join(v4 ? "[,]" : ",");
	switch (type) {
		case "choice": case "sequencing": return j(v, k => (v4 ? k.id : L[k.n]));
		case "true-false": return v4 ? String(!!v) : v ? "t" : "f";
		case "matching": return j(v, ([p, r]) => (v4 ? p.id + "[.]" + r.id : L[p.n] + "." + R[r.n]));
		case "numeric": return String(!correct ? v : v4 ? v.min + "[:]" + v.max : v.value);
		case "fill-in": return v4 ? (correct ? "{case_matters=false}" : "") + j(v, t => oneLine(t, 250).replace(/\[[,.:]\]/g, " ")) : oneLine([].concat(v).join(","), 255);
		default: return oneLine(v, v4 ? 4000 : 255);
	}
}

/** API `name` in win or its parents (depth up), then the opener's. */
function findAPI(win, name, depth) {
	const walk = w => {
		try { // a cross-origin frame ends the walk
			for (let n = 0; !w[name] && w.parent && w.parent !== w; w = w.parent) if (++n > depth) return null;
			return w[name] || null;
		} catch (e) { return null; }
	};
	return walk(win) || walk(win.opener);
}

/** Unsaved progress kept in the browser between commits: {get, put, drop} (nothing kept without storage). */
function journal(store, key) {
	const safe = f => { try { return f(); } catch (e) { return null; } }; // storage full, blocked or absent
	return {get: () => safe(() => JSON.parse(store.getItem(key))), put: v => safe(() => store.setItem(key, JSON.stringify(v))), drop: () => safe(() => store.removeItem(key))};
}
const storage = o => (o.storage !== undefined ? o.storage : (() => { try { return root.localStorage; } catch (e) { return null; } })());

const nop = () => {};
const host = (kind, limit, own) => Object.assign({kind, limit, mode: "normal", saveAnswer: nop, recordInteraction: nop, recordObjective: nop, report: nop,
	submit: () => Promise.resolve(null), next: () => false, finish: nop}, own);
const begin = (rec, learner, seed) => ({entry: rec.state ? "resume" : "ab-initio", mode: "normal", state: rec.state || null, location: rec.location || null, learner, seed});

function scorm(kind, options) {
	const T = CMI[kind], v4 = !!T.v4, api = options.api || findAPI(options.window || root, T.api, T.depth);
	const [INIT, TERM, GET, SET, COMMIT, ERR] = T.fn.split(" "), objIndex = {}, sent = {}, store = storage(options);
	let live = false, locked = false, dirty = false, err = 0, ixN = 0, objN = 0, noIx = false, noObj = false, last = 0, base = "", jr = journal(null, "");
	const call = (f, ...a) => { const r = api[f](...a); err = +api[ERR]() || 0; return r; };
	const get = name => { const v = call(GET, name); return err || v == null ? "" : String(v); };
	// Writes nothing in review or browse mode, and skips a value the LMS already has from us.
	const set = (name, value) => {
		value = String(value);
		if (!live || locked) return false;
		if (sent[name] === value) return true;
		const ok = String(call(SET, name, value)) === "true";
		if (ok) { sent[name] = value; dirty = true; }
		return ok;
	};
	function commit() {
		if (!live || !dirty) return;
		dirty = false; last = Date.now();
		if (String(call(COMMIT, "")) !== "true") { dirty = true; return; } // kept: the next commit sends it
		if (sent["cmi.suspend_data"] != null) base = hash(sent["cmi.suspend_data"]);
		jr.drop();
	}
	const unsupported = () => err === 401 || err === 402 || (!v4 && err === 403);
	const score = (raw, max) => (max > 0 ? Math.round(raw / max * 10000) / 100 : 0);
	/** Set a result's status elements; true when one of them changes. */
	function status(p, r) {
		const s = r.success === true ? "passed" : r.success === false ? "failed" : "unknown";
		const pairs = v4 ? [[p + "completion_status", r.completion], [p + "success_status", s]]
			: [[p === "cmi.core." ? T.status : p + "status", r.success === true || (r.success === false && r.final !== false) ? s : r.completion]];
		const changed = pairs.some(([name, value]) => sent[name] !== value);
		pairs.forEach(([name, value]) => set(name, value));
		return changed;
	}
	function scores(p, raw, max, nudge) {
		if (max == null) return;
		let v = String(score(raw, max));
		const had = sent[p + "score.raw"];
		// Moodle (1.2) posts only changed values and recomputes grade and completion only when score.raw arrives:
		// after a status change with the same score, write the same number the other way so it is sent (85 <-> 85.0).
		if (had && +had === +v) v = !nudge ? had : had === String(+had) ? had + (had.includes(".") ? "0" : ".0") : String(+had);
		set(p + "score.min", 0); set(p + "score.max", 100); set(p + "score.raw", v);
		if (v4) set(p + "score.scaled", max > 0 ? Math.round(raw / max * 10000) / 10000 : 0);
	}
	const fail = (code, msg) => { throw Object.assign(new Error(msg), {code}); };
	const self = host(kind, T.limit, {
		start() {
			if (!api) fail("NO_API", `No SCORM ${v4 ? "2004" : "1.2"} API found`);
			if (String(call(INIT, "")) !== "true") fail(err === 104 ? "SECOND" : "NO_INIT", err === 104 // 2004: this page's API already served another SCO (Moodle 4.3 keeps one per page)
				? "Your learning system cannot start a second module in the same page, so your progress here will not be recorded: leave this activity, then open this module again from your course page."
				: `The LMS refused to start the session (error ${err})`);
			live = true;
			const entry = get(T.entry), out = {entry: entry === "resume" ? "resume" : "ab-initio", state: null, location: null, learner: {id: get(T.id), name: get(T.name)}};
			out.mode = self.mode = get(T.mode) || "normal";
			locked = out.mode !== "normal"; // review, browse: show what was recorded, change nothing
			let data = "";
			if (entry !== "ab-initio" || locked) { // a later launch (resumed or not) or a review: what was kept
				data = get("cmi.suspend_data");
				try { out.state = JSON.parse(data || "null"); } catch (e) { /* unreadable: start again */ }
				out.location = get(T.location) || null;
			}
			if (!locked) { // never over a status already reported; "not attempted" would become "completed" at LMSFinish in Moodle
				const s = v4 ? "cmi.completion_status" : T.status, was = sent[s] = get(s);
				if (!/^(incomplete|completed|passed|failed)$/.test(was)) set(s, "incomplete");
				if (!v4) sent["cmi.core.score.raw"] = get("cmi.core.score.raw");
				// Stored with the first commit: if the last save is lost (a closing page sends at most 64 KiB),
				// the next launch still resumes (Moodle's 2004 player gives a SCO its data back only after a suspend).
				set(T.exit, "suspend");
			}
			base = hash(data);
			jr = journal(store, `${options.key || "carecourse"}:${out.learner.id}`);
			const j = !locked && jr.get(); // progress this browser kept since the LMS's last commit
			if (j && j.b === base) { out.state = j.s; out.location = j.l; }
			else if (!locked) jr.drop();
			let n = call(GET, "cmi.interactions._count");
			if (err) noIx = true; else ixN = +n || 0; // optional: skip
			n = call(GET, "cmi.objectives._count");
			if (err) noObj = true;
			else for (objN = +n || 0, n = 0; n < objN; n++) objIndex[get(`cmi.objectives.${n}.id`)] = n;
			return out;
		},
		/** when "now": commit (a milestone); "hold": only set (finish stores it); else commit when the last commit is
		 *  EVERY old, and meanwhile keep the state in the browser's journal. */
		saveState(state, location, when) {
			const s = JSON.stringify(state);
			if (state != null && s.length <= T.limit) set("cmi.suspend_data", s);
			if (location != null) set(T.location, String(location).slice(0, 255));
			if (!dirty || when === "hold") return;
			if (when === "now" || Date.now() - last >= EVERY) commit();
			else jr.put({b: base, s: state, l: location});
		},
		recordInteraction(ix) {
			const p = `cmi.interactions.${ixN}.`, type = ix.type === "long-fill-in" ? T.long : ix.type, when = ix.timestamp || Date.now();
			if (noIx || !live || locked) return;
			if (!set(p + "id", sanitizeId(ix.id))) return void (noIx = unsupported());
			ixN++;
			set(p + "type", type);
			(ix.objectives || []).forEach((o, i) => set(`${p}objectives.${i}.id`, sanitizeId(o)));
			const d = new Date(when);
			set(p + (v4 ? "timestamp" : "time"), v4 ? timestamp2004(when) : [d.getHours(), d.getMinutes(), d.getSeconds()].map(pad).join(":"));
			const cr = ix.correct_responses || [];
			if (cr.length && type !== "long-fill-in") set(p + "correct_responses.0.pattern", format(v4, type, cr[0], true));
			if (ix.weighting != null) set(p + "weighting", ix.weighting);
			if (ix.learner_response != null) set(p + T.response, format(v4, type, ix.learner_response));
			set(p + "result", ix.result === "incorrect" ? T.wrong : ix.result);
			set(p + "latency", v4 ? duration2004(ix.latency_ms || 0) : timespan12(ix.latency_ms || 0, true));
		},
		recordObjective(o) {
			const id = sanitizeId(o.id);
			let i = objIndex[id];
			if (noObj || !live || locked) return;
			if (i === undefined) { // append, never overwrite
				if (!set(`cmi.objectives.${objN}.id`, id)) return void (noObj = unsupported());
				i = objIndex[id] = objN++;
			}
			const p = `cmi.objectives.${i}.`;
			scores(p, o.score_raw || 0, o.score_max);
			status(p, Object.assign({final: true}, o, {completion: o.completion || "completed"}));
		},
		/** The result: status (with what was set before it) committed first, then the score, so an LMS that
		 *  recomputes grade and completion when the score arrives reads the new status (Moodle does). */
		report(r) {
			if (!live || locked) return;
			const p = v4 ? "cmi." : "cmi.core.", changed = status(p, r);
			if (changed && r.score_max != null) commit();
			scores(p, r.score_raw || 0, r.score_max, changed);
			commit();
		},
		/** Ask the LMS to launch the next SCO when this one ends; false when it cannot. */
		next() {
			if (!live) return false;
			const ok = String(call(SET, T.nav, "continue")) === "true";
			if (ok) dirty = true;
			return ok;
		},
		finish(r) {
			if (!live) return;
			if (!locked) {
				const p = v4 ? "cmi." : "cmi.core.";
				status(p, r); scores(p, r.score_raw || 0, r.score_max);
				set(T.time, v4 ? duration2004(r.session_ms || 0) : timespan12(r.session_ms || 0));
				set(T.exit, r.exit === "suspend" ? "suspend" : T.normal);
			}
			live = false; // Terminate/LMSFinish stores everything: no Commit before it
			if (String(call(TERM, "")) === "true" && !locked) jr.drop();
		}
	});
	return self;
}

/** beat(s) per 30 active seconds (README.md). */
function activity(win, beat) {
	const doc = win.document;
	let last = Date.now(), active = 0;
	"keydown pointerdown input scroll touchstart".split(" ").forEach(e => doc.addEventListener(e, () => { last = Date.now(); }, true));
	const flush = final => { if (active) beat(active, final); active = 0; };
	const timer = win.setInterval(() => { if (doc.visibilityState !== "hidden" && Date.now() - last < 300000 && ++active >= 30) flush(); }, 1000);
	doc.addEventListener("visibilitychange", () => doc.visibilityState === "hidden" && flush(1)); // hidden: send what is counted
	return {flush, stop: () => win.clearInterval(timer)};
}

// What the learner is told when the server refuses a request (README.md: conflicts are shown, never dropped silently).
const SAY = {
	401: "You have been signed out, so your answers are not being saved. Sign in again in another tab: they will be saved then.",
	403: "You have been signed out, so your answers are not being saved. Sign in again in another tab: they will be saved then."
};

function app(options) {
	const cfg = (options.launch || root.CC_LAUNCH || {}).app || {}, win = options.window || root, queue = [], tell = options.tell || nop;
	const base = String(cfg.api || "").replace(/\/$/, ""), fetch = options.fetch || win.fetch.bind(win);
	let busy = false, done = false, beats = null;
	const post = (path, body, keepalive) => fetch(`${base}/${path}`, {
		method: "POST", credentials: "same-origin", keepalive: !!keepalive, body: JSON.stringify(body),
		headers: {"Content-Type": "application/json", "X-CSRFToken": cfg.csrf || ""}
	}).then(r => r.json().catch(() => null).then(data => {
		if (!r.ok) throw Object.assign(new Error((data && data.message) || "HTTP " + r.status), {status: r.status, data});
		return data;
	}));
	// In order; retried when the network, the server or the session fails; a newer state replaces a waiting one.
	function send(path, body) { // an answer still waiting is replaced by the newer one to the same question
		const waiting = /state|answers/.test(path) && queue.find((j, i) => i > 0 && j.path === path && j.body.index === body.index);
		if (waiting) return waiting.body = body, waiting.done;
		const job = {path, body, tries: 0};
		job.done = new Promise((ok, no) => { job.ok = ok; job.no = no; });
		job.done.catch(nop);
		queue.push(job);
		pump();
		return job.done;
	}
	function pump() {
		const job = queue[0];
		if (busy || !job || done) return; // once the page closes, finish() has sent what was left
		busy = true;
		post(job.path, job.body).then(data => { queue.shift(); busy = false; job.ok(data); pump(); }, e => {
			busy = false;
			const s = e.status, again = !s || s >= 500 || s === 408 || s === 429 || s === 401 || s === 403 || (s === 409 && e.data && e.data.code === "busy");
			if (SAY[s]) tell(SAY[s]);
			if (!again) { // refused for good (a closed attempt, a malformed answer): say so, go on with the rest
				queue.shift(); tell(e.message); job.no(e); return pump();
			}
			win.setTimeout(pump, Math.min(30000, 1000 * 2 ** ++job.tries));
		});
	}
	if (win.addEventListener) win.addEventListener("online", pump);
	// Unconfirmed answers by index, kept in this tab's sessionStorage (gone when the tab closes: shared computers).
	const dkey = "carecourse-drafts:" + (cfg.attempt || {}).id;
	let drafts = {}, store;
	try { store = options.session || win.sessionStorage; drafts = JSON.parse(store.getItem(dkey)) || {}; } catch (e) { /* none or blocked */ }
	const keepDrafts = () => { try { store.setItem(dkey, JSON.stringify(drafts)); } catch (e) { /* full or blocked */ } };
	function saveAnswer(body) {
		drafts[body.index] = body; keepDrafts();
		const sent = () => { if (drafts[body.index] === body) { delete drafts[body.index]; keepDrafts(); } };
		send("answers", body).then(sent, sent); // stored, or refused for good (and said so)
	}
	return host("app", Infinity, {
		server: true, // the server marks: the page has no answer keys
		start() {
			const a = cfg.attempt || {}, r = (a.responses || []).slice();
			if (win.document) beats = activity(win, (s, final) => (final ? post("heartbeat", {active_seconds: s}, true).catch(nop) : send("heartbeat", {active_seconds: s})));
			// Answers the server had not confirmed when the page closed (a reload while typing) come back from
			// this tab's own copy, exactly, and are sent again.
			if (a.status === "in_progress") for (const k in drafts) { r[drafts[k].index] = drafts[k].response; saveAnswer(drafts[k]); }
			return {...begin(a, a.learner || {}, a.seed ?? null), responses: r, items: a.items || null, checked: a.checked || {}};
		},
		saveAnswer: (index, response, path, q) => saveAnswer(Object.assign({index, response}, q && {question: q.id, version: q.version}, path && {path})),
		saveState: (state, location) => void send("state", {state, location: location == null ? null : String(location)}),
		/** The server marks one answer (immediate feedback) or one scenario step: {score, max, correct, feedback[, next]}. */
		check: (index, response, step) => send("check", Object.assign({index, response}, step && {step})),
		submit: responses => send("submit", {responses}),
		next: () => !!cfg.next && (win.location.href = cfg.next.url, true),
		finish() {
			if (done) return;
			done = true;
			if (beats) { beats.flush(true); beats.stop(); }
			// Closing: the newest state and the newest answer to each question not yet confirmed go now,
			// and nothing after them. An older answer sent again could land after the newer one (two closing
			// requests arrive in either order) and be the one stored; the tab's copy keeps the newest for the
			// next page to send again.
			const newest = (j, i) => !queue.some((x, k) => k > i && x.path === j.path && (j.path === "state" || x.body.index === j.body.index));
			queue.filter((j, i) => /^(state|answers)$/.test(j.path) && newest(j, i)).forEach(j => post(j.path, j.body, true).catch(nop));
		}
	});
}

function preview(options) {
	const store = options.storage || root.localStorage, key = options.key || "carecourse-preview";
	let rec = {};
	try { rec = JSON.parse(store.getItem(key)) || {}; } catch (e) { /* nothing kept yet */ }
	return host("preview", options.limit || 64000, {
		start: () => begin(rec, {id: "preview", name: "Preview"}),
		saveState(state, location) { rec = {state, location}; try { store.setItem(key, JSON.stringify(rec)); } catch (e) { /* full or blocked: only a preview */ } }
	});
}

const CCRuntime = {
	CMI, EVERY, sanitizeId, timespan12, duration2004, timestamp2004, findAPI, hash,
	/** kind: scorm12, scorm2004, app, preview or none. */
	create(kind, options = {}) {
		if (CMI[kind]) return scorm(kind, options);
		const make = {app, preview, none: () => preview({storage: {getItem: nop, setItem: nop}})}[kind];
		if (!make) throw new Error("Unknown runtime kind: " + kind);
		return make(options);
	}
};
if (typeof module === "object" && module.exports) module.exports = CCRuntime;
else root.CCRuntime = CCRuntime;
})(typeof window !== "undefined" ? window : this);
