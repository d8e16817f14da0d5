/* carecourse authoring: live Markdown preview, confirmations, the quiz builder's live draw count and
 * the page editor's Insert image. Plain JS, no build step. The pages work without it: the Preview
 * button posts the form and the server renders the preview; the builder shows each saved draw's
 * count and refuses a draw that asks for too many; images can be uploaded on the Images page. */
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
    // Text the server did not render the preview of: typed before this script ran (a slow
    // connection), or put back by the browser on returning to the page.
    if (textarea.value !== textarea.defaultValue) update();
  }

  function confirmations() {
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // The quiz builder: how many bank questions the draw being set up matches (README: Quiz builder).
  function drawCount(form) {
    var url = form.getAttribute("data-draw-count-url");
    var out = document.getElementById("draw-matches");
    var count = form.querySelector('[name="draw-count"]');
    var criterion = form.querySelector('[name="draw-criterion"]');
    var tag = form.querySelector('[name="draw-tag"]');
    if (!url || !out || !count || !criterion || !tag) return;
    var timer = null;
    var sent = 0;
    function show(text, short) {
      out.textContent = "";
      if (short) {
        var strong = document.createElement("strong");
        strong.textContent = "Warning: ";
        out.appendChild(strong);
      }
      out.appendChild(document.createTextNode(text));
      out.classList.toggle("warning", !!short);
    }
    function update() {
      var mine = ++sent;
      if (!criterion.value && !tag.value.trim()) {
        show("Choose a criterion or enter a tag to see how many questions match.", false);
        return;
      }
      var query = "?criterion=" + encodeURIComponent(criterion.value) + "&tag=" + encodeURIComponent(tag.value) +
        "&count=" + encodeURIComponent(count.value);
      fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (mine === sent) show(data.message, data.short || data.error);
        })
        .catch(function () {
          if (mine === sent) show("The count could not be fetched; the draw is checked when you add it.", false);
        });
    }
    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    }
    criterion.addEventListener("change", soon);
    tag.addEventListener("input", soon);
    count.addEventListener("input", soon);
    update();
  }

  // The page editor's Insert image: the server stores a new upload (or finds the chosen one) and
  // answers the Markdown, which goes in at the cursor.
  function insertImage(box) {
    var textarea = document.getElementById(box.getAttribute("data-target"));
    var url = box.getAttribute("data-insert-url");
    var select = document.getElementById("insert-image-existing");
    var file = document.getElementById("insert-image-file");
    var alt = document.getElementById("insert-image-alt");
    var upload = document.getElementById("insert-image-upload");
    var button = document.getElementById("insert-image-button");
    var status = document.getElementById("insert-image-status");
    if (!textarea || !url || !select || !file || !alt || !button) return;
    box.hidden = false;
    var inputs = { existing: select, file: file, alt: alt };

    function fieldError(input, message) {
      var p = document.getElementById(input.id + "-error");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== p.id;
      });
      p.textContent = "";
      p.hidden = !message;
      if (message) {
        var prefix = document.createElement("span");
        prefix.className = "visually-hidden";
        prefix.textContent = "Error: ";
        p.appendChild(prefix);
        p.appendChild(document.createTextNode(message));
        described.push(p.id);
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
    }
    function refuse(input, message) {
      fieldError(input, message);
      status.textContent = "";
      input.focus();
    }
    function toggle() { upload.hidden = !!select.value; }
    function insertAtCursor(text) {
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
      textarea.focus();
      textarea.setSelectionRange(start + text.length, start + text.length);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));  // the live preview follows
    }
    select.addEventListener("change", toggle);
    toggle();
    button.addEventListener("click", function () {
      Object.keys(inputs).forEach(function (name) { fieldError(inputs[name], ""); });
      if (!alt.value.trim()) return refuse(alt, "Describe the image for someone who cannot see it (alt text).");
      if (!select.value && !file.files.length) return refuse(file, "Choose an image to upload, or pick one of this course's images.");
      var body = new FormData();
      body.append("alt", alt.value);
      if (select.value) body.append("existing", select.value);
      else body.append("file", file.files[0]);
      status.textContent = "Inserting the image…";
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (reply) {
        if (!reply.ok) return refuse(inputs[reply.data.field] || (select.value ? select : file), reply.data.message);
        insertAtCursor(reply.data.markdown);
        if (reply.data.uploaded) {
          var option = document.createElement("option");
          option.value = option.textContent = reply.data.filename;
          option.textContent += " (uploaded)";
          select.appendChild(option);
        }
        alt.value = "";
        file.value = "";
        status.textContent = "Image inserted: " + reply.data.markdown;
      }).catch(function () {
        refuse(select.value ? select : file, "The image could not be inserted (too large, or the connection failed). Try again, or use the Images page.");
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-preview-url]"), livePreview);
    confirmations();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draw-count-url]"), drawCount);
    Array.prototype.forEach.call(document.querySelectorAll("[data-insert-image]"), insertImage);
    var summary = document.getElementById("form-errors");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
