// Live filtering of a unit page's criteria as the user types. The page works without this:
// the form is a GET with ?q= and the server (course/frameworks/search.py) filters the same way.
// The matching rules here must stay those of search.py.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var section = document.querySelector("[data-criteria]");
  if (!form || !section) { return; }
  var input = form.querySelector("input[name=q]");
  var count = document.getElementById("fw-count");
  var clear = section.querySelector(".fw-clear");
  var total = Number(section.getAttribute("data-total"));
  var QUERY_CHARS = 200;
  var CODE_LIKE = /^(?:[a-z]{0,2}\d[\d.]*|[a-z])$/;
  var rows = Array.prototype.map.call(section.querySelectorAll("tr[id^='criterion-']"), function (tr) {
    var codeEl = tr.querySelector("th code");
    var textEl = tr.querySelector("td[data-label='Criterion']");
    return { tr: tr, codeEl: codeEl, textEl: textEl, code: codeEl.textContent, text: textEl.textContent };
  });
  var announceTimer = null;

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // The word at the start of the text or after a character that is not a letter or digit.
  function wordStart(word) { return new RegExp("(?<![\\p{L}\\p{N}])" + escapeRegExp(word), "gu"); }

  function parse(raw) {
    var text = raw.trim();
    if (!text || text.length > QUERY_CHARS) { return null; }
    var words = text.toLowerCase().split(/\s+/);
    var joined = words.join("");
    if (CODE_LIKE.test(joined)) { return { text: text, prefix: joined, words: [] }; }
    return { text: text, prefix: null, words: words };
  }

  function matches(query, code, text) {
    code = code.toLowerCase();
    if (query.prefix !== null) { return code.indexOf(query.prefix) === 0; }
    text = text.toLowerCase();
    return query.words.every(function (w) { return code.indexOf(w) === 0 || wordStart(w).test(text); });
  }

  // Replace el's content by text with the [start, end) spans in <mark>, built as nodes (no HTML).
  function paint(el, text, spans) {
    spans.sort(function (a, b) { return a[0] - b[0]; });
    el.textContent = "";
    var pos = 0;
    spans.forEach(function (span) {
      if (span[1] <= pos) { return; }
      var start = Math.max(span[0], pos);
      el.appendChild(document.createTextNode(text.slice(pos, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, span[1]);
      el.appendChild(mark);
      pos = span[1];
    });
    el.appendChild(document.createTextNode(text.slice(pos)));
  }

  function codeSpans(query, code) {
    var prefixes = query.prefix !== null ? [query.prefix] : query.words;
    var longest = 0;
    prefixes.forEach(function (p) {
      if (code.toLowerCase().indexOf(p) === 0) { longest = Math.max(longest, p.length); }
    });
    return longest ? [[0, longest]] : [];
  }

  function textSpans(query, text) {
    var lowered = text.toLowerCase();
    var spans = [];
    query.words.forEach(function (w) {
      var re = wordStart(w), m;
      while ((m = re.exec(lowered)) !== null) { spans.push([m.index, m.index + m[0].length]); }
    });
    return spans;
  }

  function countWords(n) {
    if (n === 0) { return "No criteria match"; }
    return n === 1 ? "1 criterion matches" : n + " criteria match";
  }

  function apply(announceNow) {
    var query = parse(input.value);
    var found = 0;
    rows.forEach(function (row) {
      var hit = query === null || matches(query, row.code, row.text);
      row.tr.hidden = !hit;
      paint(row.codeEl, row.code, hit && query ? codeSpans(query, row.code) : []);
      paint(row.textEl, row.text, hit && query ? textSpans(query, row.text) : []);
      if (hit) { found += 1; }
    });
    section.querySelectorAll("section.outcome").forEach(function (outcome) {
      var shown = outcome.querySelector("tr[id^='criterion-']:not([hidden])") !== null;
      outcome.hidden = !shown;
      var entry = section.querySelector("[data-outcome='" + outcome.id + "']");
      if (entry) { entry.hidden = !shown; }
    });
    clear.hidden = query === null;
    var url = new URL(window.location.href);
    if (query === null) { url.searchParams.delete("q"); } else { url.searchParams.set("q", query.text); }
    window.history.replaceState(null, "", url.pathname + url.search);
    // Announce once the typing pauses, so a screen reader hears one count, not one per key.
    window.clearTimeout(announceTimer);
    var words = query === null ? "" : countWords(found) + " \u201c" + query.text + "\u201d (" + total + " in this unit).";
    announceTimer = window.setTimeout(function () { count.textContent = words; }, announceNow ? 0 : 400);
  }

  input.addEventListener("input", function () { apply(false); });
  form.addEventListener("submit", function (event) {
    if (input.value.trim().length > QUERY_CHARS) { return; }  // the server explains the limit
    event.preventDefault();
    apply(true);
  });
  clear.querySelector("a").addEventListener("click", function (event) {
    event.preventDefault();
    input.value = "";
    apply(true);
    input.focus();
  });
}());
