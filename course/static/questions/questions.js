// Question form niceties; everything works without them.
(function () {
  "use strict";
  // Filter the criteria picker as you type (matches code and text).
  var search = document.getElementById("criteria-search");
  if (search) {
    search.addEventListener("input", function () {
      var needle = search.value.trim().toLowerCase();
      document.querySelectorAll(".criteria-picker .criterion").forEach(function (el) {
        el.hidden = needle !== "" && el.getAttribute("data-search").indexOf(needle) < 0;
      });
      document.querySelectorAll(".criteria-picker details.framework").forEach(function (d) {
        if (needle) d.open = d.querySelector(".criterion:not([hidden])") !== null;
      });
    });
  }
  // "Add ..." buttons add a row in place (no round trip): the last row is copied, renamed to the
  // next index and emptied. Without JS (or with no row to copy) the button submits and the
  // server adds the row.
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
      ["name", "id", "for", "aria-describedby", "data-field", "data-rows", "data-apply"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value !== null && value.indexOf(from) >= 0) el.setAttribute(attr, value.split(from).join(to));
      });
      if (el.name === "_remove" && el.value === from) {
        el.value = to;
        el.textContent = el.textContent.replace(/\d+\s*$/, String(count + 1));
      }
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
    var first = row.querySelector("input[type=text], textarea");
    if (first) first.focus();
  });

  // Changing a step's question type applies it at once (the "Apply type" button does it without JS).
  document.querySelectorAll("select[data-apply]").forEach(function (select) {
    select.addEventListener("change", function () {
      var button = select.parentNode.querySelector("button[name=_apply]");
      if (button) button.click();
    });
  });

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
