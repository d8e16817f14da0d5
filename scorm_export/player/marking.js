/* carecourse marking engine for the player: the rules of question_bank (docs/formats.md,
 * "Mark result" and "Seeded draws"), checked against tests/vectors/marking.json by
 * tests/js/marking.test.js. Classic script, no dependencies: defines window.CCMarking. */
(function (root) {
  "use strict";
  // Unicode White_Space, spelt out as in question_bank/model.py (\s differs from Python's).
  var WS = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+";
  var WS_RUN = new RegExp(WS, "g"), WS_EDGES = new RegExp("^" + WS + "|" + WS + "$", "g");
  var NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

  function fail(message) { throw new Error(message); }
  function q(v) { return typeof v === "string" ? "'" + v + "'" : JSON.stringify(v); }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function find(list, id) { for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i]; return null; }
  function r6(x) { return +x.toFixed(6); }
  function pts(Q) { return Q.points == null ? 1 : Q.points; }
  function collapse(s) { return s.replace(WS_RUN, " ").replace(/^ | $/g, ""); }
  function norm(s, cs) { s = collapse(s.normalize("NFC")); return cs ? s : s.toLowerCase(); }
  function words(s) { s = collapse(s); return s ? s.split(" ").length : 0; }

  function result(Q, score, fraction, correct, fb, response, pending) {
    if (Q.general_feedback) fb.push(Q.general_feedback);
    return { score: score, max: pts(Q), fraction: fraction, correct: correct, feedback: fb,
      response: response, pending: pending };
  }
  function finish(Q, f, fb, response) {
    var rf = r6(f);
    return result(Q, r6(pts(Q) * f), rf, rf === 1, fb, response, false);
  }
  function ids(list) { return list.map(function (x) { return x.id; }); }

  function choices(r, list, what) { // validate a list of ids: strings, known, no repeats
    if (!Array.isArray(r)) fail("expected a list of " + what + " ids");
    var seen = {};
    r.forEach(function (id) {
      if (typeof id !== "string") fail("expected " + what + " ids (strings) in the list");
      if (!find(list, id)) fail("unknown " + what + " " + q(id));
      if (own(seen, id)) fail("duplicate " + what + " " + q(id));
      seen[id] = 1;
    });
    return seen;
  }

  function bestAnswer(g, key) {
    var best = null, cs = !!g.case_sensitive;
    g.answers.forEach(function (a) {
      var credit = a.credit == null ? 1 : a.credit, hit;
      if (g.options) hit = a.text === key;
      else {
        var t = norm(a.text, cs);
        if (g.wildcard && t.indexOf("*") >= 0) {
          hit = new RegExp("^" + t.split("*").map(function (p) {
            return p.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
          }).join("[\\s\\S]*") + "$").test(key);
        } else hit = t === key;
      }
      if (hit && (!best || credit > best.credit)) best = { credit: credit, feedback: a.feedback };
    });
    return best;
  }

  var TYPES = {
    single_choice: function (Q, r) {
      if (typeof r !== "string") fail("expected an option id (a string)");
      var o = find(Q.options, r);
      if (!o) fail("unknown option " + q(r));
      return finish(Q, o.correct ? 1 : 0, o.feedback ? [o.feedback] : [], r);
    },
    multiple_response: function (Q, r) {
      var seen = choices(r, Q.options, "option"), nr = 0, rights = 0, n = 0, f = 0, fb = [], out = [];
      Q.options.forEach(function (o) { if (o.correct) nr++; });
      var nw = Q.options.length - nr;
      Q.options.forEach(function (o) {
        if (!own(seen, o.id)) return;
        n++; out.push(o.id);
        if (o.correct) { rights++; f += 1 / nr; } else f -= 1 / nw;
        if (o.feedback) fb.push(o.feedback);
      });
      var exact = rights === nr && n === nr;
      return finish(Q, exact ? 1 : Q.all_or_nothing ? 0 : Math.max(0, f), fb, out);
    },
    true_false: function (Q, r) {
      if (typeof r !== "boolean") fail("expected true or false");
      var fb = r ? Q.feedback_true : Q.feedback_false;
      return finish(Q, r === Q.answer ? 1 : 0, fb ? [fb] : [], r);
    },
    matching: function (Q, r) {
      if (!isObj(r)) fail("expected an object mapping premises to responses");
      for (var k in r) {
        if (!own(r, k)) continue;
        if (!find(Q.premises, k)) fail("unknown premise " + q(k));
        var v = r[k];
        if (v === null) continue;
        if (typeof v !== "string") fail("expected a response id for premise " + q(k));
        if (!find(Q.responses, v)) fail("unknown response " + q(v) + " for premise " + q(k));
      }
      var right = 0, out = {};
      Q.premises.forEach(function (p) {
        var v = own(r, p.id) ? r[p.id] : null;
        out[p.id] = v;
        if (v === p.match) right++;
      });
      return finish(Q, right / Q.premises.length, [], out);
    },
    ordering: function (Q, r) {
      var order = ids(Q.items), seen = choices(r, Q.items, "item");
      order.forEach(function (id) { if (!own(seen, id)) fail("missing item " + q(id)); });
      // The LCS of a permutation with the right order is its longest increasing run of ranks.
      var rank = r.map(function (id) { return order.indexOf(id); }), len = [], longest = 0;
      rank.forEach(function (x, i) {
        len[i] = 1;
        for (var j = 0; j < i; j++) if (rank[j] < x && len[j] + 1 > len[i]) len[i] = len[j] + 1;
        longest = Math.max(longest, len[i]);
      });
      return finish(Q, (longest - 1) / (order.length - 1), [], r.slice());
    },
    short_answer: function (Q, r) {
      if (!isObj(r)) fail("expected an object mapping gaps to answers");
      for (var k in r) if (own(r, k) && !find(Q.gaps, k)) fail("unknown gap " + q(k));
      var total = 0, fb = [], out = {};
      Q.gaps.forEach(function (g) {
        var v = own(r, g.id) ? r[g.id] : null, text = "", key = null, where = " for gap " + q(g.id);
        if (v === null) text = "";
        else if (g.options) {
          if (Number.isInteger(v)) {
            if (v < 0 || v >= g.options.length) fail("index out of range" + where + ": " + v);
            v = g.options[v];
          } else if (typeof v !== "string") fail("expected a string" + where);
          else if (g.options.indexOf(v) < 0) fail("unknown option " + q(v) + where);
          text = key = v;
        } else if (typeof v === "string") {
          text = norm(v, true);
          if (text) key = g.case_sensitive ? text : text.toLowerCase();
        } else fail("expected a string" + where);
        out[g.id] = text;
        var best = key === null ? null : bestAnswer(g, key);
        if (best) { total += best.credit; if (best.feedback) fb.push(best.feedback); }
      });
      return finish(Q, total / Q.gaps.length, fb, out);
    },
    numeric: function (Q, r) {
      var v, best = null;
      if (typeof r === "string") {
        var t = r.replace(WS_EDGES, ""), u = Q.unit;
        if (u && t.slice(-u.length) === u) t = t.slice(0, -u.length).replace(WS_EDGES, "");
        if (!t) return mark(Q, null);
        if (!NUMBER.test(t)) fail("not a number: " + q(r));
        v = Number(t);
      } else if (typeof r === "number") v = r;
      else fail("expected a number");
      if (!isFinite(v)) fail("not a finite number");
      Q.answers.forEach(function (a) {
        var credit = a.credit == null ? 1 : a.credit;
        if (Math.abs(v - a.value) <= (a.tolerance || 0) + 1e-9 * Math.max(1, Math.abs(a.value)) &&
            (!best || credit > best.credit)) best = { credit: credit, feedback: a.feedback };
      });
      return finish(Q, best ? best.credit : 0, best && best.feedback ? [best.feedback] : [], v);
    },
    essay: function (Q, r) {
      if (typeof r !== "string") fail("expected a string");
      var n = words(r), limit = Q.word_limit, least = Q.min_words || 0;
      if (limit != null && n > limit) fail("over the word limit: " + n + " words, limit " + limit);
      if (n < least) fail("under the minimum: " + n + " words, at least " + least);
      return result(Q, 0, 0, null, [], r.normalize("NFC"), true);
    },
    scenario: function (Q, r) {
      if (!isObj(r)) fail("expected an object with path and answers");
      for (var k in r) if (own(r, k) && k !== "path" && k !== "answers") fail("unknown key " + q(k) + " in the scenario response");
      var path = r.path, ans = own(r, "answers") ? r.answers : {}, steps = Q.steps, first = steps[0].id;
      if (!Array.isArray(path)) fail("path: expected a list of step ids");
      if (!isObj(ans)) fail("answers: expected an object mapping steps to answers");
      path.forEach(function (id) { if (typeof id !== "string" || !find(steps, id)) fail("unknown step " + q(id) + " in the path"); });
      for (k in ans) {
        if (!own(ans, k)) continue;
        if (!find(steps, k)) fail("unknown step " + q(k) + " in the answers");
        if (path.indexOf(k) < 0) fail("answer for step " + q(k) + ", which is not on the path");
      }
      var cur = first, n = 0, score = 0, total = 0, pending = false, fb = [], out = {};
      while (cur !== "end") {
        if (n > steps.length) fail("the scenario's steps loop");
        if (n >= path.length) fail(n ? "path stops before step " + q(cur) : "path must start at step " + q(first));
        if (path[n] !== cur) {
          fail(n ? "path goes to " + q(path[n]) + " after " + q(path[n - 1]) + ", but the answers lead to " + q(cur)
            : "path must start at step " + q(first));
        }
        var i = ids(steps).indexOf(cur), s = steps[i], c = s.question, m;
        try { m = mark(c, own(ans, cur) ? ans[cur] : null); } catch (e) { fail("step " + q(cur) + ": " + e.message); }
        out[cur] = m.response; score += m.score; total += m.max; pending = pending || m.pending;
        fb.push.apply(fb, m.feedback);
        var key = m.response === null ? null : c.type === "single_choice" ? m.response
          : c.type === "true_false" ? String(m.response) : null, br = s.branches || {};
        cur = key !== null && own(br, key) ? br[key]
          : s.next != null ? s.next : i + 1 < steps.length ? steps[i + 1].id : "end";
        n++;
      }
      if (n < path.length) fail("path goes on after the end: " + q(path[n]));
      var f = total ? r6(score / total) : 0;
      return result(Q, total ? r6(pts(Q) * score / total) : 0, f, pending ? null : f === 1, fb,
        { path: path.slice(), answers: out }, pending);
    }
  };

  /** Mark one response to one question (JSON form); throws Error naming a malformed response. */
  function mark(Q, r) {
    if (r === null || r === undefined) return result(Q, 0, 0, false, [], null, false);
    if (!own(TYPES, Q.type)) fail("unknown question type " + q(Q.type));
    return TYPES[Q.type](Q, r);
  }

  /** mulberry32: floats in [0, 1) from a 32-bit seed. */
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = Math.imul(a ^ a >>> 15, a | 1);
      t ^= t + Math.imul(t ^ t >>> 7, t | 61);
      return ((t ^ t >>> 14) >>> 0) / 4294967296;
    };
  }

  /** A shuffled copy: Fisher-Yates from the last index down to 1. */
  function shuffle(list, rand) {
    var out = list.slice();
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(rand() * (i + 1)), x = out[i];
      out[i] = out[j]; out[j] = x;
    }
    return out;
  }

  function order(Q, rand) {
    var t = Q.type;
    if ((t === "single_choice" || t === "multiple_response") && Q.shuffle) return shuffle(ids(Q.options), rand);
    if (t === "matching" && Q.shuffle) return shuffle(ids(Q.responses), rand);
    if (t === "ordering") return shuffle(ids(Q.items), rand);
    return null;
  }

  /** The questions of one attempt, as question_bank.draw.assemble_quiz gives them. */
  function assembleQuiz(quiz, questions, seed) {
    var rand = mulberry32(seed), current = {}, chosen = [], used = {}, fixed = {}, items = quiz.items || [];
    questions.forEach(function (Q) {
      if (!own(current, Q.id) || Q.version > current[Q.id].version) current[Q.id] = Q;
    });
    items.forEach(function (it) { if (own(it, "question")) fixed[it.question] = 1; });
    items.forEach(function (it, i) {
      var where = "quiz item " + (i + 1) + ": ";
      if (own(it, "question")) {
        var Q = questions.filter(function (x) { return x.id === it.question && x.version === it.version; })[0];
        if (!Q) fail(where + "question " + q(it.question) + " version " + q(it.version === undefined ? null : it.version) + " is not in the bank");
        if (own(used, Q.id)) fail(where + "question " + q(Q.id) + " is already in the quiz");
        chosen.push(Q); used[Q.id] = 1;
        return;
      }
      var d = it.draw, crit = d && d.criterion != null ? d.criterion : null, tag = d && d.tag != null ? d.tag : null;
      if (!isObj(d) || !Number.isInteger(d.count) || d.count < 1 || (crit === null && tag === null)) {
        fail(where + "expected a question or a draw with a count and a criterion or a tag");
      }
      var pool = Object.keys(current).sort().map(function (id) { return current[id]; }).filter(function (Q) {
        return !own(used, Q.id) && !own(fixed, Q.id) && (crit === null || Q.criteria.indexOf(crit) >= 0) &&
          (tag === null || (Q.tags || []).indexOf(tag) >= 0);
      });
      if (pool.length < d.count) {
        fail(where + "draw of " + d.count + " with " + [crit === null ? "" : "criterion " + q(crit),
          tag === null ? "" : "tag " + q(tag)].filter(Boolean).join(" and ") + " has only " +
          pool.length + " candidate" + (pool.length === 1 ? "" : "s"));
      }
      shuffle(pool, rand).slice(0, d.count).forEach(function (Q) { chosen.push(Q); used[Q.id] = 1; });
    });
    if (quiz.shuffle) chosen = shuffle(chosen, rand);
    return chosen.map(function (Q) {
      var e = { question: Q.id, version: Q.version, order: null };
      if (Q.type === "scenario") {
        e.step_orders = {};
        Q.steps.forEach(function (s) { var o = order(s.question, rand); if (o) e.step_orders[s.id] = o; });
      } else e.order = order(Q, rand);
      return e;
    });
  }

  var api = { mark: mark, mulberry32: mulberry32, shuffle: shuffle, assembleQuiz: assembleQuiz };
  root.CCMarking = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : this);
