// Question form niceties; everything works without them.
(function () {
  "use strict";
  // Criteria pickers: type a code or words to find criteria (the tree opens on the matches), tick
  // one; the chosen ones show above as chips, each with a button that takes it off again.
  function pickerOf(el) { return el.closest && el.closest("[data-picker]"); }
  function syncChips(picker) {
    var list = picker.querySelector(".chips");
    var none = picker.querySelector(".picker-none");
    if (!list) return;
    list.textContent = "";
    var ticked = picker.querySelectorAll(".criterion input[type=checkbox]:checked");
    ticked.forEach(function (box) {
      var label = picker.querySelector('label[for="' + box.id + '"]');
      var item = document.createElement("li");
      item.className = "chip";
      item.setAttribute("data-ref", box.value);
      var code = document.createElement("span");
      code.className = "code";
      code.textContent = box.value;
      item.appendChild(code);
      var text = label ? label.textContent.replace(box.value, "").replace("(performance)", "").trim() : "";
      item.appendChild(document.createTextNode(" " + text + " "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("data-box", box.id);
      remove.setAttribute("aria-label", "Remove " + box.value);
      remove.textContent = "×";
      item.appendChild(remove);
      list.appendChild(item);
    });
    if (none) none.hidden = ticked.length > 0;
  }
  function searchPicker(search) {
    var picker = pickerOf(search);
    var needle = search.value.trim().toLowerCase();
    var shown = 0;
    picker.querySelectorAll(".criterion").forEach(function (el) {
      el.hidden = needle !== "" && el.getAttribute("data-search").indexOf(needle) < 0;
      if (!el.hidden) shown++;
    });
    picker.querySelectorAll("details.framework").forEach(function (d) {
      if (needle) d.open = d.querySelector(".criterion:not([hidden])") !== null;
    });
    var tree = picker.querySelector("details.picker-tree");
    if (tree && needle) tree.open = true;
    var count = picker.querySelector(".picker-count");
    if (count) count.textContent = needle ? (shown === 1 ? "1 criterion matches" : shown + " criteria match") : "";
  }
  document.querySelectorAll("[data-picker]").forEach(syncChips);
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("criteria-search")) searchPicker(event.target);
  });
  document.addEventListener("change", function (event) {
    var picker = pickerOf(event.target);
    if (picker && event.target.type === "checkbox") syncChips(picker);
  });
  document.addEventListener("click", function (event) {
    var remove = event.target.closest && event.target.closest("button.chip-remove");
    if (!remove) return;
    var picker = pickerOf(remove);
    var box = document.getElementById(remove.getAttribute("data-box"));
    if (box) box.checked = false;
    syncChips(picker);
    var search = picker.querySelector(".criteria-search");
    if (search) search.focus();  // the chip (and its button) is gone: keep the tutor in the picker
    picker.dispatchEvent(new Event("change", { bubbles: true }));
  });
  // Search boxes: Enter searches, it does not save the question.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("criteria-search")) {
      event.preventDefault();
    }
  });

  // "Add ..." buttons add a row in place (no round trip): the last row is copied, renamed to the
  // next index and emptied. Without JS (or with no row to copy) the button submits and the
  // server adds the row.
  // A copied step was the last: it may move up, not down; the step before it now may move down.
  function stepTools(previous, row, count) {
    var down = row.querySelector('button[name=_move][value$=":down"]');
    if (down) down.remove();
    var tools = previous.querySelector(".card-tools");
    if (!tools || tools.querySelector('button[name=_move][value$=":down"]')) return;
    var from = previous.id.replace(/^f-/, "");
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "_move";
    button.value = from + ":down";
    button.className = "link-button";
    button.setAttribute("formaction", (previous.closest("form").getAttribute("action") || "") + "#" + previous.id);
    button.textContent = "Move step " + count + " down";
    tools.insertBefore(button, tools.querySelector("button[name=_remove]"));
  }
  function nextId(previous) {
    var m = /^(.*?)(\d+)$/.exec(previous);
    if (m) return m[1] + (parseInt(m[2], 10) + 1);
    if (/^[a-y]$/.test(previous)) return String.fromCharCode(previous.charCodeAt(0) + 1);
    return "";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=_add]");
    if (!button) return;
    var list = button.value;
    var fieldset = document.querySelector('fieldset[data-rows="' + list + '"]');
    var counter = fieldset && fieldset.querySelector('input[name="' + list + '-rows"]');
    if (!counter) return;
    var count = parseInt(counter.value, 10);
    var last = count > 0 && document.getElementById("f-" + list + "-" + (count - 1));
    if (!last) return;
    event.preventDefault();
    var from = list + "-" + (count - 1), to = list + "-" + count;
    var row = last.cloneNode(true);
    row.id = "f-" + to;
    row.querySelectorAll("*").forEach(function (el) {
      ["name", "id", "for", "aria-describedby", "data-field", "data-rows", "data-apply", "data-picker",
       "formaction", "data-box"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value !== null && value.indexOf(from) >= 0) el.setAttribute(attr, value.split(from).join(to));
      });
      // the row's own buttons (and those of rows inside it) act on the copy, not the original
      if (el.tagName === "BUTTON" && /^_(add|remove|move|apply)$/.test(el.name) &&
          (el.value === from || el.value.indexOf(from + "-") === 0 || el.value.indexOf(from + ":") === 0)) {
        el.value = to + el.value.slice(from.length);
        if ((el.name === "_remove" || el.name === "_move") && el.value.indexOf(to + "-") !== 0) {
          el.textContent = el.textContent.replace(/\d+(\s*(up|down))?\s*$/, String(count + 1) + "$1");
        }
      }
      if (el.tagName === "SUMMARY") el.textContent = el.textContent.replace(/for step \d+$/, "for step " + (count + 1));
      if (el.tagName === "SELECT" && el.classList.contains("step-select")) el.selectedIndex = 0;
      if (el.classList.contains("chip")) el.remove();
      if (el.tagName === "DETAILS") el.open = false;
      if (el.classList.contains("error-message")) el.remove();
      el.removeAttribute("aria-invalid");
      el.classList.remove("field-error");
    });
    row.querySelectorAll("input, textarea").forEach(function (input) {
      if (input.type === "hidden") return;
      if (input.type === "checkbox" || input.type === "radio") input.checked = false;
      else if (input.name === to + "-id") {
        var old = last.querySelector('input[name="' + from + '-id"]');
        input.value = nextId(old ? old.value : "");
      } else if (input.name === to + "-question-id") {
        var step = row.querySelector('input[name="' + to + '-id"]');
        input.value = (step && step.value ? step.value : to) + "-q";
      } else if (/-id$/.test(input.name)) {
        // ids of nested rows (a step's options) keep the copied pattern
      } else input.value = input.defaultValue = "";
      if (input.tagName === "TEXTAREA") input.textContent = "";
    });
    var legend = row.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(count + 1));
    last.parentNode.insertBefore(row, last.nextSibling);
    counter.value = String(count + 1);
    if (row.classList.contains("step-card")) stepTools(last, row, count);
    row.querySelectorAll("[data-picker]").forEach(syncChips);
    document.dispatchEvent(new CustomEvent("rows-changed"));
    var first = row.querySelector("input[type=text], textarea");
    if (first) first.focus();
  });

  // The error summary (GOV.UK's pattern): focused when the page opens with it, unless a button
  // put the tutor back somewhere; each link puts the cursor in the field it names.
  var summary = document.getElementById("form-errors");
  if (summary && !document.querySelector("[autofocus]")) summary.focus();
  document.addEventListener("click", function (event) {
    // the error summary's links and the quality findings' links alike
    var link = event.target.closest && event.target.closest("#form-errors a[href^='#'], #quality-findings a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    var control = target.matches("input, select, textarea") ? target
      : target.querySelector("input:not([type=hidden]), select, textarea, button");
    if (!control) return;
    event.preventDefault();
    var details = control.closest("details");  // a field under "More settings" is shown first
    while (details) { details.open = true; details = details.parentElement.closest("details"); }
    if (window.history && history.replaceState) history.replaceState(null, "", "#" + target.id);  // as the link would
    target.scrollIntoView();
    control.focus();
  });

  // A step's type changes with its "Apply type" button (the form reloads at that step), never on
  // the select's own change: a keyboard user moving through the types with the arrows would
  // otherwise reload the page at each one.

  // Quality checks as you type: the form is posted (nothing is saved) to the findings endpoint a
  // moment after the last keystroke, and the server's list replaces the one on the page. Only the
  // newest reply is shown, so a slow earlier one cannot overwrite it.
  var form = document.querySelector("form[data-findings-url]");
  var panel = document.getElementById("quality-findings");
  if (form && panel && window.fetch && window.FormData) {
    var timer = null, sent = 0;
    var refresh = function () {
      var body = new FormData(form), ticket = ++sent;
      body.delete("_save");
      if (form.dataset.questionId) body.append("question_id", form.dataset.questionId);
      fetch(form.dataset.findingsUrl, {
        method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (reply) {
        if (reply && ticket === sent) panel.innerHTML = reply.html;
      }).catch(function () { /* the list from the last reply (or the page) stays */ });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(refresh, 400); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
})();
