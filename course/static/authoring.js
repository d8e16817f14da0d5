/* carecourse authoring: live Markdown preview and confirmations. Plain JS, no build step.
 * The page works without it: the Preview button posts the form and the server renders the preview. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function livePreview(textarea) {
    var url = textarea.getAttribute("data-preview-url");
    var target = document.getElementById(textarea.getAttribute("data-preview-target"));
    if (!url || !target) return;
    var timer = null;
    var sent = 0;
    function update() {
      var mine = ++sent;
      var body = new FormData();
      body.append("body", textarea.value);
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error("preview failed: " + response.status);
        return response.json();
      }).then(function (data) {
        // The server returns sanitised HTML (question_bank.text.render_markdown); keep only the latest.
        if (mine === sent) target.innerHTML = data.html;
      }).catch(function () {
        if (mine === sent) target.setAttribute("data-preview-error", "true");
      });
    }
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 300);
    });
  }

  function confirmations() {
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-preview-url]"), livePreview);
    confirmations();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
