// The job page: while the job runs, ask the server for its state and show it in the page's
// polite live region and progress bar; once it has finished, load the page again to show the
// result. Without this script the page's Refresh link does the same by hand.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section || !window.fetch) { return; }
  var url = section.getAttribute("data-status-url");
  var stateText = document.getElementById("job-state");
  var bar = document.getElementById("job-bar");
  var delay = 1000;          // first check after a second, then less often: 1 s up to 5 s
  var maxDelay = 5000;
  var givenUpAfter = Date.now() + 60 * 60 * 1000;  // an hour: then the Refresh link remains

  function show(job) {
    if (stateText.textContent !== job.state) { stateText.textContent = job.state; }
    if (bar && job.progress.total) {
      bar.max = job.progress.total;
      bar.value = job.progress.done;
      bar.textContent = job.progress.done + " of " + job.progress.total;
    }
  }

  function check() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("json") < 0) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) {
          window.location.reload();
          return;
        }
        delay = Math.min(maxDelay, delay + 1000);
        if (Date.now() < givenUpAfter) { window.setTimeout(check, delay); }
      })
      .catch(function () {
        // Signed out, offline or a server error: stop asking; the Refresh link still works.
      });
  }

  window.setTimeout(check, delay);
}());
