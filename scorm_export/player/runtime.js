/* carecourse runtime (README.md): CCRuntime.create(kind), the player's host interface. */
(function (root) {
"use strict";
// CMI names per version (SCORM 1.2 RTE 3.4; SCORM 2004 4th ed. RTE 4.2).
const CMI = {
	scorm12: {api: "API", depth: 7, limit: 4096, fn: "LMSInitialize LMSFinish LMSGetValue LMSSetValue LMSCommit LMSGetLastError",
		entry: "cmi.core.entry", location: "cmi.core.lesson_location", id: "cmi.core.student_id", name: "cmi.core.student_name",
		status: "cmi.core.lesson_status", time: "cmi.core.session_time", exit: "cmi.core.exit", normal: "",
		response: "student_response", wrong: "wrong", long: "fill-in"},
	scorm2004: {api: "API_1484_11", depth: 500, limit: 64000, fn: "Initialize Terminate GetValue SetValue Commit GetLastError",
		entry: "cmi.entry", location: "cmi.location", id: "cmi.learner_id", name: "cmi.learner_name",
		time: "cmi.session_time", exit: "cmi.exit", normal: "normal",
		response: "learner_response", wrong: "incorrect", long: "long-fill-in", v4: 1}
};

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
const oneLine = (s, max) => String(s ?? "").replace(/\s+/g, " ").replace(/^\{/, "(").trim().slice(0, max);

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

const nop = () => {};
const host = (kind, limit, own) => Object.assign({kind, limit, saveAnswer: nop, recordInteraction: nop, recordObjective: nop, report: nop, submit: () => Promise.resolve(null), finish: nop}, own);
const begin = (rec, learner, seed) => ({entry: rec.state ? "resume" : "ab-initio", state: rec.state || null, location: rec.location || null, learner, seed});

function scorm(kind, options) {
	const T = CMI[kind], v4 = !!T.v4, api = options.api || findAPI(options.window || root, T.api, T.depth);
	const [INIT, TERM, GET, SET, COMMIT, ERR] = T.fn.split(" "), objIndex = {};
	let live = false, dirty = false, queued = false, err = 0, ixN = 0, objN = 0, noIx = false, noObj = false;
	const call = (f, ...a) => { const r = api[f](...a); err = +api[ERR]() || 0; return r; };
	const get = name => { const v = call(GET, name); return err || v == null ? "" : String(v); };
	const set = (name, value) => { const ok = live && String(call(SET, name, String(value))) === "true"; dirty = dirty || ok; return ok; };
	const commit = () => { queued = false; if (live && dirty) { dirty = false; call(COMMIT, ""); } };
	const later = () => { if (!queued) { queued = true; Promise.resolve().then(() => queued && commit()); } }; // one commit per batch
	const unsupported = () => err === 401 || err === 402 || (!v4 && err === 403);
	function result(p, raw, max, success, completion, status = p + "status") {
		if (max != null) {
			set(p + "score.min", 0); set(p + "score.max", 100); set(p + "score.raw", max > 0 ? Math.round(raw / max * 10000) / 100 : 0);
			if (v4) set(p + "score.scaled", max > 0 ? Math.round(raw / max * 10000) / 10000 : 0);
		}
		const s = success === true ? "passed" : success === false ? "failed" : null;
		if (!v4) return set(status, s || completion);
		set(p + "completion_status", completion); set(p + "success_status", s || "unknown");
	}
	const fail = (code, msg) => { throw Object.assign(new Error(msg), {code}); };
	const self = host(kind, T.limit, {
		start() {
			if (!api) fail("NO_API", `No SCORM ${v4 ? "2004" : "1.2"} API found`);
			if (String(call(INIT, "")) !== "true") fail("NO_INIT", `The LMS refused to start the session (error ${err})`);
			live = true;
			const entry = get(T.entry), out = {entry: entry === "resume" ? "resume" : "ab-initio", state: null, location: null, learner: {id: get(T.id), name: get(T.name)}};
			if (entry === "resume") { // only a resumed attempt has these set
				try { out.state = JSON.parse(get("cmi.suspend_data") || "null"); } catch (e) { /* unreadable: start again */ }
				out.location = get(T.location) || null;
			} else set(v4 ? "cmi.completion_status" : "cmi.core.lesson_status", "incomplete");
			let n = call(GET, "cmi.interactions._count");
			if (err) noIx = true; else ixN = +n || 0; // optional: skip
			n = call(GET, "cmi.objectives._count");
			if (err) noObj = true;
			else for (objN = +n || 0, n = 0; n < objN; n++) objIndex[get(`cmi.objectives.${n}.id`)] = n;
			return out;
		},
		saveState(state, location) {
			const s = JSON.stringify(state);
			if (state != null && s.length <= T.limit) set("cmi.suspend_data", s);
			if (location != null) set(T.location, String(location).slice(0, 255));
			commit();
		},
		recordInteraction(ix) {
			const p = `cmi.interactions.${ixN}.`, type = ix.type === "long-fill-in" ? T.long : ix.type, when = new Date(ix.timestamp || Date.now());
			if (noIx || !live) return;
			if (!set(p + "id", sanitizeId(ix.id))) return void (noIx = unsupported());
			ixN++;
			set(p + "type", type);
			(ix.objectives || []).forEach((o, i) => set(`${p}objectives.${i}.id`, sanitizeId(o)));
			if (v4) set(p + "timestamp", when.toISOString());
			else set(p + "time", [when.getHours(), when.getMinutes(), when.getSeconds()].map(pad).join(":"));
			const cr = ix.correct_responses || [];
			if (cr.length && type !== "long-fill-in") set(p + "correct_responses.0.pattern", format(v4, type, cr[0], true));
			if (ix.weighting != null) set(p + "weighting", ix.weighting);
			if (ix.learner_response != null) set(p + T.response, format(v4, type, ix.learner_response));
			set(p + "result", ix.result === "incorrect" ? T.wrong : ix.result);
			set(p + "latency", v4 ? duration2004(ix.latency_ms || 0) : timespan12(ix.latency_ms || 0, true));
			if (v4 && ix.description) set(p + "description", oneLine(ix.description, 250));
			later();
		},
		recordObjective(o) {
			const id = sanitizeId(o.id);
			let i = objIndex[id];
			if (noObj || !live) return;
			if (i === undefined) { // append, never overwrite
				if (!set(`cmi.objectives.${objN}.id`, id)) return void (noObj = unsupported());
				i = objIndex[id] = objN++;
			}
			result(`cmi.objectives.${i}.`, o.score_raw || 0, o.score_max, o.success, o.completion || "completed");
			later();
		},
		report(r) { result(v4 ? "cmi." : "cmi.core.", r.score_raw || 0, r.score_max, r.success, r.completion, T.status); later(); },
		finish(r) {
			if (!live) return;
			self.report(r);
			set(T.time, v4 ? duration2004(r.session_ms || 0) : timespan12(r.session_ms || 0));
			set(T.exit, r.exit === "suspend" ? "suspend" : T.normal);
			commit();
			live = false;
			call(TERM, "");
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

function app(options) {
	const cfg = (options.launch || root.CC_LAUNCH || {}).app || {}, win = options.window || root, queue = [];
	const base = String(cfg.api || "").replace(/\/$/, ""), fetch = options.fetch || win.fetch.bind(win);
	let busy = false, done = false, beats = null;
	const post = (path, body, keepalive) => fetch(`${base}/${path}`, {
		method: "POST", credentials: "same-origin", keepalive: !!keepalive, body: JSON.stringify(body),
		headers: {"Content-Type": "application/json", "X-CSRFToken": cfg.csrf || ""}
	}).then(r => {
		if (!r.ok) throw Object.assign(new Error("HTTP " + r.status), {status: r.status});
		return r.json().catch(() => null);
	});
	// In order, retried; a newer state replaces a waiting one.
	function send(path, body) {
		const waiting = path === "state" && queue.find((j, i) => i > 0 && j.path === path);
		if (waiting) waiting.body = body; else queue.push({path, body, tries: 0});
		pump();
	}
	function pump() {
		const job = queue[0];
		if (busy || !job) return;
		busy = true;
		post(job.path, job.body).then(() => { queue.shift(); busy = false; pump(); }, e => {
			busy = false;
			if (e.status < 500 && e.status !== 408 && e.status !== 429) return queue.shift(), pump();
			win.setTimeout(pump, Math.min(30000, 1000 * 2 ** ++job.tries));
		});
	}
	if (win.addEventListener) win.addEventListener("online", pump);
	return host("app", Infinity, {
		start() {
			const a = cfg.attempt || {};
			if (win.document) beats = activity(win, (s, final) => (final ? post("heartbeat", {active_seconds: s}, true).catch(nop) : send("heartbeat", {active_seconds: s})));
			return {...begin(a, a.learner || {}, a.seed ?? null), responses: a.responses || []};
		},
		saveAnswer(index, response, path, q) {
			send("answers", Object.assign({index, response}, q && {question: q.id, version: q.version}, path && {path}));
		},
		saveState: (state, location) => send("state", {state, location: location == null ? null : String(location)}),
		submit: responses => post("submit", {responses}),
		finish() {
			if (done) return;
			done = true;
			if (beats) { beats.flush(true); beats.stop(); }
			const last = queue.filter(j => j.path === "state").pop(); // closing: send now
			if (last) post("state", last.body, true).catch(nop);
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
	CMI, sanitizeId, timespan12, duration2004, findAPI,
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
